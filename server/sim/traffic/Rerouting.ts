import { ObjectKind } from '../../protocol/ObjectState.ts';
import type { BusLines } from './BusLines.ts';
import type { Router } from './Router.ts';
import type { SignalPlans } from './SignalPlans.ts';
import { Turn, type TrafficNetwork } from './TrafficNetwork.ts';
import { NO, type VehicleStore } from './VehicleStore.ts';

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

  constructor(
    private readonly net: TrafficNetwork,
    private readonly router: Router,
    private readonly store: VehicleStore,
    private readonly buses: BusLines,
  ) {
    const L = net.linkCount;
    this.closedLanes = new Uint8Array(L);
    this.closedUntil = new Float64Array(L).fill(Infinity);
    this.freeCost = Float32Array.from(net.length, (len, k) => len / net.freeSpeed[k]);
    this.cost = this.freeCost.slice();
    this.delayed = new Uint8Array(L);
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
    if (!found && this.closedLanes[next] >= this.net.lanes[next]) st.arrive(i, t);
  }

  /** A new route for vehicle i from the end of its current link to its destination; kept if found. */
  reroute(i: number): boolean {
    const st = this.store;
    if (st.vBusLine[i] >= 0) return false;
    const route = st.routes[i] as Int32Array;
    const dest = route[route.length - 1];
    const k = st.vLink[i];
    if (k === dest) return false;
    const fresh = this.router.route(k, dest, this.cost);
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
      const c = closed ? Infinity : this.freeCost[k] - net.length[k] / net.freeSpeed[k] + net.length[k] / Math.max(speedEma[k], 0.5);
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
      if (!st.vAlive[i] || st.vBusLine[i] >= 0) continue;
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
    const net = this.net;
    const st = this.store;
    this.closedLanes[k] = lanes;
    this.closedUntil[k] = untilS;
    if (this.closedLanes[k] >= net.lanes[k]) {
      this.cost[k] = Infinity;
      const flagged = new Uint8Array(net.linkCount);
      flagged[k] = 1;
      this.delayed[k] = 1;
      this.rerouteAround(flagged);
      // The limit in rerouteAround is for jams; a closure must reach everyone.
      for (let a = 0; a < st.activeCount; a++) {
        const i = st.active[a];
        if (!st.vAlive[i]) continue;
        const route = st.routes[i] as Int32Array;
        for (let s = st.vStep[i] + 1; s < route.length; s++) {
          if (route[s] !== k) continue;
          // No way round (the closed link was its destination): it stops on this link instead.
          if (!this.reroute(i)) this.endTripOnCurrentLink(i);
          break;
        }
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
