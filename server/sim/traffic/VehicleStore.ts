/** No vehicle (an empty lane end, no leader or follower, no next link). */
export const NO = -1;

/** Drivers' parameters and reaction timers of the vehicles in a snapshot, in its order. */
export interface DriversSnapshot {
  accMax: Float32Array;
  gapT: Float32Array;
  react: Float32Array;
  go: Float32Array;
}

/**
 * Every vehicle of the traffic engine, structure of arrays indexed by slot, and each lane as a
 * linked list from its front (`laneHead`) to its back (`laneTail`) through `vLeader`/`vFollower`.
 * Slots are handed out from a free list; a vehicle that arrives keeps its slot until `compact()`
 * has dropped it from the id-ordered list of live slots (`active`), so iteration order never
 * depends on slot numbers.
 */
export class VehicleStore {
  cap = 0;
  free = new Int32Array(0);
  freeCount = 0;
  released = new Int32Array(0);
  releasedCount = 0;
  /** Live slots in id order. */
  active = new Int32Array(0);
  activeCount = 0;
  /** Id of the next vehicle to depart. */
  nextId = 1;
  vId = new Uint32Array(0);
  vKind = new Uint8Array(0);
  vFlags = new Uint8Array(0);
  vAlive = new Uint8Array(0);
  vLane = new Int32Array(0);
  vLink = new Int32Array(0);
  vPos = new Float64Array(0);
  vSpeed = new Float32Array(0);
  vAcc = new Float32Array(0);
  vFactor = new Float32Array(0);
  /** The driver: maximum acceleration (m/s²), desired time gap (s), reaction time when the way ahead clears (s), drawn at departure (Drivers.ts). */
  vAccMax = new Float32Array(0);
  vGapT = new Float32Array(0);
  vReact = new Float32Array(0);
  /** How long a standing driver has had reason to move off, seconds (they move off at vReact). */
  vGo = new Float32Array(0);
  /** Position and speed at the end of the step being computed (Driving); the start's stay in vPos and vSpeed until it is applied. */
  vNewPos = new Float64Array(0);
  vNewSpeed = new Float32Array(0);
  vLeader = new Int32Array(0);
  vFollower = new Int32Array(0);
  vNext = new Int32Array(0);
  vLaneLo = new Uint8Array(0);
  vLaneHi = new Uint8Array(0);
  vTurn = new Uint8Array(0);
  vStep = new Int32Array(0);
  vDestPos = new Float32Array(0);
  vDepart = new Float64Array(0);
  vWait = new Float32Array(0);
  vStopPos = new Float32Array(0);
  vDwell = new Float32Array(0);
  vBusLine = new Int16Array(0);
  vMoved = new Uint32Array(0);
  vSeg = new Int32Array(0);
  /** The tag (TaggedTrips index) of a vehicle started for an emergency unit or an evacuation, or -1. */
  vTag = new Int32Array(0);
  /** Tags of tagged vehicles that arrived since TaggedTrips last took them. */
  tagArrivals: number[] = [];
  routes: (Int32Array | null)[] = [];
  /** Front and back vehicle of each lane (NO when empty). */
  readonly laneHead: Int32Array;
  readonly laneTail: Int32Array;
  /** Trips departed, arrived, vehicle-seconds, delay-seconds, trips' travel seconds. */
  readonly counters = new Float64Array(5);

  constructor(laneCount: number, cap: number) {
    this.laneHead = new Int32Array(laneCount).fill(NO);
    this.laneTail = new Int32Array(laneCount).fill(NO);
    this.allocate(cap);
  }

  /** Empties the store and makes room for `cap` vehicles. */
  allocate(cap: number): void {
    this.cap = cap;
    this.free = new Int32Array(cap);
    for (let i = 0; i < cap; i++) this.free[i] = cap - 1 - i;
    this.freeCount = cap;
    this.released = new Int32Array(cap);
    this.releasedCount = 0;
    this.active = new Int32Array(cap);
    this.activeCount = 0;
    this.vId = new Uint32Array(cap);
    this.vKind = new Uint8Array(cap);
    this.vFlags = new Uint8Array(cap);
    this.vAlive = new Uint8Array(cap);
    this.vLane = new Int32Array(cap);
    this.vLink = new Int32Array(cap);
    this.vPos = new Float64Array(cap);
    this.vSpeed = new Float32Array(cap);
    this.vAcc = new Float32Array(cap);
    this.vFactor = new Float32Array(cap);
    this.vAccMax = new Float32Array(cap);
    this.vGapT = new Float32Array(cap);
    this.vReact = new Float32Array(cap);
    this.vGo = new Float32Array(cap);
    this.vNewPos = new Float64Array(cap);
    this.vNewSpeed = new Float32Array(cap);
    this.vLeader = new Int32Array(cap);
    this.vFollower = new Int32Array(cap);
    this.vNext = new Int32Array(cap);
    this.vLaneLo = new Uint8Array(cap);
    this.vLaneHi = new Uint8Array(cap);
    this.vTurn = new Uint8Array(cap);
    this.vStep = new Int32Array(cap);
    this.vDestPos = new Float32Array(cap);
    this.vDepart = new Float64Array(cap);
    this.vWait = new Float32Array(cap);
    this.vStopPos = new Float32Array(cap);
    this.vDwell = new Float32Array(cap);
    this.vBusLine = new Int16Array(cap);
    this.vMoved = new Uint32Array(cap);
    this.vSeg = new Int32Array(cap);
    this.vTag = new Int32Array(cap).fill(-1);
    this.tagArrivals = [];
    this.routes = new Array<Int32Array | null>(cap).fill(null);
  }

