import { ObjectKind } from '../../protocol/ObjectState.ts';
import { IDM_B, VEHICLE_LENGTH } from './idm.ts';
import type { LinkFigures } from './LinkFigures.ts';
import type { Rerouting } from './Rerouting.ts';
import { SignalState, type SignalPlans } from './SignalPlans.ts';
import { Turn, type TrafficNetwork } from './TrafficNetwork.ts';
import { NO, type VehicleStore } from './VehicleStore.ts';

/**
 * Unsignalised junctions: a minor approach waits for a gap this long in the major stream, seconds;
 * drivers who have waited accept shorter gaps, down to the minimum after 40 s.
 */
const CRITICAL_GAP_S = 3.5;
const MIN_CRITICAL_GAP_S = 1.5;
/** Least time between two vehicles crossing the same unsignalised junction from a minor approach. */
const FOLLOW_UP_S = 1.5;

/**
 * Junctions: whether the first vehicle of a lane may go on (signals, closures, priority at
 * unsignalised nodes), and the crossings of a step. Crossings are resolved after every vehicle has
 * moved, from the state at the step's start, so the result does not depend on how links and lanes
 * are numbered: the vehicles past their stop line go in order of how far past it they are (then
 * by id), each into the room the entry lane had at the step's start behind those that entered it
 * before; one that cannot go waits at the line, and those behind it in its lane stay behind it.
 */
export class Junctions {
  /** Per node: sim time a vehicle from a minor approach last crossed it, seconds. */
  readonly lastEntry: Float64Array;
  /** Per node: how soon the first vehicle of a major approach reaches it, seconds. */
  private readonly majorArrival: Float32Array;
  /** Vehicles past their link's end in this step (candidates), and their entry lanes. */
  private crossers = new Int32Array(0);
  private crossEntry = new Int32Array(0);
  private crossCount = 0;
  /** Per lane: free room at its back for entering vehicles (metres from the link's start), the speed of what bounds it, and the step (`round`) they were set in. */
  private readonly room: Float64Array;
  private readonly roomSpeed: Float32Array;
  private readonly roomRound: Float64Array;
  /** Counts the steps resolved by this object; never goes back (a restored snapshot's step numbers can). */
  private round = 0;

  constructor(
    private readonly net: TrafficNetwork,
    private readonly store: VehicleStore,
    private readonly signals: SignalPlans,
    private readonly rerouting: Rerouting,
    private readonly figures: LinkFigures,
  ) {
    this.lastEntry = new Float64Array(net.nodeCount).fill(-1e9);
    this.majorArrival = new Float32Array(net.nodeCount);
    this.room = new Float64Array(net.laneCount);
    this.roomSpeed = new Float32Array(net.laneCount);
    this.roomRound = new Float64Array(net.laneCount);
  }

  /** For unsignalised junctions: how soon the first vehicle of a major approach reaches each node. */
  gaps(): void {
    const net = this.net;
    const { laneHead, vNext, vPos, vSpeed } = this.store;
    const arrival = this.majorArrival;
    arrival.fill(Infinity);
    for (let k = 0; k < net.linkCount; k++) {
      const node = net.to[k];
      if (this.signals.phases[node] > 0 || net.rank[k] < net.nodeTopRank[node]) continue;
      for (let lane = net.laneStart[k]; lane < net.laneStart[k + 1]; lane++) {
        const h = laneHead[lane];
        if (h === NO || vNext[h] === NO) continue;
        const dist = net.length[k] - vPos[h];
        if (dist > 120) continue;
        // A major vehicle standing at the line (waiting for room ahead) leaves the junction free.
        if (vSpeed[h] < 1) continue;
        const tArr = dist / vSpeed[h];
        if (tArr < arrival[node]) arrival[node] = tArr;
      }
    }
  }

