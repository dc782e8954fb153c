import { ObjectKind } from '../../protocol/ObjectState.ts';
import type { BusLines } from './BusLines.ts';
import type { Router } from './Router.ts';
import type { SignalPlans } from './SignalPlans.ts';
import { Turn, type TrafficNetwork } from './TrafficNetwork.ts';
import { NO, type VehicleStore } from './VehicleStore.ts';

/** Water states of a link, from dry up: see Rerouting.water. */
export const WATER_DRY = 0;
export const WATER_SLOW = 1;
export const WATER_CLOSED = 2;
export const WATER_IMPASSABLE = 3;
/** Emergency vehicles drive at this multiple of the speed limit where the way is clear (Departures gives them this speed factor). */
export const EMERGENCY_SPEED_FACTOR = 1.4;
/** Emergency vehicles keep at least this speed through water they may enter, m/s (10 km/h). */
export const EMERGENCY_WADE_SPEED = 10 / 3.6;

/** A route is rerouted when a link on it becomes this much slower than free flow, seconds. */
const JAM_DELAY_S = 90;
const MAX_REROUTES_PER_UPDATE = 3000;

/**
 * Link closures and travel times (route costs), each vehicle's plan on the link it is on (next
 * link, lanes allowed for the turn, where it stops), and rerouting: when a link on a route closes,
 * when a link ahead becomes jammed, or when a vehicle has been stuck at a link end.
 */
export class Rerouting {
  /** Lanes closed from the kerb on each link, and until when (sim seconds; Infinity: until opened). */
  readonly closedLanes: Uint8Array;
  readonly closedUntil: Float64Array;
  /** Free-flow travel time of each link including the mean signal delay, seconds. */
  readonly freeCost: Float32Array;
  /** Current travel time of each link, seconds; Infinity when it is closed. */
  readonly cost: Float32Array;
  /** Links flagged as jammed or closed at the last cost update. */
  readonly delayed: Uint8Array;
  /**
   * Water on each link (FloodedRoads): WATER_DRY, WATER_SLOW (cars slow down), WATER_CLOSED (barred
   * to cars, emergency vehicles pass) or WATER_IMPASSABLE (barred to everyone).
   */
  readonly water: Uint8Array;
  /** Speed cap on each link from the water on it, m/s (Infinity when dry); emergency vehicles keep at least EMERGENCY_WADE_SPEED. */
  readonly waterSpeed: Float32Array;
  /** Travel time of each link for emergency vehicles: `cost`, but only closures and impassable water bar them. */
  readonly emergencyCost: Float32Array;
  /** True for a vehicle (by id) that keeps its given route through jams (a trip file's routes, as SUMO drives them); closures and being stuck still reroute it. */
  keepsRoute: (vehicleId: number) => boolean = () => false;

  constructor(
    private readonly net: TrafficNetwork,
    private readonly router: Router,
    private readonly store: VehicleStore,
    private readonly buses: BusLines,
  ) {
    const L = net.linkCount;
    this.closedLanes = new Uint8Array(L);
    this.closedUntil = new Float64Array(L).fill(Infinity);
    this.freeCost = net.freeTime.slice();
    this.cost = this.freeCost.slice();
    this.delayed = new Uint8Array(L);
    this.water = new Uint8Array(L);
    this.waterSpeed = new Float32Array(L).fill(Infinity);
    this.emergencyCost = Float32Array.from(net.length, (len, k) => len / (net.freeSpeed[k] * EMERGENCY_SPEED_FACTOR));
  }

  /** True when vehicles of `kind` may not enter link k: it is closed, or the water on it bars them. */
  barred(k: number, kind: number): boolean {
    if (this.closedLanes[k] >= this.net.lanes[k]) return true;
    return this.water[k] >= (kind === ObjectKind.emergency ? WATER_IMPASSABLE : WATER_CLOSED);
  }

  /** Route costs for vehicles of `kind`. */
  costFor(kind: number): Float32Array {
    return kind === ObjectKind.emergency ? this.emergencyCost : this.cost;
  }

