import type { LocalizedName } from '../CityModel.ts';
import { pointInRing } from '../polygon.ts';
import type { Block } from './blocks.ts';
import { blockToWorld } from './blocks.ts';
import { ringDistance2 } from './geometry.ts';
import type { Zone, ZoneKind } from './layoutBlock.ts';
import {
  COMPOUND_BRANDS, COMPOUND_SUFFIXES, FACTORY_NAMES, FIRE_STATIONS, GOVERNMENT, HOSPITALS, LANDMARKS, LIBRARY, MUSEUM, PARKS,
  POLICE_STATIONS, SCHOOLS, STADIUM,
} from './names.ts';
import type { CityPlan } from './plan.ts';
import type { Random } from './random.ts';

/** A block given to a named institution, park or landmark. */
export interface Special {
  kind: ZoneKind;
  name: LocalizedName;
  block: number;
  beds?: number;
}

/** Centre of the commercial core, world metres (around 中兴路 × 建设路). */
export const CBD_CENTRE: [number, number] = [300, 400];

const NONE: LocalizedName = { zh: '', en: '' };

function weighted(rng: Random, options: [ZoneKind, number][]): ZoneKind {
  const total = options.reduce((s, [, w]) => s + w, 0);
  let x = rng.next() * total;
  for (const [kind, w] of options) {
    x -= w;
    if (x < 0) return kind;
  }
  return options[options.length - 1][0];
}

/** The land use for a block that holds no named institution, by where it lies. */
function regularZone(block: Block, plan: CityPlan, rng: Random): ZoneKind {
  const [x, y] = block.centre;
  const dC = Math.hypot(x - CBD_CENTRE[0], y - CBD_CENTRE[1]);
  const [u, v] = plan.unwarp(x, y);
  const southOfRiver = v < plan.riverV(u);
  if (y > 2300) return x > 2600 ? weighted(rng, [['industrial', 5], ['village', 3], ['forest', 2]]) : weighted(rng, [['village', 3], ['forest', 5], ['midres', 2]]);
  if (x > 2800 && y > 1100) return weighted(rng, [['industrial', 5], ['village', 1], ['midres', 2.5], ['highres', 1.5]]);
  if (x < -4300 && y > -1500) return weighted(rng, [['industrial', 4.5], ['village', 2], ['midres', 3.5]]);
  if (dC < 750) return weighted(rng, [['cbd', 8], ['towers', 2]]);
  if (dC < 1400) return weighted(rng, [['cbd', 3.5], ['towers', 2.5], ['highres', 2.5], ['oldres', 1.5]]);
  if (southOfRiver) {
    if (x < -3000) return weighted(rng, [['village', 4], ['midres', 3], ['forest', 3]]);
    return weighted(rng, [['highres', 3.5], ['towers', 1.2], ['midres', 2.5], ['village', 1.5], ['industrial', 1]]);
  }
  if (Math.abs(x) > 4600) return weighted(rng, [['village', 3], ['industrial', 1.5], ['midres', 3.5], ['highres', 1.5]]);
  return weighted(rng, [['oldres', dC < 2800 ? 3 : 1], ['highres', 3], ['midres', 2.5], ['towers', 1.2], ['village', 0.5]]);
}

/**
 * Gives every block a use: first the named places (landmarks, parks, hospitals, schools, stations,
 * civic buildings) take the free block nearest to where they belong, then the rest follow the
 * city's pattern (commercial core, housing compounds, industry in the north-east and west,
 * villages at the edges, forest on the hills).
 */
export function zoneBlocks(blocks: Block[], plan: CityPlan, rng: Random): { zones: Zone[]; specials: Special[] } {
  const zones: (Zone | undefined)[] = new Array(blocks.length);
  const usable = blocks.map((b) => {
    if (b.river) return false;
    const corners = [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([a, c]) => blockToWorld(b, a * b.halfW, c * b.halfH));
    const nearWater = [b.centre, ...corners].some((p) => pointInRing(p, plan.reservoir) || ringDistance2(p, plan.reservoir) < 40 * 40);
    if (nearWater) zones[blocks.indexOf(b)] = { kind: 'none', name: NONE };
    return !nearWater;
  });
  const specials: Special[] = [];
  const claim = (kind: ZoneKind, name: LocalizedName, at: [number, number], minHalfW: number, minHalfH: number, extra: Partial<Zone> = {}): number => {
    let best = -1;
    let bestD = Infinity;
    for (let pass = 0; pass < 2 && best < 0; pass++) {
      blocks.forEach((b, k) => {
        if (!usable[k] || zones[k]) return;
        if (pass === 0 && (b.halfW < minHalfW || b.halfH < minHalfH)) return;
        const d = Math.hypot(b.centre[0] - at[0], b.centre[1] - at[1]);
        if (d < bestD) {
          bestD = d;
          best = k;
        }
      });
    }
    if (best < 0) throw new Error(`zoneBlocks: no free block left for ${name.zh}`);
    zones[best] = { kind, name, ...extra };
    specials.push({ kind, name, block: best });
    return best;
  };

  for (const l of LANDMARKS) claim('landmark', l.name, l.at, 75, 50, { heightM: l.heightM, floors: l.floors, use: l.use });
  for (const p of PARKS) claim('park', p.name, p.at, 50, 50);
  claim('stadium', STADIUM.name, STADIUM.at, 120, 80);
  claim('government', GOVERNMENT.name, GOVERNMENT.at, 65, 40);
  claim('library', LIBRARY.name, LIBRARY.at, 45, 40);
  claim('museum', MUSEUM.name, MUSEUM.at, 50, 35);
  for (const h of HOSPITALS) {
    claim('hospital', h.name, h.at, 55, 45);
    specials[specials.length - 1].beds = h.beds;
  }
  // Schools spread over the built-up area on a jittered grid.
  let s = 0;
  for (let gy = 0; gy < 4 && s < SCHOOLS.length; gy++) {
    for (let gx = 0; gx < 6 && s < SCHOOLS.length; gx++) {
      const at: [number, number] = [-4700 + gx * 1900 + rng.range(-300, 300), -3200 + gy * 1750 + rng.range(-250, 250)];
      claim('school', SCHOOLS[s++], at, 50, 40);
    }
  }
  for (const f of FIRE_STATIONS) claim('fire', f.name, f.at, 40, 30);
  for (const p of POLICE_STATIONS) claim('police', p.name, p.at, 40, 30);

  const compounds = new Set<string>();
  const compoundName = (): string => {
    const base = rng.pick(COMPOUND_BRANDS) + rng.pick(COMPOUND_SUFFIXES);
    let name = base;
    for (let phase = 2; compounds.has(name); phase++) name = `${base}${['', '', '二', '三', '四', '五', '六', '七', '八', '九'][phase] ?? String(phase)}期`;
    compounds.add(name);
    return name;
  };
  let factory = 0;
  blocks.forEach((b, k) => {
    if (zones[k]) return;
    if (!usable[k]) {
      zones[k] = { kind: 'none', name: NONE };
      return;
    }
    const kind = regularZone(b, plan, rng);
    let name = NONE;
    if ((kind === 'highres' || kind === 'midres' || kind === 'towers' || kind === 'oldres') && rng.chance(0.45)) {
      const zh = compoundName();
      name = { zh, en: '' };
    } else if (kind === 'industrial' && rng.chance(0.25)) {
      name = { zh: FACTORY_NAMES[factory++ % FACTORY_NAMES.length], en: '' };
    }
    zones[k] = { kind, name };
  });
  return { zones: zones as Zone[], specials };
}
