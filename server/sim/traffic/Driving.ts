import { ObjectKind } from '../../protocol/ObjectState.ts';
import * as model from './idm.ts';
import type { LinkFigures } from './LinkFigures.ts';
import { EMERGENCY_WADE_SPEED, type Rerouting } from './Rerouting.ts';
import { SignalState, type SignalPlans } from './SignalPlans.ts';
import { Turn, type TrafficNetwork } from './TrafficNetwork.ts';
import { NO, type VehicleStore } from './VehicleStore.ts';

// Module-local: drive() reads these in its inner loop, and V8 reads an imported binding there
// more slowly than a constant of the module's own (about 15 % of drive's time).
const { IDM_A, IDM_B, IDM_T, IDM_S0, MAX_DECEL, FREE_GAP, VEHICLE_LENGTH } = model;
/** Speeds through turns, m/s. */
const TURN_SPEED = Float32Array.of(99, 5, 7, 4); // by Turn
/**
 * Unsignalised junctions: a minor approach waits for a gap this long in the major stream, seconds;
 * drivers who have waited accept shorter gaps, down to the minimum after 40 s.
 */
const CRITICAL_GAP_S = 3.5;
const MIN_CRITICAL_GAP_S = 1.5;
/** Least time between two vehicles crossing the same unsignalised junction from a minor approach. */
const FOLLOW_UP_S = 1.5;
/** A vehicle stuck at a link end this long without moving on looks for another way. */
const STUCK_REROUTE_S = 90;
/** In the wrong lane at the line this long, a driver squeezes into the turn anyway. */
const FORCE_TURN_S = 15;
const BUS_DWELL_S = 20;

/**
 * Moving the vehicles: each follows the Intelligent Driver Model on its lane behind its leader, the
 * stop line when the way on is barred (red, stoppable amber, a closed link, no gap at an
 * unsignalised junction, the wrong lane for its turn) or the back of the lane it turns into, with a
 * ballistic update and a hard limit that keeps every gap ≥ 0. Vehicles cross junctions onto their
 * next link when there is room, and arrive at their destination.
 */
export class Driving {
  /** Vehicles that crossed a stop line at red (emergency vehicles excepted): a check for tests, always 0. */
  redCrossings = 0;
  /** Per node: sim time a vehicle from a minor approach last crossed it, seconds. */
  readonly lastEntry: Float64Array;
  /** Per node: how soon the first vehicle of a major approach reaches it, seconds. */
  private readonly majorArrival: Float32Array;

  constructor(
    private readonly net: TrafficNetwork,
    private readonly dt: number,
    private readonly store: VehicleStore,
    private readonly signals: SignalPlans,
    private readonly rerouting: Rerouting,
    private readonly figures: LinkFigures,
  ) {
    this.lastEntry = new Float64Array(net.nodeCount).fill(-1e9);
    this.majorArrival = new Float32Array(net.nodeCount);
  }