  /** Adds the mean signal delay (Webster's uniform term, red² / 2C) to each signalised link's cost. */
  addCostOfSignals(signals: SignalPlans): void {
    const net = this.net;
    for (let k = 0; k < net.linkCount; k++) {
      const p = signals.linkPhase[k];
      if (p < 0) continue;
      const node = net.to[k];
      const c = signals.cycle[node];
      const red = c - signals.green[node * 4 + p];
      this.freeCost[k] = net.length[k] / net.freeSpeed[k] + (red * red) / (2 * c);
    }
    this.cost.set(this.freeCost);
    for (let k = 0; k < net.linkCount; k++) this.emergencyCost[k] = net.length[k] / (net.freeSpeed[k] * EMERGENCY_SPEED_FACTOR);
  }

  /** Opens the closures whose time is up at sim time t. */
  expireClosures(t: number): void {
    for (let k = 0; k < this.closedUntil.length; k++) {
      if (this.closedUntil[k] <= t) {
        this.closedUntil[k] = Infinity;
        this.closedLanes[k] = 0;
      }
    }
  }

  /** Sets next link, allowed lanes, turn, destination and bus stop for vehicle i on its current route step. */
  enterLinkPlan(i: number): void {
    const net = this.net;
    const st = this.store;
    const route = st.routes[i] as Int32Array;
    const s = st.vStep[i];
    const k = route[s];
    const last = s === route.length - 1;
    st.vNext[i] = last ? NO : route[s + 1];
    if (last) {
      st.vLaneLo[i] = 0;
      st.vLaneHi[i] = net.lanes[k] - 1;
      st.vTurn[i] = Turn.straight;
      const start = s === 0 ? st.vPos[i] : 0;
      st.vDestPos[i] = st.vBusLine[i] >= 0 || st.vKind[i] === ObjectKind.emergency ? net.length[k] - 1 : Math.max(start + 1, net.length[k] * 0.5);
      st.vDestPos[i] = Math.min(st.vDestPos[i], net.length[k] - 0.5);
    } else {
      const [lo, hi] = net.allowedLanes(k, route[s + 1]);
      st.vLaneLo[i] = lo;
      st.vLaneHi[i] = hi;
      st.vTurn[i] = net.turn(k, route[s + 1]);
      st.vDestPos[i] = Infinity;
    }
    const line = st.vBusLine[i];
    st.vStopPos[i] = line >= 0 && this.buses.stops[line][s] ? net.length[k] * 0.6 : -1;
  }

  /** Vehicle i has stood at its link's end too long: it looks for another way, avoiding the link it waits for. */
  rerouteStuck(i: number, t: number): void {
    const st = this.store;
    const next = st.vNext[i];
    const saved = this.cost[next];
    this.cost[next] = saved + 600;
    const found = this.reroute(i);
    this.cost[next] = saved;
    st.vWait[i] = 0;
    // No way on at all (its destination was closed): the driver parks here and the trip ends.
    if (!found && this.barred(next, st.vKind[i])) st.arrive(i, t);
  }

  /** A new route for vehicle i from the end of its current link to its destination; kept if found. */
  reroute(i: number): boolean {
    const st = this.store;
    if (st.vBusLine[i] >= 0) return false;
    const route = st.routes[i] as Int32Array;
    const dest = route[route.length - 1];
    const k = st.vLink[i];
    if (k === dest) return false;
    const fresh = this.router.route(k, dest, this.costFor(st.vKind[i]));
    if (!fresh) return false;
    st.routes[i] = fresh;
    st.vStep[i] = 0;
    const pos = st.vPos[i];
    this.enterLinkPlan(i);
    st.vPos[i] = pos;
    return true;
  }

  /** Cuts vehicle i's route at its current link: it arrives there. */
  private endTripOnCurrentLink(i: number): void {
    const st = this.store;
    const route = st.routes[i] as Int32Array;
    const pos = st.vPos[i];
    st.routes[i] = route.slice(0, st.vStep[i] + 1);
    this.enterLinkPlan(i);
    st.vPos[i] = pos;
    st.vDestPos[i] = Math.min(Math.max(st.vDestPos[i], pos + 1), this.net.length[st.vLink[i]] - 0.5);
  }

