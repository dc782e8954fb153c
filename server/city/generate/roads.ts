import type { Point2, RoadClass, RoadLink, RoadNetwork, RoadNode } from '../CityModel.ts';
import { cm, pointInRing, polylineLength, ringsBox } from '../polygon.ts';
import { ringDistance2 } from './geometry.ts';
import type { CityPlan, PlanLine } from './plan.ts';
import type { Random } from './random.ts';

/** A two-way street (or a one-way one) as drawn: centre line and half the paved width. */
export interface RoadRibbon {
  points: Point2[];
  halfWidth: number;
}

/** Half the paved width of a street, metres: lanes per direction plus median and shoulders. */
export function roadHalfWidth(roadClass: RoadClass, lanes: number): number {
  const extra = roadClass === 'expressway' ? 4 : roadClass === 'arterial' ? 1.5 : roadClass === 'collector' ? 0.5 : 1;
  return lanes * 3.5 + extra;
}

const SPEED_KMH: Record<RoadClass, number> = { expressway: 80, arterial: 60, collector: 50, local: 30 };
const LANE_VPH: Record<RoadClass, number> = { expressway: 1800, arterial: 1600, collector: 1400, local: 900 };

interface Candidate {
  i: number;
  j: number;
  p: Point2;
}

interface Segment {
  a: Candidate;
  b: Candidate;
  line: PlanLine;
  points: Point2[];
}

/** Strongly connected components by Tarjan's algorithm with an explicit stack; returns each node's component. */
export function stronglyConnectedComponents(count: number, adjacency: number[][]): number[] {
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const component = new Array<number>(count).fill(-1);
  const stack: number[] = [];
  const work: [number, number][] = [];
  let next = 0;
  let components = 0;
  for (let root = 0; root < count; root++) {
    if (index[root] !== -1) continue;
    work.push([root, 0]);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const v = frame[0];
      if (frame[1] === 0) {
        index[v] = low[v] = next++;
        stack.push(v);
        onStack[v] = 1;
      }
      const edges = adjacency[v];
      if (frame[1] < edges.length) {
        const w = edges[frame[1]++];
        if (index[w] === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = 0;
          component[w] = components;
        } while (w !== v);
        components++;
      }
    }
  }
  return component;
}

/**
 * The road network on the plan's lattice: a node where two lines meet, a street between
 * consecutive nodes of a line, two directed links per two-way street. Streets never enter the
 * reservoir; only collectors and bigger roads bridge the river. Nodes outside the largest strongly
 * connected component are dropped, so every node can reach every other.
 */