  /**
   * True when vehicle i (first in its lane) must stop at the end of link k: red or stoppable amber,
   * the next link closed, or no gap at an unsignalised junction.
   */
  mustStop(i: number, k: number, distEnd: number, t: number): boolean {
    const net = this.net;
    const st = this.store;
    if (this.rerouting.barred(st.vNext[i], st.vKind[i])) return true;
    const emergency = st.vKind[i] === ObjectKind.emergency;
    const light = this.signals.state[k];
    const v = st.vSpeed[i];
    if (light === SignalState.red && !emergency) return true;
    if (light === SignalState.amber && !emergency && distEnd > (v * v) / (2 * IDM_B[0]) + 1) return true;
    const node = net.to[k];
    if (this.signals.phases[node] === 0 && !emergency && distEnd < Math.max(15, (v * v) / 3 + 5)) {
      const major = net.rank[k] >= net.nodeTopRank[node];
      const sinceLast = t - this.lastEntry[node];
      const gap = Math.max(MIN_CRITICAL_GAP_S, CRITICAL_GAP_S - st.vWait[i] / 20);
      if (!major && (this.majorArrival[node] < gap || sinceLast < FOLLOW_UP_S)) return true;
    }
    return false;
  }

  /** The lane of link `next` vehicle i enters from lane number laneNo of its link (avoiding closed lanes). */
  entryLaneOf(i: number, next: number, laneNo: number): number {
    const net = this.net;
    const top = net.lanes[next] - 1;
    const turn = this.store.vTurn[i];
    let e = turn === Turn.right ? 0 : turn === Turn.straight ? Math.min(laneNo, top) : top;
    const closed = this.rerouting.closedLanes[next];
    if (e < closed) e = Math.min(closed, net.lanes[next] - 1);
    return net.laneStart[next] + e;
  }

  /** Starts a step's crossings: no candidates yet. */
  begin(): void {
    const cap = this.store.cap;
    if (this.crossers.length < cap) {
      this.crossers = new Int32Array(cap);
      this.crossEntry = new Int32Array(cap);
    }
    this.crossCount = 0;
    this.round++;
  }

  /**
   * Vehicle i (in `lane`, whose next link is not NO) ends the step past its link's end: a
   * candidate. Notes the room its entry lane has now (the step's start) if not yet noted.
   */
  candidate(i: number, lane: number): void {
    const net = this.net;
    const st = this.store;
    const entry = this.entryLaneOf(i, st.vNext[i], lane - net.laneStart[net.laneLink[lane]]);
    this.crossers[this.crossCount] = i;
    this.crossEntry[this.crossCount++] = entry;
    if (this.roomRound[entry] !== this.round) {
      this.roomRound[entry] = this.round;
      const tail = st.laneTail[entry];
      this.room[entry] = tail === NO ? Infinity : st.vPos[tail] - VEHICLE_LENGTH[st.vKind[tail]];
      this.roomSpeed[entry] = tail === NO ? Infinity : st.vSpeed[tail];
    }
  }

