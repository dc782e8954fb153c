import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CityModel, POI_KINDS } from '../../../server/city/CityModel.ts';
import type { Point2 } from '../../../server/city/CityModel.ts';
import { DEFAULT_CITY_SEED, generateCity } from '../../../server/city/generateCity.ts';
import { pointInPolygon, polylineLength, ringCentroid, ringsBox, signedArea } from '../../../server/city/polygon.ts';

let city: CityModel;
let json: string;
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

beforeAll(() => {
  city = generateCity();
  json = JSON.stringify(city);
});

/** Size of the largest strongly connected component (Kosaraju, iterative). */
function largestScc(count: number, edges: [number, number][]): number {
  const out: number[][] = Array.from({ length: count }, () => []);
  const inc: number[][] = Array.from({ length: count }, () => []);
  for (const [a, b] of edges) {
    out[a].push(b);
    inc[b].push(a);
  }
  const seen = new Uint8Array(count);
  const order: number[] = [];
  for (let root = 0; root < count; root++) {
    if (seen[root]) continue;
    seen[root] = 1;
    const stack: [number, number][] = [[root, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top[1] < out[top[0]].length) {
        const w = out[top[0]][top[1]++];
        if (!seen[w]) {
          seen[w] = 1;
          stack.push([w, 0]);
        }
      } else {
        order.push(top[0]);
        stack.pop();
      }
    }
  }
  const comp = new Int32Array(count).fill(-1);
  let best = 0;
  for (let k = order.length - 1; k >= 0; k--) {
    const root = order[k];
    if (comp[root] !== -1) continue;
    let size = 0;
    const stack = [root];
    comp[root] = root;
    while (stack.length > 0) {
      const v = stack.pop() as number;
      size++;
      for (const w of inc[v]) {
        if (comp[w] === -1) {
          comp[w] = root;
          stack.push(w);
        }
      }
    }
    best = Math.max(best, size);
  }
  return best;
}

function distanceToSegment(p: Point2, a: Point2, b: Point2): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2)) : 0;
  return Math.hypot(a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
}

