import type { AreaFeature, CityModel, Point2 } from './CityModel.ts';
import { cm, orientPolygon, polygonArea, ringCentroid } from './polygon.ts';
import { generateDistricts, generateGrid, generateRiverGreen, generateWater } from './generate/areas.ts';
import { blockToWorld, computeBlocks } from './generate/blocks.ts';
import { generatePois } from './generate/generatePois.ts';
import { createPlan } from './generate/plan.ts';
import { placeBuildings } from './generate/placeBuildings.ts';
import { createRandom, hashInts } from './generate/random.ts';
import { generateRoads } from './generate/roads.ts';
import { generateTerrain } from './generate/terrain.ts';
import { zoneBlocks } from './generate/zoneBlocks.ts';

/** The seed of the city the app ships with. */
export const DEFAULT_CITY_SEED = 4670;

export interface GenerateCityOptions {
  /** Any safe integer; the same seed always gives the same city, byte for byte. */
  seed?: number;
}

/**
 * Generates the default city: a synthetic Pingdingshan (平顶山) laid out like the real one — hills
 * in the north, the Zhan River across the south, Baiguishan Reservoir in the south-west, a
 * commercial core around 中兴路 × 建设路, housing compounds, industry and villages — with its road
 * network, buildings, districts, management grid, terrain and points of interest.
 */
export function generateCity(options: GenerateCityOptions = {}): CityModel {
  const seed = options.seed ?? DEFAULT_CITY_SEED;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new Error(`generateCity: seed must be a safe integer, got ${String(seed)}`);
  const rng = createRandom(hashInts(seed, Math.floor(seed / 4294967296)));
  const plan = createPlan(rng.fork('plan'));
  const terrain = generateTerrain(plan, hashInts(seed, 0x7e77a1));
  const { network, ribbons } = generateRoads(plan, rng.fork('roads'));
  const districts = generateDistricts(plan, rng.fork('districts'));
  const grid = generateGrid(plan.extent, districts);
  const water = generateWater(plan);
  const blocks = computeBlocks(plan);
  const { zones, specials } = zoneBlocks(blocks, plan, rng.fork('zones'));
  const buildings = placeBuildings(blocks, zones, plan, ribbons, terrain, districts, rng.fork('buildings'));

  const green: AreaFeature[] = [];
  blocks.forEach((block, k) => {
    const zone = zones[k];
    if (zone.kind !== 'park' && zone.kind !== 'forest') return;
    const corners: Point2[] = [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([a, b]) => {
      const [x, y] = blockToWorld(block, a * block.halfW, b * block.halfH);
      return [cm(x), cm(y)];
    });
    green.push({ id: '', kind: zone.kind, name: zone.name.zh, polygon: orientPolygon([corners]) });
  });
  const riverGreen = generateRiverGreen(plan);
  green.push(...riverGreen);
  green.forEach((g, k) => (g.id = `${g.kind}-${String(k + 1).padStart(3, '0')}`));
  const riverParks = riverGreen
    .filter((g) => g.name === '湛河公园')
    .map((g) => {
      const [x, y] = ringCentroid(g.polygon[0]);
      return { x, y, areaM2: polygonArea(g.polygon) };
    });
  const pois = generatePois(specials, blocks, network.nodes, riverParks);

  return {
    id: 'pingdingshan',
    name: { zh: '平顶山', en: 'Pingdingshan' },
    synthetic: true,
    origin: { lon: 113.29, lat: 33.74, height: 0 },
    extent: { ...plan.extent },
    districts,
    grid,
    buildings,
    roads: network,
    water,
    green,
    terrain,
    pois,
  };
}
