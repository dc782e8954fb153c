/**
 * A burning building as both views draw it: its shape (GET /api/cities/:id/buildings/:bid, fetched
 * once a page), the flames along its façade at each burning floor, how they flicker, and the smoke
 * rising from its roof. Pure but for the fetch: local metres (x east, y north, z up).
 */
import { z } from 'zod';
import type { Incident } from '../../../server/protocol/EmergencySummary.ts';
import { fetchJson } from '../../twin/http.ts';

/** What the fire needs of a building. */
export const BuildingShape = z.object({
  id: z.string(),
  /** Rings of [x, y], local metres; the outer ring first. */
  footprint: z.array(z.array(z.tuple([z.number(), z.number()])).min(3)).min(1),
  /** Local height of its foot, metres. */
  base: z.number(),
  height: z.number().positive(),
  floors: z.number().int().positive(),
});
export type BuildingShape = z.infer<typeof BuildingShape>;

const shapes = new Map<string, Promise<BuildingShape>>();

/** The shape of building `id` of city `cityId`, fetched once a page (a failure is asked again next time). */
export function loadBuilding(cityId: string, id: string): Promise<BuildingShape> {
  const key = `${cityId}/${id}`;
  let p = shapes.get(key);
  if (!p) {
    p = fetchJson(`/api/cities/${encodeURIComponent(cityId)}/buildings/${encodeURIComponent(id)}`).then((body) => BuildingShape.parse(body));
    p.catch(() => shapes.delete(key));
    shapes.set(key, p);
  }
  return p;
}

/** A point in local metres. */
export interface Place {
  x: number;
  y: number;
  z: number;
}

/** One flame: where its foot is and how tall it stands (metres), and its flicker's phase. */
export interface Flame extends Place {
  heightM: number;
  phase: number;
}

/**
 * Flames stand this far apart along the façade, this far out from it (metres), and this many
 * floors tall: taller than windows' flames are, to be seen from a few hundred metres.
 */
const FLAME_SPACING_M = 6;
const FLAME_OUT_M = 1.5;
const FLAME_FLOORS = 3;

/** The outward normal's sign of a ring: +1 when counter-clockwise (the outside is to the right of each edge). */
function orientation(ring: readonly (readonly [number, number])[]): number {
  let area = 0;
  for (let i = 0; i < ring.length; i++) {
    const [ax, ay] = ring[i];
    const [bx, by] = ring[(i + 1) % ring.length];
    area += ax * by - bx * ay;
  }
  return area >= 0 ? 1 : -1;
}

/**
 * Flames along the outer wall of `building` at each of `burningFloors` (1 is the ground floor),
 * from the floor's slab up past the floor above: windows burning out.
 */
export function flamesOf(building: BuildingShape, burningFloors: readonly number[]): Flame[] {
  const ring = building.footprint[0];
  const floorM = building.height / building.floors;
  const sign = orientation(ring);
  const out: Flame[] = [];
  for (const floor of burningFloors) {
    if (!(floor >= 1 && floor <= building.floors)) continue;
    const zFloor = building.base + (floor - 1) * floorM;
    for (let i = 0; i < ring.length; i++) {
      const [ax, ay] = ring[i];
      const [bx, by] = ring[(i + 1) % ring.length];
      const length = Math.hypot(bx - ax, by - ay);
      if (length < 1e-6) continue;
      // Outward: right of the edge for a counter-clockwise ring.
      const [nx, ny] = [(sign * (by - ay)) / length, (-sign * (bx - ax)) / length];
      const n = Math.max(1, Math.round(length / FLAME_SPACING_M));
      for (let k = 0; k < n; k++) {
        const t = (k + 0.5) / n;
        out.push({ x: ax + t * (bx - ax) + nx * FLAME_OUT_M, y: ay + t * (by - ay) + ny * FLAME_OUT_M, z: zFloor, heightM: floorM * FLAME_FLOORS, phase: (out.length * 2.399) % (2 * Math.PI) });
      }
    }
  }
  return out;
}