  /** Drops arrived vehicles from the id-ordered list and frees their slots. */
  compact(): void {
    let n = 0;
    for (let a = 0; a < this.activeCount; a++) {
      const i = this.active[a];
      if (this.vAlive[i]) this.active[n++] = i;
    }
    this.activeCount = n;
    for (let r = 0; r < this.releasedCount; r++) this.free[this.freeCount++] = this.released[r];
    this.releasedCount = 0;
  }

  /** Takes a free slot for a new vehicle with the next id, live and last in id order (the caller checks freeCount > 0). */
  add(): number {
    const i = this.free[--this.freeCount];
    this.vId[i] = this.nextId++;
    this.active[this.activeCount++] = i;
    this.vAlive[i] = 1;
    return i;
  }

  /** Takes vehicle i out of its lane's list. */
  unlink(i: number): void {
    const lane = this.vLane[i];
    const lead = this.vLeader[i];
    const follow = this.vFollower[i];
    if (lead === NO) this.laneHead[lane] = follow;
    else this.vFollower[lead] = follow;
    if (follow === NO) this.laneTail[lane] = lead;
    else this.vLeader[follow] = lead;
    this.vLeader[i] = NO;
    this.vFollower[i] = NO;
  }

  /** Puts i at the back of `lane` (its vLane is the caller's). */
  appendTail(i: number, lane: number): void {
    const tail = this.laneTail[lane];
    this.vLeader[i] = tail;
    this.vFollower[i] = NO;
    if (tail === NO) this.laneHead[lane] = i;
    else this.vFollower[tail] = i;
    this.laneTail[lane] = i;
  }

  /** Puts i into `lane` between `leader` and `follower` (a departure or a lane change). */
  insertAt(i: number, lane: number, leader: number, follower: number): void {
    this.vLeader[i] = leader;
    this.vFollower[i] = follower;
    if (leader === NO) this.laneHead[lane] = i;
    else this.vFollower[leader] = i;
    if (follower === NO) this.laneTail[lane] = i;
    else this.vLeader[follower] = i;
    this.vLane[i] = lane;
  }

  /** Finds the vehicles that would be ahead of and behind i in `lane`. */
  neighbours(i: number, lane: number): [number, number] {
    const pos = this.vPos[i];
    let leader = NO;
    let follower = this.laneHead[lane];
    while (follower !== NO && this.vPos[follower] >= pos) {
      leader = follower;
      follower = this.vFollower[follower];
    }
    return [leader, follower];
  }

  /** Vehicle i's trip ends at sim time t: it leaves the network and is counted. */
  arrive(i: number, t: number): void {
    this.unlink(i);
    this.vAlive[i] = 0;
    this.routes[i] = null;
    // The slot is reused only after compact() has dropped it from the id-ordered list.
    this.released[this.releasedCount++] = i;
    this.counters[1]++;
    this.counters[4] += t - this.vDepart[i];
    if (this.vTag[i] >= 0) this.tagArrivals.push(this.vTag[i]);
  }

  /** The drivers of `slots` (in that order), for a snapshot. */
  saveDrivers(slots: readonly number[]): DriversSnapshot {
    const take = (src: Float32Array): Float32Array => Float32Array.from(slots, (i) => src[i]);
    return { accMax: take(this.vAccMax), gapT: take(this.vGapT), react: take(this.vReact), go: take(this.vGo) };
  }

  /** Puts the drivers saved by saveDrivers into slots 0, 1, … in their order (as a snapshot's restore places the vehicles). */
  restoreDrivers(saved: DriversSnapshot): void {
    this.vAccMax.set(saved.accMax);
    this.vGapT.set(saved.gapT);
    this.vReact.set(saved.react);
    this.vGo.set(saved.go);
  }

  /** Vehicles on the network now. */
  onNetwork(): number {
    let on = 0;
    for (let a = 0; a < this.activeCount; a++) if (this.vAlive[this.active[a]]) on++;
    return on;
  }

  /** Ids of the vehicles in `lane` from the front. */
  laneOrder(lane: number): number[] {
    const out: number[] = [];
    for (let i = this.laneHead[lane]; i !== NO; i = this.vFollower[i]) out.push(this.vId[i]);
    return out;
  }
}
