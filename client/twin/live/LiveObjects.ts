/**
 * The moving objects a view draws, decoded from object frames and interpolated at display rate.
 * Frames arrive at up to 10 Hz; views draw at 60. Each object moves from where it was shown when
 * the latest frame arrived to that frame's position over one frame interval, so drawing lags the
 * stream by one interval and never jumps (render time = latest frame time − one frame interval).
 * Structure of arrays; no renderer types.
 */
import type { ObjectState } from '../../../server/protocol/ObjectState.ts';
import { lerp, lerpHeading } from './interpolate.ts';

/** Frame interval assumed before two frames have arrived, milliseconds (the stream's 10 Hz). */
const DEFAULT_INTERVAL_MS = 100;
const MIN_INTERVAL_MS = 16;
const MAX_INTERVAL_MS = 2000;

interface Buffers {
  id: Uint32Array;
  fromX: Float64Array;
  fromY: Float64Array;
  fromHeading: Float32Array;
  toX: Float64Array;
  toY: Float64Array;
  toHeading: Float32Array;
  kind: Uint8Array;
  flags: Uint8Array;
}

function createBuffers(capacity: number): Buffers {
  return {
    id: new Uint32Array(capacity),
    fromX: new Float64Array(capacity),
    fromY: new Float64Array(capacity),
    fromHeading: new Float32Array(capacity),
    toX: new Float64Array(capacity),
    toY: new Float64Array(capacity),
    toHeading: new Float32Array(capacity),
    kind: new Uint8Array(capacity),
    flags: new Uint8Array(capacity),
  };
}

/** Decoded objects of the joined run, with the previous and latest positions of each id. */
export class LiveObjects {
  /** Objects held: entries [0, count) of every array are valid. */
  count = 0;
  /** Interpolated by the last `sample()`: east and north metres, heading radians clockwise from north. */
  x = new Float64Array(0);
  y = new Float64Array(0);
  heading = new Float32Array(0);
  /** Sim time (ms since the run's start) the last `sample()` showed. */
  simTimeMs = 0;
  /** Sequence of the latest frame applied; 0 when none. */
  lastSequence = 0;
  /** Wall-clock interval between frames, smoothed, milliseconds. */
  intervalMs = DEFAULT_INTERVAL_MS;

  private cur: Buffers = createBuffers(0);
  private spare: Buffers = createBuffers(0);
  private arrivalMs = Number.NEGATIVE_INFINITY;
  private measured = false;
  private fromSimMs = 0;
  private toSimMs = 0;

  /** Ids of the objects held, ascending. */
  get id(): Uint32Array {
    return this.cur.id;
  }

  /** ObjectKind of each object. */
  get kind(): Uint8Array {
    return this.cur.kind;
  }

  /** ObjectFlags of each object. */
  get flags(): Uint8Array {
    return this.cur.flags;
  }

  /** Forgets every object (after switching runs); the next frame is shown without interpolation. */
  clear(): void {
    this.count = 0;
    this.lastSequence = 0;
    this.arrivalMs = Number.NEGATIVE_INFINITY;
    this.measured = false;
    this.intervalMs = DEFAULT_INTERVAL_MS;
  }

  /**
   * Takes the state after a decoded frame that arrived at wall time `nowMs`. With `snap` (a keyframe
   * after a seek or a run switch) objects jump to their new place instead of gliding there.
   */
  apply(state: ObjectState, simTimeMs: number, sequence: number, nowMs: number, snap = false): void {
    const first = this.arrivalMs === Number.NEGATIVE_INFINITY;
    // Where each object is shown right now: it continues from there, so a late or early frame never jumps.
    this.sample(nowMs);
    if (!first) {
      const dt = nowMs - this.arrivalMs;
      const clamped = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, dt));
      this.intervalMs = this.measured ? this.intervalMs + 0.25 * (clamped - this.intervalMs) : clamped;
      this.measured = true;
    }
    const n = state.count;
    let next = this.spare;
    if (next.id.length < n) next = createBuffers(Math.max(n, next.id.length * 2));
    const old = this.cur;
    const oldCount = this.count;
    const jump = snap || first;
    let j = 0;
    for (let i = 0; i < n; i++) {
      const id = state.id[i];
      // Both id lists ascend: one merge walk pairs each object with its previous self.
      while (j < oldCount && old.id[j] < id) j++;
      const known = !jump && j < oldCount && old.id[j] === id;
      next.id[i] = id;
      next.toX[i] = state.x[i];
      next.toY[i] = state.y[i];
      next.toHeading[i] = state.heading[i];
      next.fromX[i] = known ? this.x[j] : state.x[i];
      next.fromY[i] = known ? this.y[j] : state.y[i];
      next.fromHeading[i] = known ? this.heading[j] : state.heading[i];
      next.kind[i] = state.kind[i];
      next.flags[i] = state.flags[i];
    }
    this.spare = old;
    this.cur = next;
    this.count = n;
    this.fromSimMs = jump ? simTimeMs : this.simTimeMs;
    this.toSimMs = simTimeMs;
    this.arrivalMs = nowMs;
    this.lastSequence = sequence;
    if (this.x.length < n) {
      const capacity = Math.max(n, this.x.length * 2);
      this.x = new Float64Array(capacity);
      this.y = new Float64Array(capacity);
      this.heading = new Float32Array(capacity);
    }
    this.sample(nowMs);
  }

  /** Fills x, y, heading and simTimeMs for wall time `nowMs`; returns the object count. */
  sample(nowMs: number): number {
    const n = this.count;
    const t = Math.min(1, Math.max(0, (nowMs - this.arrivalMs) / this.intervalMs));
    const b = this.cur;
    const { x, y, heading } = this;
    for (let i = 0; i < n; i++) {
      x[i] = b.fromX[i] + (b.toX[i] - b.fromX[i]) * t;
      y[i] = b.fromY[i] + (b.toY[i] - b.fromY[i]) * t;
      heading[i] = lerpHeading(b.fromHeading[i], b.toHeading[i], t);
    }
    this.simTimeMs = lerp(this.fromSimMs, this.toSimMs, t);
    return n;
  }
}
