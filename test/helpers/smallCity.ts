import { CityModel, type Building, type Point2, type Polygon, type RoadLink, type RoadNode } from '../../server/city/CityModel.ts';
import { cm, polylineLength } from '../../server/city/polygon.ts';
import { createRandom } from '../../server/city/generate/random.ts';

/** Seeded numbers in [0, 1): the project's mulberry32 stream, the same on every machine. */
const random = (seed: number): (() => number) => createRandom(seed).next;

const ORIGIN = { lon: 113.29, lat: 33.74, height: 0 };
const HALF = 600;
const BLOCK = 200;
const CELL = 10;

/** Gentle slope: rises 1 m per 100 m to the north-east, with a soft swell. */
export function smallCityTerrainHeight(x: number, y: number): number {
  return cm(0.006 * (x + HALF) + 0.004 * (y + HALF) + 1.5 * Math.sin(x / 150) * Math.cos(y / 170));
}

const ring = (points: Point2[]): Point2[] => points.map(([x, y]) => [cm(x), cm(y)]);

function rotate(points: Point2[], cx: number, cy: number, angle: number): Point2[] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return points.map(([x, y]) => [cx + (x - cx) * c - (y - cy) * s, cy + (x - cx) * s + (y - cy) * c]);
}

/** The courtyard building every test can find: outer square 40 m with a 16 m hole, south-west corner at (-560, -560). */
export const KNOWN_BUILDING_ID = 'B000001';
export const KNOWN_CORNER: Point2 = [-560, -560];

/**
 * A small city (about 900 buildings on 1.2 km × 1.2 km) with a dense downtown in the north-east,
 * rectangles, rotated blocks, L-shapes and courtyards with holes, a street grid of two-way roads
 * and one one-way street, a river, a park and gently sloped terrain. Valid by the CityModel schema.
 */
