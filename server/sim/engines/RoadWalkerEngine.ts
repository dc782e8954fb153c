import { z } from 'zod';
import { createObjectState, ObjectFlags, ObjectKind, type ObjectState } from '../../protocol/ObjectState.ts';
import type { Engine, EngineContext, EngineSnapshot, InjectResult } from '../Engine.ts';
import type { Rng } from '../random.ts';
import type { OutputDeclaration } from '../outputs.ts';
import { trafficNetworkOf, type TrafficNetwork } from '../traffic/TrafficNetwork.ts';
import { parseInject } from '../parseInject.ts';

/** Scenario parameters of the road walker. */
export const RoadWalkerParams = z
  .object({
    vehicles: z.number().int().min(0).max(200_000).default(2000).describe('Objects on the road at any time'),
    meanTripSeconds: z
      .number()
      .positive()
      .max(86_400)
      .default(1200)
      .describe('Mean time an object stays on the road before it leaves and another appears elsewhere, seconds'),
  })
  .strict();
export type RoadWalkerParams = z.infer<typeof RoadWalkerParams>;

const SpeedFactorParams = z.object({ factor: z.number().min(0.1).max(2).describe('Multiplies every wanted speed; 1 is normal') }).strict();
const LinkParams = z.object({ linkId: z.string().min(1).describe('Id of a directed road link, e.g. "L000123"') }).strict();

const ACCEL = 2; // m/s², gentle pick-up after a turn
const DECEL = 4; // m/s²

interface RoadWalkerSnapshot {
  ids: Uint32Array;
  kind: Uint8Array;
  speed: Float32Array;
  flags: Uint8Array;
  link: Int32Array;
  pos: Float64Array;
  factor: Float32Array;
  closed: Uint8Array;
  nextId: number;
  speedFactor: number;
  rngState: number;
}

/**
 * The small engine that proves the path from sim to screen: objects walk the directed road graph
 * link by link below the speed limit, turning at random (seeded) at nodes; now and then one leaves
 * and another appears elsewhere. Injects: speed factor, close and open a link.
 */
export class RoadWalkerEngine implements Engine {
  readonly name = 'road_walker';
  readonly injects = ['road_walker.speed_factor', 'road_walker.close_link', 'road_walker.open_link'] as const;
  readonly paramsSchema = RoadWalkerParams;
  readonly publishes = [{ id: 'road_walker.objects', kind: 'objects' }] as const satisfies readonly OutputDeclaration[];
  readonly injectSchemas = {
    'road_walker.speed_factor': SpeedFactorParams,
    'road_walker.close_link': LinkParams,
    'road_walker.open_link': LinkParams,
  };

  private rng!: Rng;
  private dt = 0.1;
  private target = 0;
  private leaveChancePerStep = 0;
  private speedFactor = 1;
  private nextId = 1;

  // Road graph, flattened for the hot loop.
  /** The city's road network (shared with the traffic engine; read only). */
  private net!: TrafficNetwork;
  private spawnWeight = new Float64Array(0); // cumulative length × lanes
  private closed = new Uint8Array(0);

  // Objects: entries [0, state.count) are live, sorted by id.
  private state: ObjectState = createObjectState(0);
  private link = new Int32Array(0);
  private pos = new Float64Array(0);
  private seg = new Int32Array(0); // absolute point index of the current segment
  private factor = new Float32Array(0); // wanted fraction of the speed limit

  init(ctx: EngineContext): void {
    const params = RoadWalkerParams.parse(ctx.params ?? {});
    this.rng = ctx.rng;
    this.dt = ctx.stepMs / 1000;
    this.target = params.vehicles;
    this.leaveChancePerStep = ctx.stepMs / 1000 / params.meanTripSeconds;
    this.buildGraph(ctx);
    const cap = params.vehicles;
    this.state = createObjectState(cap);
    this.link = new Int32Array(cap);
    this.pos = new Float64Array(cap);
    this.seg = new Int32Array(cap);
    this.factor = new Float32Array(cap);
    if (this.net.linkCount === 0) this.target = 0;
    while (this.state.count < this.target) this.spawn();
  }