  /** For unsignalised junctions: how soon the first vehicle of a major approach reaches each node. */
  junctionGaps(): void {
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
   * the next link closed, no gap at an unsignalised junction, or it is in the wrong lane for its turn.
   */
  private mustStop(i: number, k: number, distEnd: number, t: number): boolean {
    const net = this.net;
    const st = this.store;
    const next = st.vNext[i];
    if (this.rerouting.barred(next, st.vKind[i])) return true;
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

  /** Advances every vehicle one step (the step numbered stepNo, at sim time t), lane by lane from the front, and moves them across junctions. */
  drive(t: number, stepNo: number): void {
    const net = this.net;
    const dt = this.dt;
    const stamp = stepNo;
    const st = this.store;
    const { vPos, vSpeed, vKind, vLeader, vFollower, vNext, vFactor, vLaneLo, vLaneHi, vMoved, vTurn, vWait, vStopPos, vDwell, vAcc, vDestPos, laneHead, laneTail } = st;
    let vehSeconds = 0;
    let delaySeconds = 0;
    const linkCount = this.figures.linkCount;
    const linkSpeedSum = this.figures.linkSpeedSum;
    const activity = this.figures.activity;
    const waterSpeed = this.rerouting.waterSpeed;
    for (let lane = 0; lane < net.laneCount; lane++) {
      let i = laneHead[lane];
      if (i === NO) continue;
      const k = net.laneLink[lane];
      const len = net.length[k];
      const vFree = net.freeSpeed[k];
      const laneNo = lane - net.laneStart[k];
      while (i !== NO) {
        const behind = vFollower[i];
        if (vMoved[i] === stamp) {
          i = behind;
          continue;
        }
        vMoved[i] = stamp;
        const kind = vKind[i];
        const v = vSpeed[i];
        const pos = vPos[i];
        const leader = vLeader[i];
        const next = vNext[i];
        let v0 = vFree * vFactor[i];
        if (waterSpeed[k] < v0) v0 = kind === ObjectKind.emergency ? Math.max(waterSpeed[k], EMERGENCY_WADE_SPEED) : waterSpeed[k];
        let s = FREE_GAP;
        let dv = 0;
        let stopLine = false;
        const distEnd = len - pos;
        if (next !== NO) {
          const turnV = TURN_SPEED[vTurn[i]];
          if (turnV < v0) v0 = Math.min(v0, Math.sqrt(turnV * turnV + 3 * distEnd));
          const wrongLane = laneNo < vLaneLo[i] || laneNo > vLaneHi[i];
          if (wrongLane && vWait[i] < FORCE_TURN_S) stopLine = true;
          if (!stopLine && leader === NO) stopLine = this.mustStop(i, k, distEnd, t);
          if (stopLine) {
            s = distEnd;
            dv = v;
          } else if (leader === NO) {
            const entry = this.entryLaneOf(i, next, laneNo);
            const tail = laneTail[entry];
            if (tail !== NO) {
              s = distEnd + vPos[tail] - VEHICLE_LENGTH[vKind[tail]];
              dv = v - vSpeed[tail];
            }
          }
        }
        if (leader !== NO) {
          const gap = vPos[leader] - VEHICLE_LENGTH[vKind[leader]] - pos;
          if (gap < s) {
            s = gap;
            dv = v - vSpeed[leader];
          }
        }
        if (vStopPos[i] >= 0) {
          const toStop = vStopPos[i] - pos;
          if (toStop < s && toStop > -1) {
            s = Math.max(toStop, 0.1);
            dv = v;
            if (toStop < 3 && v < 0.5) {
              vDwell[i] += dt;
              if (vDwell[i] >= BUS_DWELL_S) {
                vStopPos[i] = -1;
                vDwell[i] = 0;
              }
            }
          }
        }
        // IDM acceleration.
        const a = IDM_A[kind];
        const sStar = IDM_S0 + Math.max(0, v * IDM_T[kind] + (v * dv) / (2 * Math.sqrt(a * IDM_B[kind])));
        const ratio = v / v0;
        const r2 = ratio * ratio;
        const gapTerm = sStar / Math.max(s, 0.01);
        let acc = a * (1 - r2 * r2 - gapTerm * gapTerm);
        if (acc < -MAX_DECEL) acc = -MAX_DECEL;
        // Ballistic update; a vehicle that would stop within the step stops where it would.
        let nv = v + acc * dt;
        let np: number;
        if (nv < 0) {
          np = acc < 0 ? pos - (v * v) / (2 * acc) : pos;
          nv = 0;
        } else np = pos + (v + nv) * 0.5 * dt;
        if (leader !== NO) {
          const limit = vPos[leader] - VEHICLE_LENGTH[vKind[leader]];
          if (np > limit) {
            np = Math.max(pos, limit);
            if (nv > vSpeed[leader]) nv = vSpeed[leader];
          }
        }
        if (stopLine && np >= len) {
          np = len - 0.01;
          nv = 0;
        }
        if (nv < 0.3 && (stopLine || leader === NO) && distEnd < 30) vWait[i] += dt;
        else if (nv > 2) vWait[i] = 0;
        vSpeed[i] = nv;
        vPos[i] = np;
        vAcc[i] = acc;
        activity.add(k, kind, np - pos, dt, nv);
        vehSeconds += dt;
        if (nv < vFree) delaySeconds += (1 - nv / vFree) * dt;
        if (np >= vDestPos[i]) {
          st.arrive(i, t);
        } else if (np >= len) {
          this.crossJunction(i, k, lane, t);
        } else {
          linkCount[k]++;
          linkSpeedSum[k] += nv;
          if (leader === NO && vWait[i] > STUCK_REROUTE_S && next !== NO) this.rerouting.rerouteStuck(i, t);
        }
        i = behind;
      }
    }
    st.counters[2] += vehSeconds;
    st.counters[3] += delaySeconds;
  }

  /** The lane of link `next` vehicle i enters from lane number laneNo of its link (avoiding closed lanes). */
  private entryLaneOf(i: number, next: number, laneNo: number): number {
    const net = this.net;
    const top = net.lanes[next] - 1;
    const turn = this.store.vTurn[i];
    let e = turn === Turn.right ? 0 : turn === Turn.straight ? Math.min(laneNo, top) : top;
    const closed = this.rerouting.closedLanes[next];
    if (e < closed) e = Math.min(closed, net.lanes[next] - 1);
    return net.laneStart[next] + e;
  }

  /** Vehicle i (first in `lane` of link k) has passed the end of the link: onto the next link, if there is room. */
  private crossJunction(i: number, k: number, lane: number, t: number): void {
    const net = this.net;
    const st = this.store;
    const next = st.vNext[i];
    if (next === NO) {
      st.vPos[i] = net.length[k] - 0.01;
      st.vSpeed[i] = 0;
      return;
    }
    const laneNo = lane - net.laneStart[k];
    const entry = this.entryLaneOf(i, next, laneNo);
    const over = st.vPos[i] - net.length[k];
    const tail = st.laneTail[entry];
    const room = tail === NO ? Infinity : st.vPos[tail] - VEHICLE_LENGTH[st.vKind[tail]];
    if (room < 0 || this.rerouting.barred(next, st.vKind[i])) {
      st.vPos[i] = net.length[k] - 0.01;
      st.vSpeed[i] = 0;
      return;
    }
    if (this.signals.state[k] === SignalState.red && st.vKind[i] !== ObjectKind.emergency) this.redCrossings++;
    st.unlink(i);
    const pos = Math.min(over, room, net.length[next] - 0.01);
    st.vPos[i] = pos;
    st.vLane[i] = entry;
    st.vLink[i] = next;
    st.vSeg[i] = net.pointStart[next];
    st.vWait[i] = 0;
    st.appendTail(i, entry);
    st.vStep[i]++;
    this.rerouting.enterLinkPlan(i);
    const figures = this.figures;
    figures.exits[k]++;
    if (net.rank[k] < net.nodeTopRank[net.to[k]]) this.lastEntry[net.to[k]] = t;
    figures.linkCount[next]++;
    figures.linkSpeedSum[next] += st.vSpeed[i];
    if (st.vPos[i] >= st.vDestPos[i]) st.arrive(i, t);
  }
}
