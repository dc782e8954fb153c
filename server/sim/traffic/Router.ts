import type { TrafficNetwork } from './TrafficNetwork.ts';

/** Extra seconds for turning back onto the street a vehicle came from, so routes only do it when nothing else goes. */
const U_TURN_PENALTY_S = 120;

/**
 * Shortest paths by travel time on the road graph: A* from node to node with a straight-line
 * heuristic at the network's top speed (admissible, so paths are optimal for the given costs); on a
 * network with listed turning movements, A* from link to link along them, so routes make no other
 * turn (and the backward searches take only those movements too).
 * Link costs are the caller's (current travel times, seconds; Infinity for closed links). Work
 * arrays are reused between searches; one router per engine.
 */
export class Router {
  private readonly g: Float64Array;
  private readonly via: Int32Array;
  private readonly seen: Uint32Array;
  private readonly done: Uint32Array;
  private stamp = 0;
  private readonly heapNode: Int32Array;
  private readonly heapKey: Float64Array;
  private heapSize = 0;
  private readonly invTopSpeed: number;
  /** Link-to-link search state, on a network with listed movements only. */
  private readonly linkG: Float64Array;
  private readonly linkVia: Int32Array;
  private readonly linkSeen: Uint32Array;
  private readonly linkDone: Uint32Array;
  /** Node searches run so far (for benches). */
  searches = 0;

  constructor(private readonly net: TrafficNetwork) {
    const n = net.nodeCount;
    this.g = new Float64Array(n);
    this.via = new Int32Array(n);
    this.seen = new Uint32Array(n);
    this.done = new Uint32Array(n);
    // A search pushes at most once per link or movement it relaxes, plus its start.
    const heap = Math.max(net.linkCount, net.moveTo.length) + n + 1;
    this.heapNode = new Int32Array(heap);
    this.heapKey = new Float64Array(heap);
    const links = net.hasMovements ? net.linkCount : 0;
    this.linkG = new Float64Array(links);
    this.linkVia = new Int32Array(links);
    this.linkSeen = new Uint32Array(links);
    this.linkDone = new Uint32Array(links);
    let top = 1;
    for (let k = 0; k < net.linkCount; k++) top = Math.max(top, net.freeSpeed[k]);
    this.invTopSpeed = 1 / top;
  }

  /**
   * The fastest route that starts on link `fromLink` (from its end) and ends on link `toLink`,
   * as link indices [fromLink, …, toLink]; null when there is none. `cost[k]` is the time to
   * traverse link k, seconds.
   */
  route(fromLink: number, toLink: number, cost: Float32Array): Int32Array | null {
    const net = this.net;
    if (fromLink === toLink) return Int32Array.of(fromLink);
    if (!(cost[toLink] < Infinity)) return null;
    this.searches++;
    if (net.hasMovements) return this.routeAlongMovements(fromLink, toLink, cost);
    const start = net.to[fromLink];
    const goal = net.from[toLink];
    const gx = net.nodeX[goal];
    const gy = net.nodeY[goal];
    const stamp = ++this.stamp;
    const { g, via, seen, done } = this;
    this.heapSize = 0;
    g[start] = 0;
    via[start] = -1;
    seen[start] = stamp;
    this.push(start, 0);
    let found = start === goal;
    while (!found && this.heapSize > 0) {
      const u = this.pop();
      if (done[u] === stamp) continue;
      done[u] = stamp;
      if (u === goal) {
        found = true;
        break;
      }
      const gu = g[u];
      for (let j = net.outStart[u]; j < net.outStart[u + 1]; j++) {
        const k = net.outLinks[j];
        const c = cost[k];
        if (!(c < Infinity)) continue;
        const v = net.to[k];
        if (done[v] === stamp) continue;
        const back = (u === start && net.reverse[fromLink] === k) || (via[u] >= 0 && net.reverse[via[u]] === k);
        const gv = gu + c + (back ? U_TURN_PENALTY_S : 0);
        if (seen[v] !== stamp || gv < g[v]) {
          seen[v] = stamp;
          g[v] = gv;
          via[v] = k;
          this.push(v, gv + Math.hypot(net.nodeX[v] - gx, net.nodeY[v] - gy) * this.invTopSpeed);
        }
      }
    }
    if (!found) return null;
    let count = 2;
    for (let v = goal; via[v] >= 0 && v !== start; v = net.from[via[v]]) count++;
    const path = new Int32Array(count);
    path[0] = fromLink;
    path[count - 1] = toLink;
    let i = count - 2;
    for (let v = goal; i >= 1; v = net.from[via[v]]) path[i--] = via[v];
    return path;
  }

  /** route() on a network with listed movements: A* over links, from each link only into those its movements go to. */
  private routeAlongMovements(fromLink: number, toLink: number, cost: Float32Array): Int32Array | null {
    const net = this.net;
    const goal = net.from[toLink];
    const gx = net.nodeX[goal];
    const gy = net.nodeY[goal];
    const stamp = ++this.stamp;
    const { linkG: g, linkVia: via, linkSeen: seen, linkDone: done } = this;
    this.heapSize = 0;
    g[fromLink] = 0;
    via[fromLink] = -1;
    seen[fromLink] = stamp;
    this.push(fromLink, 0);
    let found = false;
    while (this.heapSize > 0) {
      const a = this.pop();
      if (done[a] === stamp) continue;
      done[a] = stamp;
      if (a === toLink) {
        found = true;
        break;
      }
      const ga = g[a];
      for (let j = net.moveStart[a]; j < net.moveStart[a + 1]; j++) {
        const b = net.moveTo[j];
        const c = cost[b];
        if (!(c < Infinity) || done[b] === stamp) continue;
        const gb = ga + c + (net.reverse[a] === b ? U_TURN_PENALTY_S : 0);
        if (seen[b] !== stamp || gb < g[b]) {
          seen[b] = stamp;
          g[b] = gb;
          via[b] = a;
          const v = net.to[b];
          this.push(b, b === toLink ? gb : gb + Math.hypot(net.nodeX[v] - gx, net.nodeY[v] - gy) * this.invTopSpeed);
        }
      }
    }
    if (!found) return null;
    let count = 1;
    for (let k = toLink; via[k] >= 0; k = via[k]) count++;
    const path = new Int32Array(count);
    for (let k = toLink, i = count - 1; i >= 0; k = via[k]) path[i--] = k;
    return path;
  }