export function generateRoads(plan: CityPlan, rng: Random): { network: RoadNetwork; ribbons: RoadRibbon[] } {
  const { vLines, hLines, extent, reservoir } = plan;
  const resBox = ringsBox([reservoir]);
  const nearReservoir = (p: Point2, margin: number): boolean =>
    p[0] > resBox.minX - margin && p[0] < resBox.maxX + margin && p[1] > resBox.minY - margin && p[1] < resBox.maxY + margin &&
    (pointInRing(p, reservoir) || ringDistance2(p, reservoir) < margin * margin);
  const inRiver = (u: number, v: number, margin: number): boolean => Math.abs(v - plan.riverV(u)) < plan.riverHalfWidth(u) + margin;
  const toWorld = (u: number, v: number): Point2 => {
    const [x, y] = plan.warp(u, v);
    return [cm(x), cm(y)];
  };

  const grid: (Candidate | undefined)[][] = vLines.map(() => new Array<Candidate | undefined>(hLines.length));
  vLines.forEach((vl, i) => {
    hLines.forEach((hl, j) => {
      const u = vl.at;
      const v = plan.lineV(hl, u);
      if (v < vl.min || v > vl.max || u < hl.min || u > hl.max) return;
      const vx = vl.class === 'expressway';
      const hx = hl.class === 'expressway';
      if (vx !== hx && (vx ? hl.class : vl.class) !== 'arterial') return;
      const p = toWorld(u, v);
      if (p[0] < extent.minX + 15 || p[0] > extent.maxX - 15 || p[1] < extent.minY + 15 || p[1] > extent.maxY - 15) return;
      if (nearReservoir(p, 30) || inRiver(u, v, 20)) return;
      grid[i][j] = { i, j, p };
    });
  });

  const segments: Segment[] = [];
  const addSegment = (a: Candidate, b: Candidate, line: PlanLine, sample: (t: number) => Point2, length: number, crossesRiver: boolean): void => {
    if (crossesRiver && line.class === 'local') return;
    if (line.class === 'local' && rng.chance(0.09)) return;
    const pieces = Math.max(1, Math.ceil(length / (line.river ? 50 : 120)));
    const points: Point2[] = [a.p];
    for (let k = 1; k < pieces; k++) points.push(sample(k / pieces));
    points.push(b.p);
    for (const p of points) if (nearReservoir(p, 20)) return;
    for (let k = 1; k < points.length; k++) {
      const mid: Point2 = [(points[k - 1][0] + points[k][0]) / 2, (points[k - 1][1] + points[k][1]) / 2];
      if (nearReservoir(mid, 20)) return;
    }
    segments.push({ a, b, line, points });
  };
  vLines.forEach((line, i) => {
    let prev: Candidate | undefined;
    for (let j = 0; j < hLines.length; j++) {
      const c = grid[i][j];
      if (!c) continue;
      if (prev) {
        const u = line.at;
        const va = plan.lineV(hLines[prev.j], u);
        const vb = plan.lineV(hLines[j], u);
        const r = plan.riverV(u);
        addSegment(prev, c, line, (t) => toWorld(u, va + (vb - va) * t), vb - va, (va - r) * (vb - r) < 0);
      }
      prev = c;
    }
  });
  hLines.forEach((line, j) => {
    let prev: Candidate | undefined;
    for (let i = 0; i < vLines.length; i++) {
      const c = grid[i][j];
      if (!c) continue;
      if (prev) {
        const ua = vLines[prev.i].at;
        const ub = vLines[i].at;
        addSegment(prev, c, line, (t) => {
          const u = ua + (ub - ua) * t;
          return toWorld(u, plan.lineV(line, u));
        }, ub - ua, false);
      }
      prev = c;
    }
  });

  // Directed graph over candidates, then keep the largest strongly connected component.
  const candidates: Candidate[] = [];
  const numberOf = new Map<Candidate, number>();
  for (let i = 0; i < vLines.length; i++) {
    for (let j = 0; j < hLines.length; j++) {
      const c = grid[i][j];
      if (c) {
        numberOf.set(c, candidates.length);
        candidates.push(c);
      }
    }
  }
  const directions = (s: Segment): [boolean, boolean] => [s.line.oneWay >= 0, s.line.oneWay <= 0];
  const adjacency: number[][] = candidates.map(() => []);
  for (const s of segments) {
    const a = numberOf.get(s.a) as number;
    const b = numberOf.get(s.b) as number;
    const [fwd, back] = directions(s);
    if (fwd) adjacency[a].push(b);
    if (back) adjacency[b].push(a);
  }
  const component = stronglyConnectedComponents(candidates.length, adjacency);
  const sizes = new Map<number, number>();
  for (const c of component) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  let main = -1;
  let best = -1;
  for (const [c, size] of sizes) {
    if (size > best) {
      best = size;
      main = c;
    }
  }
  const keep = (c: Candidate): boolean => component[numberOf.get(c) as number] === main;
  const kept = segments.filter((s) => keep(s.a) && keep(s.b));

  const degree = new Map<Candidate, number>();
  for (const s of kept) {
    degree.set(s.a, (degree.get(s.a) ?? 0) + 1);
    degree.set(s.b, (degree.get(s.b) ?? 0) + 1);
  }
  const nodes: RoadNode[] = [];
  const nodeId = new Map<Candidate, string>();
  for (const c of candidates) {
    if (!keep(c) || !degree.has(c)) continue;
    const id = `N${String(nodes.length).padStart(5, '0')}`;
    nodeId.set(c, id);
    const classes = [vLines[c.i].class, hLines[c.j].class].sort().join('+');
    const signalised = (degree.get(c) as number) >= 3 && (classes === 'arterial+arterial' || classes === 'arterial+collector');
    nodes.push({ id, x: c.p[0], y: c.p[1], signalised });
  }

  const links: RoadLink[] = [];
  const ribbons: RoadRibbon[] = [];
  const addLink = (from: Candidate, to: Candidate, line: PlanLine, geometry: Point2[]): void => {
    const lanes = line.lanes;
    const local = line.class === 'local';
    links.push({
      id: `L${String(links.length).padStart(6, '0')}`,
      from: nodeId.get(from) as string,
      to: nodeId.get(to) as string,
      class: line.class,
      lanes,
      speedLimitKmh: local && Math.abs(line.at) > 3000 ? 40 : SPEED_KMH[line.class],
      capacityVph: lanes * LANE_VPH[line.class],
      name: line.name,
      geometry,
      length: cm(polylineLength(geometry)),
    });
  };
  for (const s of kept) {
    const [fwd, back] = directions(s);
    if (fwd) addLink(s.a, s.b, s.line, s.points);
    if (back) addLink(s.b, s.a, s.line, [...s.points].reverse());
    ribbons.push({ points: s.points, halfWidth: roadHalfWidth(s.line.class, s.line.lanes) });
  }
  return { network: { nodes, links }, ribbons };
}
