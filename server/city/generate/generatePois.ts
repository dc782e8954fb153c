import type { Poi, PoiKind, RoadNode } from '../CityModel.ts';
import { cm } from '../polygon.ts';
import type { Block } from './blocks.ts';
import { AQ_STATIONS } from './names.ts';
import type { Special } from './zoneBlocks.ts';

const KIND: Partial<Record<Special['kind'], PoiKind>> = { fire: 'fire_station', police: 'police', hospital: 'hospital', school: 'school' };

function nearestNode(nodes: RoadNode[], x: number, y: number): string {
  let best = nodes[0];
  let bestD = Infinity;
  for (const n of nodes) {
    const d = (n.x - x) ** 2 + (n.y - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best.id;
}

/**
 * Points of interest for the emergency and environment twins, each tied to its nearest road node:
 * stations, hospitals (with beds), schools, air-quality stations, and shelters in parks, the
 * stadium, the government square and the larger school grounds.
 */
export function generatePois(specials: Special[], blocks: Block[], nodes: RoadNode[], riverParks: { x: number; y: number; areaM2: number }[]): Poi[] {
  if (nodes.length === 0) throw new Error('generatePois: the road network has no nodes');
  const pois: Poi[] = [];
  const counters = new Map<PoiKind, number>();
  const add = (kind: PoiKind, name: Poi['name'], x: number, y: number, extra: Partial<Poi> = {}): void => {
    const n = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, n);
    pois.push({ id: `${kind}-${String(n).padStart(2, '0')}`, kind, name, x: cm(x), y: cm(y), node: nearestNode(nodes, x, y), ...extra });
  };
  const shelter = (name: Poi['name'], x: number, y: number, areaM2: number): void =>
    add('shelter', { zh: `${name.zh}应急避难场所`, en: `${name.en} Emergency Shelter` }, x, y, { capacity: Math.round(areaM2 / 2) });

  let schoolShelters = 0;
  for (const s of specials) {
    const block = blocks[s.block];
    const [x, y] = block.centre;
    const area = 4 * block.halfW * block.halfH;
    const kind = KIND[s.kind];
    if (kind) add(kind, s.name, x, y, s.kind === 'hospital' ? { beds: s.beds ?? 0 } : {});
    if (s.kind === 'park') shelter(s.name, x, y, area * 0.6);
    if (s.kind === 'stadium') shelter(s.name, x, y, area * 0.4);
    if (s.kind === 'government') shelter({ zh: '市民广场', en: 'Citizens Square' }, x, y - block.halfH * 0.6, area * 0.3);
    if (s.kind === 'school' && block.halfW > 120 && schoolShelters < 4) {
      schoolShelters++;
      shelter(s.name, x - block.halfW * 0.5, y, 180 * 100);
    }
  }
  const biggest = [...riverParks].sort((a, b) => b.areaM2 - a.areaM2)[0];
  if (biggest) shelter({ zh: '湛河公园', en: 'Zhanhe Park' }, biggest.x, biggest.y, biggest.areaM2 * 0.6);
  for (const station of AQ_STATIONS) {
    let best = blocks[0];
    let bestD = Infinity;
    for (const b of blocks) {
      if (b.river) continue;
      const d = Math.hypot(b.centre[0] - station.at[0], b.centre[1] - station.at[1]);
      if (d < bestD) {
        bestD = d;
        best = b;
      }
    }
    add('aq_station', station.name, best.centre[0], best.centre[1]);
  }
  return pois;
}
