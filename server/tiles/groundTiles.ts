import type { AreaFeature, CityModel, RoadClass, RoadLink } from '../city/CityModel.ts';
import { ringsBox } from '../city/polygon.ts';
import type { TileSink } from './buildingTiles.ts';
import { boxOfTile } from './buildingTiles.ts';
import { drapedPolygons, LANE_WIDTH, LIFT, roadRibbons, terrainMesh, TerrainSurface, twoWayTest } from './groundGeometry.ts';
import { MeshData } from './meshData.ts';
import { emptyBox, expandBoxYUp, isEmptyBox, toTilesBox, unionBox, type TileJson } from './tileBox.ts';
import { writeGlb, type MaterialDef } from './writeGlb.ts';

/** Terrain cells along a side of a leaf ground tile (so a tile has at most 65 × 65 terrain vertices). */
export const GROUND_LEAF_CELLS = 64;

const MATERIALS: Record<'terrain' | 'road' | 'water' | 'green', MaterialDef> = {
  terrain: { name: 'terrain', color: [0.4, 0.37, 0.31, 1], roughness: 1 },
  road: { name: 'road', color: [0.07, 0.07, 0.08, 1], roughness: 0.9 },
  water: { name: 'water', color: [0.04, 0.16, 0.3, 1], roughness: 0.1 },
  green: { name: 'green', color: [0.1, 0.27, 0.08, 1], roughness: 0.95 },
};

/** Road classes drawn at a level, counted up from the leaves (0 = leaves: everything). */
function classesAt(levelsAboveLeaf: number): Set<RoadClass> {
  if (levelsAboveLeaf === 0) return new Set(['expressway', 'arterial', 'collector', 'local']);
  if (levelsAboveLeaf === 1) return new Set(['expressway', 'arterial', 'collector']);
  return new Set(['expressway', 'arterial']);
}

interface GroundTilesResult {
  root: TileJson;
  geometricError: number;
  tiles: number;
}

/** Levels of the ground quadtree below its root. */
export function groundLevels(city: CityModel): number {
  const cells = Math.max(city.terrain.cols - 1, city.terrain.rows - 1, 1);
  return Math.max(0, Math.ceil(Math.log2(cells / GROUND_LEAF_CELLS)));
}

/** Number of ground tiles `buildGroundTiles` makes (for progress). */
export function countGroundTiles(city: CityModel): number {
  const t = city.terrain;
  const levels = groundLevels(city);
  let n = 0;
  for (let l = 0; l <= levels; l++) {
    const w = GROUND_LEAF_CELLS * 2 ** (levels - l);
    n += Math.max(1, Math.ceil((t.cols - 1) / w)) * Math.max(1, Math.ceil((t.rows - 1) / w));
  }
  return n;
}

/**
 * The ground tileset: a quadtree over the terrain grid. Each level draws the terrain at a stride
 * (the root coarsest, leaves at full resolution) with the water and green areas and the road
 * classes that matter at that distance, each feature in the tile holding its centre. Geometric
 * error = the terrain's deviation from the full grid, or the widest road left out, whichever is more.
 */
