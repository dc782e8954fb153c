import { ObjectKind } from '../../protocol/ObjectState.ts';
import * as model from './idm.ts';
import { Junctions } from './Junctions.ts';
import type { LinkFigures } from './LinkFigures.ts';
import { EMERGENCY_WADE_SPEED, type Rerouting } from './Rerouting.ts';
import type { SignalPlans } from './SignalPlans.ts';
import type { TrafficNetwork } from './TrafficNetwork.ts';
import { NO, type VehicleStore } from './VehicleStore.ts';

// Module-local: drive() reads these in its inner loop, and V8 reads an imported binding there
// more slowly than a constant of the module's own (about 15 % of drive's time).
const { IDM_B, IDM_S0, MAX_DECEL, FREE_GAP, VEHICLE_LENGTH } = model;
/** Speeds through turns, m/s. */
const TURN_SPEED = Float32Array.of(99, 5, 7, 4); // by Turn
/** A vehicle stuck at a link end this long without moving on looks for another way. */
const STUCK_REROUTE_S = 90;
/** In the wrong lane at the line this long, a driver squeezes into the turn anyway. */
const FORCE_TURN_S = 15;
const BUS_DWELL_S = 20;
/**
 * A standing driver has reason to move off when the model would accelerate them at more than this
 * share of their maximum acceleration (the light turned green, the car ahead drew away); they move
 * off once that has lasted their reaction time. Below it they stay put rather than creep.
 */
const GO_SHARE = 0.1;
/** A driver who has stood less than this long is still alert: they move off without a reaction time, seconds. */
const SHORT_STOP_S = 1;

/**
 * Moving the vehicles: each follows the Intelligent Driver Model on its lane behind its leader, the
 * stop line when the way on is barred (red, stoppable amber, a closed link, no gap at an
 * unsignalised junction, the wrong lane for its turn) or the back of the lane it turns into, with a
 * ballistic update and a hard limit that keeps every gap ≥ 0. A standing driver moves off only
 * after their reaction time. Vehicles cross junctions onto their next link when there is room
 * (Junctions), and arrive at their destination.
 *
 * Every decision of a step is made from the state at its start: positions and speeds are computed
 * for all vehicles first (vNewPos, vNewSpeed), then the junction crossings are resolved, then the
 * step is applied. So results do not depend on how links and lanes are numbered.
 */
export class Driving {
  readonly junctions: Junctions;

  constructor(
    private readonly net: TrafficNetwork,
    private readonly dt: number,
    private readonly store: VehicleStore,
    signals: SignalPlans,
    private readonly rerouting: Rerouting,
    private readonly figures: LinkFigures,
  ) {
    this.junctions = new Junctions(net, store, signals, rerouting, figures);
  }

  /** Per node: sim time a vehicle from a minor approach last crossed it, seconds (snapshots). */
  get lastEntry(): Float64Array {
    return this.junctions.lastEntry;
  }

  /** For unsignalised junctions: how soon the first vehicle of a major approach reaches each node. */
  junctionGaps(): void {
    this.junctions.gaps();
  }

  /** Advances every vehicle one step (the step numbered stepNo, at sim time t): moves, junction crossings, then applies them. */
  drive(t: number, stepNo: number): void {
    this.junctions.begin();
    this.move(t, stepNo);
    this.junctions.resolve(t, stepNo, this.dt);
    this.apply(t, stepNo);
  }

