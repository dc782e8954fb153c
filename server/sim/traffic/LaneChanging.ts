import { ObjectKind } from '../../protocol/ObjectState.ts';
import { FREE_GAP, IDM_B, idm, VEHICLE_LENGTH } from './idm.ts';
import type { Rerouting } from './Rerouting.ts';
import type { TrafficNetwork } from './TrafficNetwork.ts';
import { NO, type VehicleStore } from './VehicleStore.ts';

/** Lane changing (MOBIL, Kesting, Treiber & Helbing 2007): politeness, threshold, safe braking. */
const MOBIL_P = 0.2;
const MOBIL_THRESHOLD = 0.3;
const MOBIL_SAFE_DECEL = 4;
/** A vehicle yields to an emergency vehicle this close behind it, m. */
const EMERGENCY_YIELD_M = 80;

/**
 * Lane changes: a vehicle keeps to the lanes its next turn allows (right turns from the kerb lane,
 * left and U-turns from the leftmost, straight from any) and leaves closed lanes, changing when it
 * is safe for the new follower; it moves aside for an emergency vehicle close behind; and it
 * changes when MOBIL finds it worth it.
 */
export class LaneChanging {
  constructor(
    private readonly net: TrafficNetwork,
    private readonly dt: number,
    private readonly store: VehicleStore,
    private readonly rerouting: Rerouting,
  ) {}

  /**
   * Lane changes in the step numbered stepNo, in id order: mandatory ones (wrong lane for the next
   * turn, a closed lane, an emergency vehicle close behind) every step; discretionary ones (MOBIL)
   * for each vehicle every 2 s, staggered by id.
   */
  changeLanes(stepNo: number): void {
    const net = this.net;
    const st = this.store;
    const everySteps = Math.max(1, Math.round(2 / this.dt));
    const phase = stepNo % everySteps;
    const closedLanes = this.rerouting.closedLanes;
    for (let a = 0; a < st.activeCount; a++) {
      const i = st.active[a];
      if (!st.vAlive[i]) continue;
      const k = st.vLink[i];
      const lanes = net.lanes[k];
      if (lanes < 2) continue;
      const lane = st.vLane[i];
      const laneNo = lane - net.laneStart[k];
      const closed = closedLanes[k];
      let dir = 0;
      let mandatory = true;
      if (laneNo < closed && closed < lanes) dir = 1;
      else if (laneNo < st.vLaneLo[i]) dir = 1;
      else if (laneNo > st.vLaneHi[i]) dir = -1;
      else {
        const f = st.vFollower[i];
        if (f !== NO && st.vKind[f] === ObjectKind.emergency && st.vKind[i] !== ObjectKind.emergency && st.vPos[i] - st.vPos[f] < EMERGENCY_YIELD_M) {
          dir = laneNo > st.vLaneLo[i] ? -1 : laneNo < st.vLaneHi[i] ? 1 : laneNo > 0 ? -1 : 1;
        } else if ((st.vId[i] % everySteps) === phase && net.length[k] - st.vPos[i] > 40) {
          mandatory = false;
          dir = this.mobilChoice(i, k, laneNo);
        }
      }
      if (dir === 0) continue;
      const target = laneNo + dir;
      if (target < 0 || target >= lanes || target < closed) continue;
      this.tryChange(i, net.laneStart[k] + target, mandatory);
    }
  }

  private tryChange(i: number, lane: number, mandatory: boolean): boolean {
    const st = this.store;
    const [leader, follower] = st.neighbours(i, lane);
    const pos = st.vPos[i];
    const len = VEHICLE_LENGTH[st.vKind[i]];
    const v = st.vSpeed[i];
    const margin = mandatory ? 0.5 : 2;
    if (leader !== NO && st.vPos[leader] - VEHICLE_LENGTH[st.vKind[leader]] - pos < margin + v * 0.3) return false;
    if (follower !== NO) {
      const gap = pos - len - st.vPos[follower];
      if (gap < margin) return false;
      const fv = st.vSpeed[follower];
      const accF = this.acc(follower, fv, this.net.freeSpeed[st.vLink[i]] * st.vFactor[follower], gap, v);
      if (accF < -MOBIL_SAFE_DECEL) return false;
    }
    st.unlink(i);
    st.insertAt(i, lane, leader, follower);
    return true;
  }

  /** IDM acceleration of vehicle j's driver at speed v (desired v0) behind something at gap s moving at vLead. */
  private acc(j: number, v: number, v0: number, s: number, vLead: number): number {
    const st = this.store;
    return idm(st.vAccMax[j], st.vGapT[j], IDM_B[st.vKind[j]], v, v0, s, vLead);
  }

  /** MOBIL: -1 or +1 when changing to that side is worth it and allowed for the next turn, else 0. */
  private mobilChoice(i: number, k: number, laneNo: number): number {
    const net = this.net;
    const st = this.store;
    const kind = st.vKind[i];
    const v = st.vSpeed[i];
    const v0 = net.freeSpeed[k] * st.vFactor[i];
    const pos = st.vPos[i];
    const lead = st.vLeader[i];
    const accNow = lead === NO ? this.acc(i, v, v0, FREE_GAP, v) : this.acc(i, v, v0, st.vPos[lead] - VEHICLE_LENGTH[st.vKind[lead]] - pos, st.vSpeed[lead]);
    let best = 0;
    let bestGain = MOBIL_THRESHOLD;
    for (const dir of [-1, 1]) {
      const target = laneNo + dir;
      if (target < st.vLaneLo[i] || target > st.vLaneHi[i] || target < this.rerouting.closedLanes[k] || target >= net.lanes[k]) continue;
      const [leader, follower] = st.neighbours(i, net.laneStart[k] + target);
      const accNew = leader === NO ? this.acc(i, v, v0, FREE_GAP, v) : this.acc(i, v, v0, st.vPos[leader] - VEHICLE_LENGTH[st.vKind[leader]] - pos, st.vSpeed[leader]);
      let followerLoss = 0;
      if (follower !== NO) {
        const fv = st.vSpeed[follower];
        const fv0 = net.freeSpeed[k] * st.vFactor[follower];
        const before = leader === NO ? this.acc(follower, fv, fv0, FREE_GAP, fv) : this.acc(follower, fv, fv0, st.vPos[leader] - VEHICLE_LENGTH[st.vKind[leader]] - st.vPos[follower], st.vSpeed[leader]);
        const after = this.acc(follower, fv, fv0, pos - VEHICLE_LENGTH[kind] - st.vPos[follower], v);
        if (after < -MOBIL_SAFE_DECEL) continue;
        followerLoss = before - after;
      }
      // A slight bias to the kerb side keeps the left lanes for overtaking and turning.
      const gain = accNew - accNow - MOBIL_P * followerLoss + (dir < 0 ? 0.1 : 0);
      if (gain > bestGain) {
        bestGain = gain;
        best = dir;
      }
    }
    return best;
  }
}