export async function buildGroundTiles(city: CityModel, meshopt: boolean, sink: TileSink): Promise<GroundTilesResult> {
  const t = city.terrain;
  const levels = groundLevels(city);
  const twoWay = twoWayTest(city.roads.links);
  const linkCentre = (l: RoadLink): [number, number] => {
    const b = ringsBox([l.geometry]);
    return [(b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2];
  };
  const areaCentre = (a: AreaFeature): [number, number] => {
    const b = ringsBox([a.polygon[0]]);
    return [(b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2];
  };
  let tiles = 0;

  const visit = async (level: number, i: number, j: number): Promise<TileJson | undefined> => {
    const width = GROUND_LEAF_CELLS * 2 ** (levels - level);
    const col0 = i * width;
    const row0 = j * width;
    if (col0 > 0 && col0 >= t.cols - 1) return undefined;
    if (row0 > 0 && row0 >= t.rows - 1) return undefined;
    const col1 = Math.min(col0 + width, t.cols - 1);
    const row1 = Math.min(row0 + width, t.rows - 1);
    const children: TileJson[] = [];
    if (level < levels) {
      for (const [di, dj] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const child = await visit(level + 1, 2 * i + di, 2 * j + dj);
        if (child) children.push(child);
      }
    }
    const stride = 2 ** (levels - level);
    const surface = new TerrainSurface(t, stride);
    const inTile = ([x, y]: [number, number]) => {
      // Features outside the grid belong to the nearest edge tile.
      const c = Math.min(Math.max(Math.floor((x - t.originX) / t.cellSize), 0), Math.max(t.cols - 2, 0));
      const r = Math.min(Math.max(Math.floor((y - t.originY) / t.cellSize), 0), Math.max(t.rows - 2, 0));
      return Math.floor(c / width) === i && Math.floor(r / width) === j;
    };
    const classes = classesAt(levels - level);
    const links = city.roads.links.filter((l) => classes.has(l.class) && inTile(linkCentre(l)));
    const water = city.water.filter((a) => inTile(areaCentre(a))).map((a) => a.polygon);
    const green = city.green.filter((a) => inTile(areaCentre(a))).map((a) => a.polygon);

    const cellMetres = t.cellSize * stride;
    const terrain = t.cols > 1 && t.rows > 1 ? terrainMesh(surface, col0, col1, row0, row1, Math.max(2, cellMetres * 0.05)) : new MeshData();
    const primitives = [
      { mesh: terrain, material: MATERIALS.terrain },
      { mesh: drapedPolygons(green, surface, LIFT.green), material: MATERIALS.green },
      { mesh: drapedPolygons(water, surface, LIFT.water), material: MATERIALS.water },
      { mesh: roadRibbons(links, twoWay, surface), material: MATERIALS.road },
    ];

    let geometricError = 0;
    if (children.length) {
      const fine = new TerrainSurface(t, 1);
      let deviation = 0;
      for (let r = row0; r <= row1; r++) {
        for (let c = col0; c <= col1; c++) {
          const x = t.originX + c * t.cellSize;
          const y = t.originY + r * t.cellSize;
          deviation = Math.max(deviation, Math.abs(fine.node(c, r) - surface.heightAt(x, y)));
        }
      }
      const dropped = city.roads.links.filter((l) => !classes.has(l.class) && inTile(linkCentre(l)));
      const droppedWidth = dropped.reduce((m, l) => Math.max(m, l.lanes * LANE_WIDTH * (twoWay(l) ? 2 : 1)), 0);
      const childMax = Math.max(...children.map((c) => c.geometricError));
      geometricError = Math.ceil(Math.max(deviation, droppedWidth, childMax + 1) * 10) / 10;
    }

    let box = emptyBox();
    for (const p of primitives) expandBoxYUp(box, p.mesh.positions);
    const tile: TileJson = { boundingVolume: { box: [] }, geometricError };
    if (!isEmptyBox(box)) {
      const path = `g/${level}-${i}-${j}.glb`;
      await sink.write(path, await writeGlb({ name: `ground ${level}-${i}-${j}`, primitives }, { meshopt, positionPrecision: 0.02 }));
      tile.content = { uri: path };
    }
    for (const child of children) box = unionBox(box, boxOfTile(child));
    if (isEmptyBox(box)) return undefined;
    tile.boundingVolume.box = toTilesBox(box);
    if (children.length) tile.children = children;
    tiles++;
    sink.progress();
    return tile;
  };

  const root = (await visit(0, 0, 0)) ?? {
    boundingVolume: { box: toTilesBox({ min: [t.originX, t.originY, 0], max: [t.originX, t.originY, 0] }) },
    geometricError: 0,
  };
  root.refine = 'REPLACE';
  return { root, tiles, geometricError: Math.max(root.geometricError * 2, 100) };
}