  /** Each vehicle's acceleration, speed and position at the step's end from the state at its start (into vAcc, vNewSpeed, vNewPos); notes the junction candidates. */
  private move(t: number, stepNo: number): void {
    const net = this.net;
    const dt = this.dt;
    const st = this.store;
    const junctions = this.junctions;
    const { vPos, vSpeed, vKind, vLeader, vFollower, vNext, vFactor, vLaneLo, vLaneHi, vMoved, vTurn, vWait, vStopPos, vDwell, vAcc, vAccMax, vGapT, vReact, vGo, vNewPos, vNewSpeed, vDestPos, laneHead, laneTail } = st;
    const waterSpeed = this.rerouting.waterSpeed;
    for (let lane = 0; lane < net.laneCount; lane++) {
      let i = laneHead[lane];
      if (i === NO) continue;
      const k = net.laneLink[lane];
      const len = net.length[k];
      const vFree = net.freeSpeed[k];
      const laneNo = lane - net.laneStart[k];
      for (; i !== NO; i = vFollower[i]) {
        const v = vSpeed[i];
        const pos = vPos[i];
        // Started this step: it moves from the next.
        if (vMoved[i] === stepNo) {
          vNewPos[i] = pos;
          vNewSpeed[i] = v;
          continue;
        }
        const kind = vKind[i];
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
          if (!stopLine && leader === NO) stopLine = junctions.mustStop(i, k, distEnd, t);
          if (stopLine) {
            s = distEnd;
            dv = v;
          } else if (leader === NO) {
            const tail = laneTail[junctions.entryLaneOf(i, next, laneNo)];
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
        // IDM+ acceleration (idm.ts), with this driver's maximum acceleration and desired time gap.
        const a = vAccMax[i];
        const sStar = IDM_S0 + Math.max(0, v * vGapT[i] + (v * dv) / (2 * Math.sqrt(a * IDM_B[kind])));
        const ratio = v / v0;
        const r2 = ratio * ratio;
        const gapTerm = sStar / Math.max(s, 0.01);
        let acc = a * Math.min(1 - r2 * r2, 1 - gapTerm * gapTerm);
        if (acc < -MAX_DECEL) acc = -MAX_DECEL;
        let nv: number;
        let np: number;
        if (v === 0 && acc > GO_SHARE * a) {
          // Standing with reason to move off: goes once that has lasted the driver's reaction time, for the part of the step after it.
          // A driver who stopped only a moment ago is still alert and goes at once.
          let waited = vGo[i];
          if (waited <= 0) waited = waited > -SHORT_STOP_S ? vReact[i] : 0;
          waited += dt;
          vGo[i] = waited;
          const moving = Math.min(dt, waited - vReact[i]);
          if (moving > 0) {
            nv = acc * moving;
            np = pos + 0.5 * acc * moving * moving;
          } else {
            acc = 0;
            nv = 0;
            np = pos;
          }
        } else if (v === 0) {
          // Standing with no reason to go (or only to creep): counts how long, as negative seconds.
          vGo[i] = Math.min(vGo[i], 0) - dt;
          acc = 0;
          nv = 0;
          np = pos;
        } else {
          vGo[i] = 0;
          // Ballistic update; a vehicle that would stop within the step stops where it would.
          nv = v + acc * dt;
          if (nv < 0) {
            np = acc < 0 ? pos - (v * v) / (2 * acc) : pos;
            nv = 0;
          } else np = pos + (v + nv) * 0.5 * dt;
        }
        if (leader !== NO) {
          const limit = vNewPos[leader] - VEHICLE_LENGTH[vKind[leader]];
          if (np > limit) {
            np = Math.max(pos, limit);
            if (nv > vNewSpeed[leader]) nv = vNewSpeed[leader];
          }
        }
        if (np >= len && (stopLine || next === NO)) {
          np = len - 0.01;
          nv = 0;
        }
        if (nv < 0.3 && (stopLine || leader === NO) && distEnd < 30) vWait[i] += dt;
        else if (nv > 2) vWait[i] = 0;
        vNewSpeed[i] = nv;
        vNewPos[i] = np;
        vAcc[i] = acc;
        if (np >= len && np < vDestPos[i]) junctions.candidate(i, lane);
      }
    }
  }

  /** Applies the step: positions and speeds, link figures, arrivals, and drivers stuck long enough to look for another way. */
  private apply(t: number, stepNo: number): void {
    const net = this.net;
    const dt = this.dt;
    const st = this.store;
    const { vPos, vSpeed, vKind, vLeader, vFollower, vNext, vMoved, vWait, vNewPos, vNewSpeed, vDestPos, laneHead } = st;
    const linkCount = this.figures.linkCount;
    const linkSpeedSum = this.figures.linkSpeedSum;
    const activity = this.figures.activity;
    let vehSeconds = 0;
    let delaySeconds = 0;
    for (let lane = 0; lane < net.laneCount; lane++) {
      let i = laneHead[lane];
      if (i === NO) continue;
      const k = net.laneLink[lane];
      const vFree = net.freeSpeed[k];
      while (i !== NO) {
        const behind = vFollower[i];
        if (vMoved[i] !== stepNo) {
          const np = vNewPos[i];
          const nv = vNewSpeed[i];
          activity.add(k, vKind[i], np - vPos[i], dt, nv);
          vPos[i] = np;
          vSpeed[i] = nv;
          vehSeconds += dt;
          if (nv < vFree) delaySeconds += (1 - nv / vFree) * dt;
          if (np >= vDestPos[i]) st.arrive(i, t);
          else {
            linkCount[k]++;
            linkSpeedSum[k] += nv;
            if (vLeader[i] === NO && vWait[i] > STUCK_REROUTE_S && vNext[i] !== NO) this.rerouting.rerouteStuck(i, t);
          }
        }
        i = behind;
      }
    }
    st.counters[2] += vehSeconds;
    st.counters[3] += delaySeconds;
  }
}
