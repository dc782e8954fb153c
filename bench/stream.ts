/**
 * Stream: bytes and speed of the object frame codec over a traffic-like sequence, against the JSON a
 * naive API would send. `npx tsx bench/stream.ts` prints the figures.
 */
import { ObjectFrameDecoder } from '../server/protocol/ObjectFrameDecoder.ts';
import { ObjectFrameEncoder } from '../server/protocol/ObjectFrameEncoder.ts';
import { ObjectFlags, ObjectKind, createObjectState } from '../server/protocol/ObjectState.ts';
import type { ObjectState } from '../server/protocol/ObjectState.ts';
import { createRandom } from '../server/city/generate/random.ts';

const BLOCK = 200;
const SIGNAL_CYCLE_S = 60;
const ACCEL = 1.5;
const DECEL = 3;

/** Seeded numbers in [0, 1): the project's mulberry32 stream, the same on every machine. */
const seededRandom = (seed: number): (() => number) => createRandom(seed).next;

interface Vehicle {
  id: number;
  kind: number;
  /** Route: a rectangle of city blocks, driven clockwise from its south-west corner. */
  x0: number;
  y0: number;
  width: number;
  height: number;
  s: number;
  speed: number;
  targetSpeed: number;
  braking: boolean;
}

export interface TrafficSequenceOptions {
  objects: number;
  seed?: number;
  /** Frames per second; 10 by default. */
  rateHz?: number;
  /** Share of objects replaced per second; 0.02 by default. */
  churnPerSecond?: number;
}

/**
 * A deterministic traffic-like sequence: vehicles circling rectangular block routes at 0–20 m/s,
 * speeding up, slowing, stopping at signals on a 60 s cycle, and a share of them replaced each second.
 */
export class TrafficSequence {
  readonly state: ObjectState;
  simTimeMs = 0;
  private vehicles: Vehicle[] = [];
  private nextId = 1;
  private readonly random: () => number;
  private readonly dt: number;
  private readonly churn: number;

  constructor(options: TrafficSequenceOptions) {
    this.random = seededRandom(options.seed ?? 1);
    this.dt = 1 / (options.rateHz ?? 10);
    this.churn = (options.churnPerSecond ?? 0.02) * this.dt;
    for (let i = 0; i < options.objects; i++) this.vehicles.push(this.spawn());
    this.state = createObjectState(Math.ceil(options.objects * 1.2) + 64);
    this.fill();
  }

  /** Advance one frame. */
  step(): void {
    const r = this.random;
    this.simTimeMs += Math.round(this.dt * 1000);
    const t = this.simTimeMs / 1000;
    let removed = 0;
    const kept: Vehicle[] = [];
    for (const v of this.vehicles) {
      if (r() < this.churn) {
        removed++;
        continue;
      }
      kept.push(v);
      // Drivers never hold a speed exactly: the target wanders, now and then jumps.
      v.targetSpeed = r() < 0.005 ? 8 + r() * 12 : Math.min(20, Math.max(5, v.targetSpeed + (r() - 0.5) * 0.4));
      const perimeter = 2 * (v.width + v.height);
      const toLine = BLOCK - (v.s % BLOCK);
      const [nodeX, nodeY, side] = this.nodeAhead(v);
      const phase = (t + hash(nodeX, nodeY) * SIGNAL_CYCLE_S) % SIGNAL_CYCLE_S;
      const northSouth = side === 0 || side === 2;
      const red = northSouth ? phase < SIGNAL_CYCLE_S / 2 - 3 : phase >= SIGNAL_CYCLE_S / 2 && phase < SIGNAL_CYCLE_S - 3;
      let accel = v.speed < v.targetSpeed ? Math.min(ACCEL, (v.targetSpeed - v.speed) / this.dt) : -Math.min(DECEL, (v.speed - v.targetSpeed) / this.dt);
      const gap = toLine - 2;
      if (red && gap < (v.speed * v.speed) / (2 * DECEL) + 15) {
        accel = gap > 0.5 ? -Math.min(2 * DECEL, (v.speed * v.speed) / (2 * gap)) : -v.speed / this.dt;
      }
      v.braking = accel < -0.5;
      v.speed = Math.max(0, v.speed + accel * this.dt);
      const advance = Math.min(v.speed * this.dt, red ? Math.max(0, gap) : Infinity);
      v.s = (v.s + advance) % perimeter;
    }
    this.vehicles = kept;
    // Replace what left, on average: churn keeps the population steady.
    for (let i = 0; i < removed; i++) this.vehicles.push(this.spawn());
    this.fill();
  }

  private spawn(): Vehicle {
    const r = this.random;
    const roll = r();
    return {
      id: this.nextId++,
      kind: roll < 0.9 ? ObjectKind.car : roll < 0.95 ? ObjectKind.bus : ObjectKind.truck,
      x0: (Math.floor(r() * 60) - 30) * BLOCK,
      y0: (Math.floor(r() * 60) - 30) * BLOCK,
      width: (1 + Math.floor(r() * 5)) * BLOCK,
      height: (1 + Math.floor(r() * 5)) * BLOCK,
      s: Math.floor(r() * 4) * BLOCK + r() * 150,
      speed: r() * 15,
      targetSpeed: 8 + r() * 12,
      braking: false,
    };
  }

