import type { CityModel } from '../../city/CityModel.ts';
import type { TrafficNetwork } from './TrafficNetwork.ts';
import type { Place, TrafficParams } from './trafficParams.ts';

/** A named origin–destination pair whose travel time the traffic summary reports, between two nodes. */
export interface OdPair {
  id: string;
  name: { zh: string; en: string };
  from: number;
  to: number;
}

/**
 * The scenario's OD pairs on the network, or by default every pair of district centres; throws
 * (a bug in the scenario's checked parameters) when a named node does not exist.
 */
export function resolveOdPairs(net: TrafficNetwork, city: CityModel, pairs: TrafficParams['odPairs']): OdPair[] {
  const place = (p: Place, where: string): number => {
    const node = placeNode(net, p);
    if (node === undefined) throw new Error(`TrafficEngine: odPairs: ${where}: no node ${JSON.stringify(p)}`);
    return node;
  };
  if (pairs) return pairs.map((p, i) => ({ id: p.id, name: p.name, from: place(p.from, `${i}.from`), to: place(p.to, `${i}.to`) }));
  // Default: between the district centres and to the hospital and railway-side industrial area.
  const c = city;
  const centre = (k: number): [number, number] => {
    const ring = c.districts[k].polygon[0];
    let x = 0;
    let y = 0;
    for (const [px, py] of ring) {
      x += px;
      y += py;
    }
    return [x / ring.length, y / ring.length];
  };
  const out: OdPair[] = [];
  for (let a = 0; a < c.districts.length; a++) {
    for (let b = 0; b < c.districts.length; b++) {
      if (a === b) continue;
      const [ax, ay] = centre(a);
      const [bx, by] = centre(b);
      out.push({
        id: `${c.districts[a].id}-${c.districts[b].id}`,
        name: { zh: `${c.districts[a].name.zh}→${c.districts[b].name.zh}`, en: `${c.districts[a].name.en} → ${c.districts[b].name.en}` },
        from: nearestNode(net, ax, ay),
        to: nearestNode(net, bx, by),
      });
    }
  }
  return out;
}

/** The node of a place: the node of that id, or the one nearest to the point; undefined for an unknown id. */
export function placeNode(net: TrafficNetwork, p: Place): number | undefined {
  return typeof p === 'string' ? net.nodeIndex.get(p) : nearestNode(net, p.x, p.y);
}

/** The node nearest to (x, y) with links both in and out. */
function nearestNode(net: TrafficNetwork, x: number, y: number): number {
  let best = 0;
  let bestD = Infinity;
  for (let n = 0; n < net.nodeCount; n++) {
    if (net.outStart[n + 1] === net.outStart[n] || net.inStart[n + 1] === net.inStart[n]) continue;
    const d = (net.nodeX[n] - x) ** 2 + (net.nodeY[n] - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best;
}