  /**
   * Resolves the step's candidates (at sim time t, step stepNo): each goes onto its next link, placed
   * at its final position and speed and stamped as moved, or waits at its line, with those behind
   * it in its lane kept behind it (in vNewPos and vNewSpeed). The figures of those that crossed are
   * counted here.
   */
  resolve(t: number, stepNo: number, dt: number): void {
    const net = this.net;
    const st = this.store;
    const { vNewPos, vNewSpeed, vLink, vKind } = st;
    const n = this.crossCount;
    this.sortCandidates(n);
    const figures = this.figures;
    for (let c = 0; c < n; c++) {
      const i = this.crossers[c];
      const k = vLink[i];
      const len = net.length[k];
      // Kept behind a vehicle of its lane that could not go (one ahead that went is decided first: it is further past the line).
      if (vNewPos[i] < len) continue;
      const next = st.vNext[i];
      const entry = this.crossEntry[c];
      const over = vNewPos[i] - len;
      const room = this.room[entry];
      const node = net.to[k];
      const kind = vKind[i];
      const minor = net.rank[k] < net.nodeTopRank[node];
      const followUp = minor && this.signals.phases[node] === 0 && kind !== ObjectKind.emergency && t - this.lastEntry[node] < FOLLOW_UP_S;
      if (room < 0 || followUp || this.rerouting.barred(next, kind)) {
        this.holdAtLine(i, len);
        continue;
      }
      const pos = Math.min(over, room, net.length[next] - 0.01);
      let nv = vNewSpeed[i];
      if (pos < over && nv > this.roomSpeed[entry]) nv = this.roomSpeed[entry];
      figures.activity.add(k, kind, len - st.vPos[i] + pos, dt, nv);
      st.unlink(i);
      st.vPos[i] = pos;
      st.vSpeed[i] = nv;
      st.vLane[i] = entry;
      st.vLink[i] = next;
      st.vSeg[i] = net.pointStart[next];
      st.vWait[i] = 0;
      st.vMoved[i] = stepNo;
      st.appendTail(i, entry);
      st.vStep[i]++;
      this.rerouting.enterLinkPlan(i);
      this.room[entry] = pos - VEHICLE_LENGTH[kind];
      this.roomSpeed[entry] = nv;
      figures.exits[k]++;
      if (minor) this.lastEntry[node] = t;
      figures.linkCount[next]++;
      figures.linkSpeedSum[next] += nv;
      st.counters[2] += dt;
      if (nv < net.freeSpeed[next]) st.counters[3] += (1 - nv / net.freeSpeed[next]) * dt;
      if (pos >= st.vDestPos[i]) st.arrive(i, t);
    }
  }

  /** Vehicle i cannot leave its link this step: it waits at the line, and those behind it in its lane stay behind it. */
  private holdAtLine(i: number, len: number): void {
    const st = this.store;
    const { vNewPos, vNewSpeed, vPos, vFollower, vKind } = st;
    vNewPos[i] = Math.max(vPos[i], len - 0.01);
    vNewSpeed[i] = 0;
    let lead = i;
    for (let f = vFollower[i]; f !== NO; f = vFollower[f]) {
      const limit = vNewPos[lead] - VEHICLE_LENGTH[vKind[lead]];
      if (vNewPos[f] <= limit) break;
      vNewPos[f] = Math.max(vPos[f], limit);
      if (vNewSpeed[f] > vNewSpeed[lead]) vNewSpeed[f] = vNewSpeed[lead];
      lead = f;
    }
  }

  /** Sorts the first n candidates (with their entry lanes) by distance past the line, furthest first, then by id: in place, a heap sort. */
  private sortCandidates(n: number): void {
    for (let root = (n >> 1) - 1; root >= 0; root--) this.siftDown(root, n);
    for (let end = n - 1; end > 0; end--) {
      this.swap(0, end);
      this.siftDown(0, end);
    }
  }

  /** True when candidate a goes after candidate b (less far past its line, or as far and a later id). */
  private after(a: number, b: number): boolean {
    const st = this.store;
    const net = this.net;
    const ia = this.crossers[a];
    const ib = this.crossers[b];
    const oa = st.vNewPos[ia] - net.length[st.vLink[ia]];
    const ob = st.vNewPos[ib] - net.length[st.vLink[ib]];
    return oa < ob || (oa === ob && st.vId[ia] > st.vId[ib]);
  }

  private siftDown(root: number, n: number): void {
    for (;;) {
      let child = 2 * root + 1;
      if (child >= n) return;
      if (child + 1 < n && this.after(child + 1, child)) child++;
      if (!this.after(child, root)) return;
      this.swap(root, child);
      root = child;
    }
  }

  private swap(a: number, b: number): void {
    const c = this.crossers;
    const e = this.crossEntry;
    const ci = c[a];
    c[a] = c[b];
    c[b] = ci;
    const ei = e[a];
    e[a] = e[b];
    e[b] = ei;
  }
}