  /** The route side (0 north, 1 east, 2 south, 3 west leg) and the signal node at the end of the current block. */
  private nodeAhead(v: Vehicle): [number, number, number] {
    const [x, y, side] = this.place(v, (Math.floor(v.s / BLOCK) + 1) * BLOCK);
    return [Math.round(x), Math.round(y), side];
  }

  private place(v: Vehicle, s: number): [number, number, number] {
    const { x0, y0, width: w, height: h } = v;
    const p = s % (2 * (w + h));
    if (p < h) return [x0, y0 + p, 0];
    if (p < h + w) return [x0 + (p - h), y0 + h, 1];
    if (p < 2 * h + w) return [x0 + w, y0 + h - (p - h - w), 2];
    return [x0 + w - (p - 2 * h - w), y0, 3];
  }

  private fill(): void {
    const s = this.state;
    const n = this.vehicles.length;
    if (n > s.id.length) throw new Error(`TrafficSequence: ${n} vehicles exceed the state's capacity ${s.id.length}`);
    for (let i = 0; i < n; i++) {
      const v = this.vehicles[i];
      const [x, y, side] = this.place(v, v.s);
      s.id[i] = v.id;
      // Drive on the right: 1.75 m off the centre line.
      s.x[i] = x + (side === 0 ? 1.75 : side === 2 ? -1.75 : 0);
      s.y[i] = y + (side === 3 ? 1.75 : side === 1 ? -1.75 : 0);
      s.heading[i] = [0, Math.PI / 2, Math.PI, (3 * Math.PI) / 2][side];
      s.speed[i] = v.speed;
      s.kind[i] = v.kind;
      s.flags[i] = (v.braking ? ObjectFlags.braking : 0) | (v.speed === 0 ? ObjectFlags.stopped : 0);
    }
    s.count = n;
  }
}

function hash(x: number, y: number): number {
  let h = Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(y | 0, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return ((h ^ (h >>> 13)) >>> 0) / 4294967296;
}

/** What a naive JSON API would send for the same state. */
export function stateToJson(state: ObjectState): string {
  const out = [];
  for (let i = 0; i < state.count; i++) {
    out.push({
      id: state.id[i],
      x: Math.round(state.x[i] * 100) / 100,
      y: Math.round(state.y[i] * 100) / 100,
      heading: Math.round(state.heading[i] * 1000) / 1000,
      speed: Math.round(state.speed[i] * 100) / 100,
      kind: state.kind[i],
      flags: state.flags[i],
    });
  }
  return JSON.stringify(out);
}

export interface StreamBenchOptions {
  objects?: number;
  seconds?: number;
  rateHz?: number;
  keyframeEverySeconds?: number;
  /** JSON is measured on every n-th frame (stringifying every frame costs more than the codec bench itself). */
  jsonEvery?: number;
}

/** Stream: bytes per object per update (binary and JSON), and encode/decode time per object. */
export async function benchStream(options: StreamBenchOptions = {}): Promise<Record<string, number>> {
  const { objects = 20_000, seconds = 60, rateHz = 10, keyframeEverySeconds = 10, jsonEvery = 10 } = options;
  const traffic = new TrafficSequence({ objects, seed: 20_240_601, rateHz });
  const encoder = new ObjectFrameEncoder({ streamId: 1 });
  const decoder = new ObjectFrameDecoder();
  const frames = seconds * rateHz;
  const keyframeEvery = keyframeEverySeconds * rateHz;
  let bytes = 0;
  let updates = 0;
  let jsonBytes = 0;
  let jsonUpdates = 0;
  let encodeMs = 0;
  let decodeMs = 0;
  for (let f = 0; f < frames; f++) {
    if (f > 0) traffic.step();
    const state = traffic.state;
    const t0 = performance.now();
    const frame = f % keyframeEvery === 0 ? encoder.encodeKeyframe(state, traffic.simTimeMs) : encoder.encodeDelta(state, traffic.simTimeMs);
    const t1 = performance.now();
    const decoded = decoder.decode(frame);
    const t2 = performance.now();
    if (!decoded.ok) throw new Error(`benchStream: frame ${f} did not decode: ${decoded.error.message}`);
    encodeMs += t1 - t0;
    decodeMs += t2 - t1;
    bytes += frame.length;
    updates += state.count;
    if (f % jsonEvery === 0) {
      jsonBytes += new TextEncoder().encode(stateToJson(state)).length;
      jsonUpdates += state.count;
    }
  }
  const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;
  return {
    'stream.bytes_per_object': round(bytes / updates, 3),
    'stream.json_bytes_per_object': round(jsonBytes / jsonUpdates, 2),
    'stream.encode_ns_per_object': round((encodeMs * 1e6) / updates, 1),
    'stream.decode_ns_per_object': round((decodeMs * 1e6) / updates, 1),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [key, value] of Object.entries(await benchStream())) console.log(`  ${key.padEnd(36)} ${value}`);
}