export function smallCity(id = 'smallcity'): CityModel {
  const rand = random(7);
  const buildings: Building[] = [];
  const district = (x: number) => (x < 0 ? 'west' : 'east');
  const gridCell = (x: number, y: number) => `G${Math.floor((y + HALF) / 300)}-${Math.floor((x + HALF) / 300)}`;
  const riverY0 = 410;
  const riverY1 = 450;
  const inPark = (x: number, y: number) => x > -400 && x < -200 && y > 0 && y < 200;
  const add = (footprint: Polygon, height: number, name = '', use: Building['use'] = 'residential') => {
    const [x, y] = footprint[0][0];
    buildings.push({
      id: `B${String(buildings.length + 1).padStart(6, '0')}`,
      name,
      footprint: footprint.map(ring),
      base: smallCityTerrainHeight(x, y),
      height: cm(height),
      floors: Math.max(1, Math.round(height / 3.2)),
      use,
      district: district(x),
      grid: gridCell(x, y),
    });
  };
  // The known courtyard building, first so it gets B000001.
  const [kx, ky] = KNOWN_CORNER;
  add(
    [
      [[kx, ky], [kx + 40, ky], [kx + 40, ky + 40], [kx, ky + 40]],
      [[kx + 12, ky + 12], [kx + 12, ky + 28], [kx + 28, ky + 28], [kx + 28, ky + 12]],
    ],
    24,
    '鹰城大厦',
    'office',
  );
  const uses: Building['use'][] = ['residential', 'commercial', 'office', 'industrial', 'public', 'school', 'hospital'];
  for (let bx = -HALF; bx < HALF; bx += BLOCK) {
    for (let by = -HALF; by < HALF; by += BLOCK) {
      const downtown = bx >= 0 && by >= 0 && by < 400;
      const lot = downtown ? 20 : 40;
      for (let x = bx + 15; x + lot <= bx + BLOCK - 10; x += lot) {
        for (let y = by + 15; y + lot <= by + BLOCK - 10; y += lot) {
          if (x < kx + 45 && y < ky + 45) continue;
          if (y + lot > riverY0 - 5 && y < riverY1 + 5) continue;
          if (inPark(x + lot / 2, y + lot / 2)) continue;
          const w = lot * (0.6 + 0.25 * rand());
          const d = lot * (0.6 + 0.25 * rand());
          const height = downtown ? 20 + 130 * rand() ** 2 : 6 + 34 * rand();
          const use = uses[Math.floor(rand() * uses.length)];
          const kind = buildings.length % 4;
          if (kind === 0 || downtown) {
            add([[[x, y], [x + w, y], [x + w, y + d], [x, y + d]]], height, '', use);
          } else if (kind === 1) {
            const cx = x + lot / 2;
            const cy = y + lot / 2;
            add([rotate([[cx - w / 2.4, cy - d / 2.4], [cx + w / 2.4, cy - d / 2.4], [cx + w / 2.4, cy + d / 2.4], [cx - w / 2.4, cy + d / 2.4]], cx, cy, 0.3 + rand() * 0.4)], height, '', use);
          } else if (kind === 2) {
            add([[[x, y], [x + w, y], [x + w, y + d / 2], [x + w / 2, y + d / 2], [x + w / 2, y + d], [x, y + d]]], height, '', use);
          } else {
            add(
              [
                [[x, y], [x + w, y], [x + w, y + d], [x, y + d]],
                [[x + w / 3, y + d / 3], [x + w / 3, y + (2 * d) / 3], [x + (2 * w) / 3, y + (2 * d) / 3], [x + (2 * w) / 3, y + d / 3]],
              ],
              height,
              '',
              use,
            );
          }
        }
      }
    }
  }

  // Street grid along block edges, every street two-way (two links), and one one-way street.
  const nodes: RoadNode[] = [];
  const links: RoadLink[] = [];
  const nodeId = (i: number, j: number) => `N${i}-${j}`;
  const steps = (2 * HALF) / BLOCK;
  for (let i = 0; i <= steps; i++) {
    for (let j = 0; j <= steps; j++) nodes.push({ id: nodeId(i, j), x: -HALF + i * BLOCK, y: -HALF + j * BLOCK, signalised: (i + j) % 2 === 0 });
  }
  const link = (a: [number, number], b: [number, number], lanes: number, cls: RoadLink['class']) => {
    const geometry: Point2[] = [
      [-HALF + a[0] * BLOCK, -HALF + a[1] * BLOCK],
      [-HALF + b[0] * BLOCK, -HALF + b[1] * BLOCK],
    ];
    links.push({
      id: `L${links.length + 1}`,
      from: nodeId(...a),
      to: nodeId(...b),
      class: cls,
      lanes,
      speedLimitKmh: cls === 'arterial' ? 60 : 40,
      capacityVph: 900 * lanes,
      name: cls === 'arterial' ? '建设路' : '',
      geometry,
      length: polylineLength(geometry),
    });
  };
  for (let i = 0; i <= steps; i++) {
    for (let j = 0; j < steps; j++) {
      const cls = i === 3 ? 'arterial' : 'local';
      const lanes = cls === 'arterial' ? 2 : 1;
      link([i, j], [i, j + 1], lanes, cls);
      link([i, j + 1], [i, j], lanes, cls);
      if (j === 1) {
        link([j, i], [j + 1, i], 1, 'collector'); // one-way, eastbound
      } else {
        link([j, i], [j + 1, i], lanes, j === 3 ? 'collector' : cls);
        link([j + 1, i], [j, i], lanes, j === 3 ? 'collector' : cls);
      }
    }
  }

  const cols = (2 * HALF) / CELL + 1;
  const heights: number[] = [];
  for (let r = 0; r < cols; r++) for (let c = 0; c < cols; c++) heights.push(smallCityTerrainHeight(-HALF + c * CELL, -HALF + r * CELL));

  const city: CityModel = {
    id,
    name: { zh: '小城', en: 'Small City' },
    synthetic: true,
    origin: ORIGIN,
    extent: { minX: -HALF, minY: -HALF, maxX: HALF, maxY: HALF },
    districts: [
      { id: 'west', name: { zh: '西区', en: 'West' }, polygon: [[[-HALF, -HALF], [0, -HALF], [0, HALF], [-HALF, HALF]]] },
      { id: 'east', name: { zh: '东区', en: 'East' }, polygon: [[[0, -HALF], [HALF, -HALF], [HALF, HALF], [0, HALF]]] },
    ],
    grid: {
      originX: -HALF,
      originY: -HALF,
      cellSize: 300,
      cols: 4,
      rows: 4,
      cells: Array.from({ length: 16 }, (_, k) => ({ id: `G${Math.floor(k / 4)}-${k % 4}`, col: k % 4, row: Math.floor(k / 4), district: k % 4 < 2 ? 'west' : 'east' })),
    },
    buildings,
    roads: { nodes, links },
    water: [
      {
        id: 'W1',
        kind: 'river',
        name: '湛河',
        polygon: [ring(Array.from({ length: 25 }, (_, k): Point2 => [-HALF + k * 50, riverY0 + 6 * Math.sin(k / 2)]).concat(Array.from({ length: 25 }, (_, k): Point2 => [HALF - k * 50, riverY1 + 6 * Math.sin((24 - k) / 2)])))],
      },
    ],
    green: [{ id: 'P1', kind: 'park', name: '人民公园', polygon: [[[-395, 5], [-205, 5], [-205, 195], [-395, 195]], [[-320, 80], [-320, 120], [-280, 120], [-280, 80]]] }],
    terrain: { originX: -HALF, originY: -HALF, cellSize: CELL, cols, rows: cols, heights },
    pois: [{ id: 'P-fire-1', kind: 'fire_station', name: { zh: '消防站', en: 'Fire station' }, x: -400, y: -400, node: nodeId(1, 1) }],
  };
  return CityModel.parse(city);
}