  /**
   * Travel times from every node to the start of link `toLink` and on to its end (one search
   * backwards: Dijkstra on the reversed graph, without the U-turn penalty), seconds, Infinity where
   * no open way leads; and for each node the first link of its fastest way there (-1 at none). A
   * dispatcher reads many origins' times off one search.
   */
  timesTo(toLink: number, cost: Float32Array): { time: Float64Array; next: Int32Array } {
    return this.searchBack(this.net.from[toLink], toLink, cost);
  }

  /**
   * Travel times from every node to node `goal`, seconds, Infinity where no open way leads (as
   * timesTo, ending at a node rather than at the end of a link): origin–destination times of many
   * origins off one search.
   */
  timesToNode(goal: number, cost: Float32Array): Float64Array {
    return this.searchBack(goal, -1, cost).time;
  }

  /** The backward search of timesTo and timesToNode: to `goal` and on along `lastLink` (-1: none). */
  private searchBack(goal: number, lastLink: number, cost: Float32Array): { time: Float64Array; next: Int32Array } {
    const net = this.net;
    const time = new Float64Array(net.nodeCount).fill(Infinity);
    const next = new Int32Array(net.nodeCount).fill(-1);
    const last = lastLink < 0 ? 0 : cost[lastLink];
    if (!(last < Infinity)) return { time, next };
    this.searches++;
    if (net.hasMovements) {
      this.searchBackAlongMovements(goal, lastLink, cost, time, next);
      return { time, next };
    }
    const stamp = ++this.stamp;
    const done = this.done;
    this.heapSize = 0;
    time[goal] = last;
    next[goal] = lastLink;
    this.push(goal, time[goal]);
    while (this.heapSize > 0) {
      const v = this.pop();
      if (done[v] === stamp) continue;
      done[v] = stamp;
      const tv = time[v];
      for (let j = net.inStart[v]; j < net.inStart[v + 1]; j++) {
        const k = net.inLinks[j];
        const c = cost[k];
        if (!(c < Infinity)) continue;
        const u = net.from[k];
        if (done[u] === stamp) continue;
        const tu = tv + c;
        if (tu < time[u]) {
          time[u] = tu;
          next[u] = k;
          this.push(u, tu);
        }
      }
    }
    return { time, next };
  }

  /**
   * searchBack on a network with listed movements: Dijkstra backwards over links along the
   * movements (each link's time from its start to the goal), then each node's time is its fastest
   * way out.
   */
  private searchBackAlongMovements(goal: number, lastLink: number, cost: Float32Array, time: Float64Array, next: Int32Array): void {
    const net = this.net;
    const stamp = ++this.stamp;
    const { linkG: g, linkSeen: seen, linkDone: done } = this;
    this.heapSize = 0;
    const reach = (k: number, t: number) => {
      if (!(t < Infinity) || (seen[k] === stamp && g[k] <= t)) return;
      seen[k] = stamp;
      g[k] = t;
      this.push(k, t);
    };
    if (lastLink >= 0) reach(lastLink, cost[lastLink]);
    else for (let j = net.inStart[goal]; j < net.inStart[goal + 1]; j++) reach(net.inLinks[j], cost[net.inLinks[j]]);
    while (this.heapSize > 0) {
      const b = this.pop();
      if (done[b] === stamp) continue;
      done[b] = stamp;
      const tb = g[b];
      const u = net.from[b];
      if (tb < time[u]) {
        time[u] = tb;
        next[u] = b;
      }
      for (let j = net.moveInStart[b]; j < net.moveInStart[b + 1]; j++) {
        const a = net.moveFrom[j];
        if (done[a] !== stamp) reach(a, tb + cost[a]);
      }
    }
    time[goal] = lastLink >= 0 ? cost[lastLink] : 0;
    next[goal] = lastLink;
  }

  /** Travel time of links `path[from…]` under `cost`, seconds. */
  static pathCost(path: Int32Array, from: number, cost: Float32Array): number {
    let t = 0;
    for (let i = from; i < path.length; i++) t += cost[path[i]];
    return t;
  }

  private push(node: number, key: number): void {
    const { heapNode, heapKey } = this;
    let i = this.heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heapKey[parent] <= key) break;
      heapNode[i] = heapNode[parent];
      heapKey[i] = heapKey[parent];
      i = parent;
    }
    heapNode[i] = node;
    heapKey[i] = key;
  }

  private pop(): number {
    const { heapNode, heapKey } = this;
    const top = heapNode[0];
    const n = --this.heapSize;
    const node = heapNode[n];
    const key = heapKey[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && heapKey[c + 1] < heapKey[c]) c++;
      if (heapKey[c] >= key) break;
      heapNode[i] = heapNode[c];
      heapKey[i] = heapKey[c];
      i = c;
    }
    heapNode[i] = node;
    heapKey[i] = key;
    return top;
  }
}
