import type { Rng } from '../random.ts';
import type { Router } from './Router.ts';
import type { TrafficNetwork } from './TrafficNetwork.ts';

/**
 * The generated bus lines: each a route one way between far-apart arterial junctions (the way back
 * is a line of its own), the stops along it, and when its next bus leaves.
 */
export class BusLines {
  /** Route of each line, as link indices. */
  readonly routes: Int32Array[] = [];
  /** Per line, by route step: 1 where the bus stops on that link. */
  readonly stops: Uint8Array[] = [];
  /** Sim time the next bus of each line leaves, seconds. */
  next = new Float64Array(0);

  /** Generates `lines` lines both ways, with a stop on every link longer than 150 m; the first buses leave at once. */
  build(net: TrafficNetwork, router: Router, freeCost: Float32Array, rng: Rng, lines: number): void {
    const arterial: number[] = [];
    for (let k = 0; k < net.linkCount; k++) if (net.linkClasses[k] === 'arterial' && net.length[k] > 100) arterial.push(k);
    if (arterial.length >= 2) {
      for (let line = 0; line < lines; line++) {
        for (let tries = 0; tries < 20; tries++) {
          const a = arterial[Math.floor(rng.next() * arterial.length)];
          const b = arterial[Math.floor(rng.next() * arterial.length)];
          const d = Math.hypot(net.nodeX[net.from[a]] - net.nodeX[net.to[b]], net.nodeY[net.from[a]] - net.nodeY[net.to[b]]);
          if (d < 3000) continue;
          const there = router.route(a, b, freeCost);
          const back = net.reverse[b] >= 0 && net.reverse[a] >= 0 ? router.route(net.reverse[b], net.reverse[a], freeCost) : null;
          if (!there || !back) continue;
          for (const path of [there, back]) {
            this.routes.push(path);
            this.stops.push(Uint8Array.from(path, (k, i) => (i > 0 && net.length[k] > 150 ? 1 : 0)));
          }
          break;
        }
      }
    }
    this.next = new Float64Array(this.routes.length).fill(0);
  }
}