  /** Refreshes link travel times from the smoothed speeds and reroutes vehicles whose way ahead became jammed or closed. */
  updateCosts(speedEma: Float32Array): void {
    const net = this.net;
    const newlyBad = new Uint8Array(net.linkCount);
    let any = false;
    for (let k = 0; k < net.linkCount; k++) {
      const closed = this.closedLanes[k] >= net.lanes[k];
      const signalDelay = this.freeCost[k] - net.length[k] / net.freeSpeed[k];
      const moving = net.length[k] / Math.max(speedEma[k], 0.5);
      const time = signalDelay + moving;
      const water = this.water[k];
      // Emergency vehicles pass red lights and drive faster than the limit where the way is clear,
      // but are as slow as the queue in a jam; they wade at their own pace where cars would not go at all.
      const siren = Math.max(net.length[k] / (net.freeSpeed[k] * EMERGENCY_SPEED_FACTOR), moving);
      this.emergencyCost[k] = closed || water >= WATER_IMPASSABLE ? Infinity : water >= WATER_CLOSED ? Math.max(siren, net.length[k] / EMERGENCY_WADE_SPEED) : siren;
      const c = closed || water >= WATER_CLOSED ? Infinity : time;
      this.cost[k] = c;
      const bad = closed || c - this.freeCost[k] > JAM_DELAY_S ? 1 : 0;
      if (bad && !this.delayed[k]) {
        newlyBad[k] = 1;
        any = true;
      }
      this.delayed[k] = bad;
    }
    if (any) this.rerouteAround(newlyBad);
  }

  /** Reroutes (in id order, up to a limit) vehicles whose remaining route uses a flagged link. */
  private rerouteAround(flagged: Uint8Array): void {
    const st = this.store;
    let done = 0;
    for (let a = 0; a < st.activeCount && done < MAX_REROUTES_PER_UPDATE; a++) {
      const i = st.active[a];
      if (!st.vAlive[i] || st.vBusLine[i] >= 0 || this.keepsRoute(st.vId[i])) continue;
      const route = st.routes[i] as Int32Array;
      for (let s = st.vStep[i] + 1; s < route.length; s++) {
        if (flagged[route[s]]) {
          this.reroute(i);
          done++;
          break;
        }
      }
    }
  }

  /**
   * Closes `lanes` lanes of link k from the kerb until sim time `untilS`. A whole closure takes
   * the link out of every route at once: vehicles go round it, or end their trip where they are
   * when it was their destination.
   */
  close(k: number, lanes: number, untilS: number): void {
    this.closedLanes[k] = lanes;
    this.closedUntil[k] = untilS;
    if (this.closedLanes[k] >= this.net.lanes[k]) {
      this.cost[k] = Infinity;
      this.emergencyCost[k] = Infinity;
      this.delayed[k] = 1;
      const flagged = new Uint8Array(this.net.linkCount);
      flagged[k] = 1;
      this.rerouteOff(flagged);
    }
  }

  /**
   * Sets the water state of link k (a WATER_* value) and the speed it allows (m/s); true when it
   * rose to bar more vehicles, whose routes the caller then takes it out of (rerouteOff, once for
   * all the links that rose), as a closure does. Falling again lets the next cost update bring it back.
   */
  setWater(k: number, state: number, speedMs: number): boolean {
    const before = this.water[k];
    this.water[k] = state;
    this.waterSpeed[k] = speedMs;
    if (state >= WATER_CLOSED && before < WATER_CLOSED) {
      this.cost[k] = Infinity;
      this.delayed[k] = 1;
    }
    if (state >= WATER_IMPASSABLE) this.emergencyCost[k] = Infinity;
    return state > before && state >= WATER_CLOSED;
  }

  /**
   * Every vehicle with a flagged link ahead on its route that it may no longer enter goes round
   * (all flagged links barred at once), or ends its trip where it is when one was its destination.
   */
  rerouteOff(flagged: Uint8Array): void {
    const st = this.store;
    // Not rerouteAround: its limit is for jams; a closure must reach everyone.
    for (let a = 0; a < st.activeCount; a++) {
      const i = st.active[a];
      if (!st.vAlive[i]) continue;
      const route = st.routes[i] as Int32Array;
      for (let s = st.vStep[i] + 1; s < route.length; s++) {
        const k = route[s];
        if (!flagged[k] || !this.barred(k, st.vKind[i])) continue;
        if (!this.reroute(i)) this.endTripOnCurrentLink(i);
        break;
      }
    }
  }

  /** Opens every lane of link k and refreshes the travel times. */
  open(k: number, speedEma: Float32Array): void {
    this.closedLanes[k] = 0;
    this.closedUntil[k] = Infinity;
    this.updateCosts(speedEma);
  }
}