/** How tall a flame stands now, as a fraction of its height: two beats out of step, never below 0.55. */
export function flicker(timeMs: number, phase: number): number {
  const t = timeMs / 1000;
  return 0.78 + 0.14 * Math.sin(t * 9.3 + phase) + 0.08 * Math.sin(t * 23.1 + 1.7 * phase);
}

/** One puff of smoke: its centre and size (metres) and how opaque it is. */
export interface Puff extends Place {
  sizeM: number;
  alpha: number;
}

/** Puffs in a plume, how long each takes to rise and fade (ms), how high it rises and how wide it grows at most (metres). */
export const PUFFS = 16;
const PUFF_LIFE_MS = 14_000;
const SMOKE_RISE_M = 208;
const SMOKE_WIDEST_M = 88 * 3;

/**
 * The smoke over a building with `burning` floors on fire at `timeMs`: puffs leaving its roof,
 * rising about 200 m, swelling and fading as they go; more floors, bigger puffs.
 */
export function smokeOf(building: BuildingShape, burning: number, timeMs: number): Puff[] {
  if (burning <= 0) return [];
  const ring = building.footprint[0];
  const cx = ring.reduce((s, p) => s + p[0], 0) / ring.length;
  const cy = ring.reduce((s, p) => s + p[1], 0) / ring.length;
  const top = building.base + building.height;
  const scale = 1 + 0.2 * Math.min(burning - 1, 10);
  const out: Puff[] = [];
  for (let i = 0; i < PUFFS; i++) {
    const age = (((timeMs + (i * PUFF_LIFE_MS) / PUFFS) % PUFF_LIFE_MS) + PUFF_LIFE_MS) % PUFF_LIFE_MS / PUFF_LIFE_MS;
    const swirl = 6 * age * scale;
    out.push({
      x: cx + swirl * Math.cos(i * 2.1),
      y: cy + swirl * Math.sin(i * 2.1),
      z: top + 8 + (SMOKE_RISE_M - 8) * age,
      sizeM: (18 + 70 * age) * scale,
      alpha: 0.9 * Math.min(1, age * 8) * (1 - age) ** 0.7,
    });
  }
  return out;
}

/** What burns now: every flame, and each burning building with how many floors are on fire (its smoke). */
export interface Fires {
  flames: Flame[];
  plumes: { building: BuildingShape; burning: number }[];
}

/** The fires of the incidents not closed whose building's shape is in (`shapeOf` asks for the others). */
export function firesOf(incidents: readonly Incident[], shapeOf: (incident: Incident) => BuildingShape | null): Fires {
  const fires: Fires = { flames: [], plumes: [] };
  for (const inc of incidents) {
    const floors = inc.burningFloors ?? [];
    if (inc.kind !== 'fire' || inc.status === 'closed' || floors.length === 0) continue;
    const building = shapeOf(inc);
    if (!building) continue;
    fires.flames.push(...flamesOf(building, floors));
    fires.plumes.push({ building, burning: floors.length });
  }
  return fires;
}

/** Every puff of every plume at `timeMs`. */
export const puffsOf = (fires: Fires, timeMs: number): Puff[] => fires.plumes.flatMap((p) => smokeOf(p.building, p.burning, timeMs));

/** A sphere (local metres) holding every flame and the smoke over them, or null when nothing burns: a view animates them only while it sees it. */
export function firesBounds(fires: Fires): (Place & { radiusM: number }) | null {
  if (fires.flames.length === 0) return null;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  const add = (x: number, y: number, z: number) => {
    [x, y, z].forEach((v, k) => {
      lo[k] = Math.min(lo[k], v);
      hi[k] = Math.max(hi[k], v);
    });
  };
  for (const f of fires.flames) add(f.x, f.y, f.z + f.heightM);
  for (const p of fires.plumes) add(p.building.footprint[0][0][0], p.building.footprint[0][0][1], p.building.base + p.building.height + SMOKE_RISE_M);
  const [x, y, z] = [0, 1, 2].map((k) => (lo[k] + hi[k]) / 2);
  // The widest puff sticks out past the points by its size.
  return { x, y, z, radiusM: Math.hypot(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]) / 2 + SMOKE_WIDEST_M };
}