describe('generateCity', () => {
  it('produces a model the shared schema accepts', () => {
    const result = CityModel.safeParse(city);
    expect(result.success, result.success ? '' : JSON.stringify(result.error.issues.slice(0, 3))).toBe(true);
    expect(city.id).toBe('pingdingshan');
    expect(city.synthetic).toBe(true);
    expect(city.name.zh).toContain('平顶山');
    expect(city.origin.lon).toBeCloseTo(113.29, 1);
    expect(city.origin.lat).toBeCloseTo(33.74, 1);
    expect(city.extent.maxX - city.extent.minX).toBeGreaterThanOrEqual(10_000);
    expect(city.extent.maxY - city.extent.minY).toBeGreaterThanOrEqual(7_000);
  });

  it('gives the same bytes for the same seed and a different city for another seed', () => {
    expect(sha256(JSON.stringify(generateCity({ seed: DEFAULT_CITY_SEED })))).toBe(sha256(json));
    const other = generateCity({ seed: 1 });
    expect(sha256(JSON.stringify(other))).not.toBe(sha256(json));
    expect(CityModel.safeParse(other).success).toBe(true);
  });

  it('rejects a seed that is not an integer with a message naming it', () => {
    expect(() => generateCity({ seed: 1.5 })).toThrow(/generateCity: seed .* 1\.5/);
  });

  it('rounds coordinates to centimetres', () => {
    const offGrid = (v: number): boolean => Math.abs(v * 100 - Math.round(v * 100)) > 1e-6;
    expect(city.buildings.slice(0, 2000).some((b) => b.footprint.some((r) => r.some(([x, y]) => offGrid(x) || offGrid(y))))).toBe(false);
    expect(city.roads.nodes.some((n) => offGrid(n.x) || offGrid(n.y))).toBe(false);
  });

  describe('buildings', () => {
    it('holds at least 30,000 buildings with sequential ids', () => {
      expect(city.buildings.length).toBeGreaterThanOrEqual(30_000);
      expect(city.buildings.filter((b, i) => b.id !== `B${String(i).padStart(6, '0')}`).map((b) => b.id)).toEqual([]);
    });

    it('has footprints beyond rectangles: many-cornered shapes and courtyards with holes, oriented outer CCW, holes CW', () => {
      expect(city.buildings.filter((b) => b.footprint[0].length > 4).length).toBeGreaterThan(1000);
      expect(city.buildings.filter((b) => b.footprint.length > 1).length).toBeGreaterThan(5);
      const misoriented = city.buildings.filter((b) => signedArea(b.footprint[0]) <= 0 || b.footprint.slice(1).some((hole) => signedArea(hole) >= 0));
      expect(misoriented.map((b) => b.id)).toEqual([]);
    });

    it('gives every building a height, floors matching it, a district and a grid cell', () => {
      const districts = new Set(city.districts.map((d) => d.id));
      const cells = new Set(city.grid.cells.map((c) => c.id));
      const bad = city.buildings.filter((b) => {
        const storey = b.height / b.floors;
        return !(b.height > 0 && b.floors >= 1 && storey > 2.5 && storey < 7 && districts.has(b.district) && cells.has(b.grid));
      });
      expect(bad.slice(0, 5)).toEqual([]);
    });

    it('has a high-rise core with landmarks, varied uses and hundreds of named buildings', () => {
      const uses = new Set(city.buildings.map((b) => b.use));
      expect([...uses].sort()).toEqual(['commercial', 'hospital', 'industrial', 'office', 'public', 'residential', 'school']);
      const tallest = [...city.buildings].sort((a, b) => b.height - a.height)[0];
      expect(tallest.name).toBe('平顶山国际金融中心');
      expect(tallest.height).toBeGreaterThan(150);
      expect(city.buildings.filter((b) => b.name !== '').length).toBeGreaterThan(300);
      expect(city.buildings.some((b) => b.name.startsWith('平顶山市第一人民医院') && b.use === 'hospital')).toBe(true);
      expect(city.buildings.some((b) => b.use === 'residential' && b.floors <= 3)).toBe(true);
      expect(city.buildings.some((b) => b.use === 'residential' && b.floors >= 25)).toBe(true);
    });

    it('stands on the ground: the base is never above the terrain at a footprint corner', () => {
      const t = city.terrain;
      const at = (x: number, y: number): number => {
        const fx = Math.min(t.cols - 1, Math.max(0, (x - t.originX) / t.cellSize));
        const fy = Math.min(t.rows - 1, Math.max(0, (y - t.originY) / t.cellSize));
        const c = Math.min(t.cols - 2, Math.floor(fx));
        const r = Math.min(t.rows - 2, Math.floor(fy));
        const h = (cc: number, rr: number): number => t.heights[rr * t.cols + cc];
        const a = h(c, r) + (h(c + 1, r) - h(c, r)) * (fx - c);
        const b = h(c, r + 1) + (h(c + 1, r + 1) - h(c, r + 1)) * (fx - c);
        return a + (b - a) * (fy - r);
      };
      const floating = city.buildings.filter((b) => b.footprint[0].some(([x, y]) => b.base > at(x, y) + 0.01));
      expect(floating.map((b) => b.id)).toEqual([]);
    });

    it('keeps building centroids out of the river, the reservoir, parks and forest', () => {
      const areas = [...city.water, ...city.green];
      const boxes = areas.map((w) => ringsBox(w.polygon));
      const wet = city.buildings.filter((b) => {
        const c = ringCentroid(b.footprint[0]);
        return areas.some((w, k) => c[0] >= boxes[k].minX && c[0] <= boxes[k].maxX && c[1] >= boxes[k].minY && c[1] <= boxes[k].maxY && pointInPolygon(c, w.polygon));
      });
      expect(wet.map((b) => b.id)).toEqual([]);
    });

    it('keeps footprints off the roadway of every street', () => {
      const cell = 100;
      const buckets = new Map<string, [Point2, Point2, number][]>();
      for (const l of city.roads.links) {
        const half = l.lanes * 3.5;
        for (let k = 1; k < l.geometry.length; k++) {
          const box = ringsBox([[l.geometry[k - 1], l.geometry[k], l.geometry[k]]]);
          for (let cx = Math.floor(box.minX / cell); cx <= Math.floor(box.maxX / cell); cx++) {
            for (let cy = Math.floor(box.minY / cell); cy <= Math.floor(box.maxY / cell); cy++) {
              const key = `${cx},${cy}`;
              if (!buckets.has(key)) buckets.set(key, []);
              buckets.get(key)?.push([l.geometry[k - 1], l.geometry[k], half]);
            }
          }
        }
      }
      let onRoad = 0;
      for (const b of city.buildings) {
        for (const p of [...b.footprint[0], ringCentroid(b.footprint[0])]) {
          for (let dx = -1; dx <= 1; dx++) {
            for (let dy = -1; dy <= 1; dy++) {
              for (const [a, q, half] of buckets.get(`${Math.floor(p[0] / cell) + dx},${Math.floor(p[1] / cell) + dy}`) ?? []) {
                if (distanceToSegment(p, a, q) < half) onRoad++;
              }
            }
          }
        }
      }
      expect(onRoad).toBe(0);
    });
  });

  describe('roads', () => {
    it('links known nodes along geometry that starts and ends at them, with the stated length', () => {
      const nodes = new Map(city.roads.nodes.map((n) => [n.id, n]));
      expect(nodes.size).toBe(city.roads.nodes.length);
      expect(city.roads.nodes.length).toBeGreaterThan(1500);
      const bad = city.roads.links.filter((l) => {
        const from = nodes.get(l.from);
        const to = nodes.get(l.to);
        const last = l.geometry[l.geometry.length - 1];
        return !from || !to || l.geometry[0][0] !== from.x || l.geometry[0][1] !== from.y || last[0] !== to.x || last[1] !== to.y ||
          Math.abs(l.length - polylineLength(l.geometry)) > 0.01;
      });
      expect(bad.slice(0, 5)).toEqual([]);
    });

    it('lets a vehicle reach nearly every node from every other (largest SCC ≥ 99%)', () => {
      const index = new Map(city.roads.nodes.map((n, i) => [n.id, i]));
      const edges = city.roads.links.map((l) => [index.get(l.from) as number, index.get(l.to) as number] as [number, number]);
      expect(largestScc(city.roads.nodes.length, edges) / city.roads.nodes.length).toBeGreaterThanOrEqual(0.99);
    });

    it('has a road hierarchy with real street names, two-way streets, signals and few one-way streets', () => {
      const classes = new Set(city.roads.links.map((l) => l.class));
      expect([...classes].sort()).toEqual(['arterial', 'collector', 'expressway', 'local']);
      const names = new Set(city.roads.links.map((l) => l.name));
      for (const name of ['建设路', '中兴路', '开源路', '光明路', '矿工路', '湛河北路', '湛河南路']) expect(names.has(name), name).toBe(true);
      const pairs = new Set(city.roads.links.map((l) => `${l.from}>${l.to}`));
      const oneWay = city.roads.links.filter((l) => !pairs.has(`${l.to}>${l.from}`));
      expect(oneWay.length).toBeGreaterThan(0);
      expect(oneWay.length / city.roads.links.length).toBeLessThan(0.1);
      expect(city.roads.nodes.filter((n) => n.signalised).length).toBeGreaterThan(50);
      const expressways = city.roads.links.filter((k) => k.class === 'expressway');
      expect(expressways.every((l) => l.lanes === 3 && l.speedLimitKmh === 80)).toBe(true);
    });

    it('keeps streets out of the reservoir', () => {
      const reservoir = city.water.find((w) => w.kind === 'reservoir');
      expect(reservoir).toBeDefined();
      const wet = city.roads.links.filter((l) => l.geometry.some((p) => pointInPolygon(p, reservoir?.polygon ?? [[]])));
      expect(wet.map((l) => l.id)).toEqual([]);
    });
  });

  describe('land', () => {
    it('has the Zhan River crossing the south from the west edge to the east edge, and the reservoir in the south-west', () => {
      const river = city.water.find((w) => w.kind === 'river');
      expect(river?.name).toBe('湛河');
      const box = ringsBox(river?.polygon ?? []);
      expect(box.minX).toBeLessThanOrEqual(city.extent.minX + 1);
      expect(box.maxX).toBeGreaterThanOrEqual(city.extent.maxX - 1);
      expect(box.maxY).toBeLessThan(0);
      const reservoir = city.water.find((w) => w.kind === 'reservoir');
      expect(reservoir?.name).toBe('白龟山水库');
      const c = ringCentroid(reservoir?.polygon[0] ?? []);
      expect(c[0]).toBeLessThan(-3000);
      expect(c[1]).toBeLessThan(-2500);
    });

    it('rises into hills in the north while the core stays near the origin height', () => {
      const t = city.terrain;
      expect(t.heights.length).toBe(t.cols * t.rows);
      const row = (r: number): number[] => t.heights.slice(r * t.cols, (r + 1) * t.cols);
      const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
      expect(mean(row(t.rows - 1))).toBeGreaterThan(120);
      expect(Math.max(...row(t.rows - 1))).toBeLessThan(300);
      const centre = t.heights[Math.round((0 - t.originY) / t.cellSize) * t.cols + Math.round((0 - t.originX) / t.cellSize)];
      expect(Math.abs(centre)).toBeLessThan(10);
    });

    it('has the three districts, a 500 m management grid, parks along the river and forest on the hills', () => {
      expect(city.districts.map((d) => d.id).sort()).toEqual(['weidong', 'xinhua', 'zhanhe']);
      expect(city.grid.cellSize).toBe(500);
      expect(city.grid.cells.length).toBe(city.grid.cols * city.grid.rows);
      for (const c of city.grid.cells) {
        expect(c.id).toMatch(/^G-R\d\dC\d\d$/);
        expect(c.district).not.toBe('');
      }
      expect(city.green.some((g) => g.kind === 'park' && g.name === '湛河公园')).toBe(true);
      expect(city.green.some((g) => g.kind === 'forest')).toBe(true);
      // The west lies in 新华区, the east in 卫东区, the riverside in 湛河区.
      const at = (p: Point2): string | undefined => city.districts.find((d) => pointInPolygon(p, d.polygon))?.id;
      expect(at([-4000, 1000])).toBe('xinhua');
      expect(at([4000, 1000])).toBe('weidong');
      expect(at([0, -3000])).toBe('zhanhe');
    });
  });

  it('places every kind of point of interest on the road network', () => {
    const nodes = new Set(city.roads.nodes.map((n) => n.id));
    const count = (kind: string): number => city.pois.filter((p) => p.kind === kind).length;
    expect(new Set(city.pois.map((p) => p.kind))).toEqual(new Set(POI_KINDS));
    expect(count('fire_station')).toBeGreaterThanOrEqual(6);
    expect(count('hospital')).toBeGreaterThanOrEqual(5);
    expect(count('police')).toBeGreaterThanOrEqual(6);
    expect(count('shelter')).toBeGreaterThanOrEqual(10);
    expect(count('school')).toBeGreaterThanOrEqual(20);
    expect(count('aq_station')).toBeGreaterThanOrEqual(6);
    for (const p of city.pois) expect(nodes.has(p.node), `${p.id} node ${p.node}`).toBe(true);
    for (const p of city.pois.filter((q) => q.kind === 'hospital')) expect(p.beds).toBeGreaterThan(0);
    for (const p of city.pois.filter((q) => q.kind === 'shelter')) expect(p.capacity).toBeGreaterThan(0);
    expect(new Set(city.pois.map((p) => p.id)).size).toBe(city.pois.length);
    expect(city.pois.some((p) => p.kind === 'aq_station' && p.name.zh === '新华旅馆')).toBe(true);
  });
});