  private buildGraph(ctx: EngineContext): void {
    const net = (this.net = trafficNetworkOf(ctx.city));
    const n = net.linkCount;
    this.closed = new Uint8Array(n);
    this.spawnWeight = new Float64Array(n);
    let weight = 0;
    for (let k = 0; k < n; k++) {
      weight += net.length[k] * net.lanes[k];
      this.spawnWeight[k] = weight;
    }
  }

  /** Adds one object at a random place on an open road, weighted by length × lanes. */
  private spawn(): void {
    const rng = this.rng;
    const w = this.spawnWeight;
    let k = 0;
    for (let tries = 0; tries < 8; tries++) {
      const r = rng.next() * w[w.length - 1];
      let lo = 0;
      let hi = w.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (w[mid] > r) hi = mid;
        else lo = mid + 1;
      }
      k = lo;
      if (!this.closed[k]) break;
    }
    const s = this.state;
    const i = s.count++;
    const r = rng.next();
    const kind = r < 0.05 ? ObjectKind.bus : r < 0.15 ? ObjectKind.truck : ObjectKind.car;
    const factor = kind === ObjectKind.car ? rng.range(0.7, 0.95) : rng.range(0.55, 0.8);
    s.id[i] = this.nextId++;
    s.kind[i] = kind;
    s.flags[i] = 0;
    this.factor[i] = factor;
    this.link[i] = k;
    this.pos[i] = rng.next() * this.net.length[k];
    this.seg[i] = this.net.pointStart[k];
    s.speed[i] = this.net.freeSpeed[k] * factor * this.speedFactor * rng.range(0.5, 1);
    this.place(i);
  }

  /** Interpolates position and heading of object i from its link and offset. */
  private place(i: number): void {
    const k = this.link[i];
    const pos = this.pos[i];
    const last = this.net.pointStart[k + 1] - 2; // last segment's first point
    let seg = this.seg[i];
    while (seg < last && this.net.pointDist[seg + 1] <= pos) seg++;
    this.seg[i] = seg;
    const len = this.net.pointDist[seg + 1] - this.net.pointDist[seg];
    const f = len > 0 ? Math.min(1, (pos - this.net.pointDist[seg]) / len) : 0;
    this.state.x[i] = this.net.pointX[seg] + (this.net.pointX[seg + 1] - this.net.pointX[seg]) * f;
    this.state.y[i] = this.net.pointY[seg] + (this.net.pointY[seg + 1] - this.net.pointY[seg]) * f;
    this.state.heading[i] = this.net.segHeading[seg];
  }

  /** The next link from the end of link k: open, not a U-turn unless nothing else is open; -1 if none. */
  private chooseNext(k: number): number {
    const node = this.net.to[k];
    const start = this.net.outStart[node];
    const end = this.net.outStart[node + 1];
    const reverse = this.net.reverse[k];
    let options = 0;
    for (let j = start; j < end; j++) {
      const l = this.net.outLinks[j];
      if (!this.closed[l] && l !== reverse) options++;
    }
    if (options === 0) return reverse >= 0 && !this.closed[reverse] ? reverse : -1;
    let pick = Math.floor(this.rng.next() * options);
    for (let j = start; j < end; j++) {
      const l = this.net.outLinks[j];
      if (!this.closed[l] && l !== reverse && pick-- === 0) return l;
    }
    throw new Error('RoadWalkerEngine: chooseNext lost count of its options');
  }

  step(): void {
    const s = this.state;
    const dt = this.dt;
    const n = s.count;
    for (let i = 0; i < n; i++) {
      let k = this.link[i];
      const want = this.net.freeSpeed[k] * this.factor[i] * this.speedFactor;
      let v = s.speed[i];
      let flags = s.flags[i] & ~(ObjectFlags.braking | ObjectFlags.stopped);
      if (v < want) v = Math.min(want, v + ACCEL * dt);
      else if (v > want) {
        v = Math.max(want, v - DECEL * dt);
        flags |= ObjectFlags.braking;
      }
      let pos = this.pos[i] + v * dt;
      while (pos >= this.net.length[k]) {
        const next = this.chooseNext(k);
        if (next < 0) {
          // Every way on is closed: wait at the end of the link.
          pos = this.net.length[k];
          v = 0;
          flags |= ObjectFlags.stopped;
          break;
        }
        pos -= this.net.length[k];
        k = next;
        this.link[i] = k;
        this.seg[i] = this.net.pointStart[k];
      }
      this.pos[i] = pos;
      s.speed[i] = v;
      s.flags[i] = flags;
      this.place(i);
    }
    this.turnover();
  }

  /** Some objects end their trip; new ones appear (with new, higher ids, so the state stays sorted). */
  private turnover(): void {
    const s = this.state;
    const expected = s.count * this.leaveChancePerStep;
    let leaving = Math.floor(expected) + (this.rng.next() < expected - Math.floor(expected) ? 1 : 0);
    while (leaving-- > 0 && s.count > 0) this.removeAt(Math.floor(this.rng.next() * s.count));
    while (s.count < this.target) this.spawn();
  }

  private removeAt(i: number): void {
    const s = this.state;
    const n = s.count;
    for (const a of [s.id, s.x, s.y, s.heading, s.speed, s.kind, s.flags, this.link, this.pos, this.seg, this.factor]) a.copyWithin(i, i + 1, n);
    s.count = n - 1;
  }

  snapshot(): EngineSnapshot {
    const s = this.state;
    const n = s.count;
    const snap: RoadWalkerSnapshot = {
      ids: s.id.slice(0, n),
      kind: s.kind.slice(0, n),
      speed: s.speed.slice(0, n),
      flags: s.flags.slice(0, n),
      link: this.link.slice(0, n),
      pos: this.pos.slice(0, n),
      factor: this.factor.slice(0, n),
      closed: this.closed.slice(),
      nextId: this.nextId,
      speedFactor: this.speedFactor,
      rngState: this.rng.getState(),
    };
    return snap;
  }

  restore(snapshot: EngineSnapshot): void {
    const snap = snapshot as RoadWalkerSnapshot;
    const s = this.state;
    const n = snap.ids.length;
    if (n > s.id.length) throw new Error(`RoadWalkerEngine: snapshot of ${n} objects does not fit ${s.id.length}`);
    s.count = n;
    s.id.set(snap.ids);
    s.kind.set(snap.kind);
    s.speed.set(snap.speed);
    s.flags.set(snap.flags);
    this.link.set(snap.link);
    this.pos.set(snap.pos);
    this.factor.set(snap.factor);
    this.closed.set(snap.closed);
    this.nextId = snap.nextId;
    this.speedFactor = snap.speedFactor;
    this.rng.setState(snap.rngState);
    for (let i = 0; i < n; i++) {
      this.seg[i] = this.net.pointStart[this.link[i]];
      this.place(i);
    }
  }

  applyInject(kind: string, params: unknown, _simTimeMs: number): InjectResult {
    const parsed = parseInject('RoadWalkerEngine', this.injectSchemas, kind, params);
    if (!parsed.ok) return parsed;
    if (kind === 'road_walker.speed_factor') {
      this.speedFactor = (parsed.data as z.infer<typeof SpeedFactorParams>).factor;
      return { ok: true };
    }
    const { linkId } = parsed.data as z.infer<typeof LinkParams>;
    const k = this.net.linkIndex.get(linkId);
    if (k === undefined) return { ok: false, code: 'bad_inject_params', message: `${kind}: linkId: no link ${JSON.stringify(linkId)} in the city` };
    this.closed[k] = kind === 'road_walker.close_link' ? 1 : 0;
    return { ok: true };
  }

  /** True when the link is closed (for tests and inspectors). */
  isClosed(linkId: string): boolean {
    const k = this.net.linkIndex.get(linkId);
    return k !== undefined && this.closed[k] === 1;
  }

  /** Link id of each object now, in state order (for tests and inspectors). */
  objectLinks(): string[] {
    const ids = [...this.net.linkIndex.keys()];
    return Array.from(this.link.subarray(0, this.state.count), (k) => ids[k]);
  }

  output(): ObjectState {
    return this.objects();
  }

  objects(): ObjectState {
    return this.state;
  }

  dispose(): void {
    this.state = createObjectState(0);
  }
}
