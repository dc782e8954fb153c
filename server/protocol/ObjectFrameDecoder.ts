import { ByteReader, FrameError, asBytes } from './bytes.ts';
import { FrameKind, readFrameHeader } from './frameHeader.ts';
import { createObjectState } from './ObjectState.ts';
import type { ObjectState } from './ObjectState.ts';
import {
  Change,
  DEFAULT_MAX_OBJECTS,
  HEADING_STEPS,
  MAX_POSITION_Q,
  MAX_SPEED_Q,
  MIN_DELTA_ENTRY_BYTES,
  MIN_KEYFRAME_ENTRY_BYTES,
  OBJECT_HEADER_BYTES,
  POSITION_STEPS_PER_METRE,
  SPEED_STEPS_PER_MPS,
  createQuantizedObjects,
  ensureQuantizedCapacity,
} from './objectFrameLayout.ts';
import type { QuantizedObjects } from './objectFrameLayout.ts';
import type { DecodeResult } from './ProtocolError.ts';

/** What a decoded object frame said about itself. */
export interface ObjectFrame {
  type: 'keyframe' | 'delta';
  simTimeMs: number;
  streamId: number;
  sequence: number;
  /** For a delta, the sequence of the frame it applies to. */
  baseSequence: number;
  /** Objects after applying the frame. */
  count: number;
  /** Entries in the frame (every object for a keyframe). */
  entries: number;
  added: number;
  removed: number;
  changed: number;
}

export interface ObjectFrameDecoderOptions {
  /** Frames claiming more objects are rejected (default 2,097,152). */
  maxObjects?: number;
}

const RADIANS_PER_STEP = (2 * Math.PI) / HEADING_STEPS;

/**
 * Decodes object frames into its own ObjectState, applying each delta to the state left by the frame
 * before. Never throws on bad bytes: a malformed, foreign-version or out-of-sequence frame gives
 * `{ ok: false, error }` and leaves the state as it was. The returned state is the decoder's own,
 * valid until the next successful decode; copy what you need to keep.
 */
export class ObjectFrameDecoder {
  private cur: QuantizedObjects = createQuantizedObjects(0);
  private back: QuantizedObjects = createQuantizedObjects(0);
  private curState: ObjectState = createObjectState(0);
  private backState: ObjectState = createObjectState(0);
  private seq = 0;
  private stream = -1;
  private readonly maxObjects: number;

  constructor(options: ObjectFrameDecoderOptions = {}) {
    this.maxObjects = options.maxObjects ?? DEFAULT_MAX_OBJECTS;
  }

  /** The state after the last frame accepted (empty before any). */
  get state(): ObjectState {
    return this.curState;
  }

  /** Sequence of the last frame accepted; 0 before any, and after `reset()`. */
  get sequence(): number {
    return this.seq;
  }

  /** Forget everything: only a keyframe is accepted next (e.g. after seeking or switching runs). */
  reset(): void {
    this.seq = 0;
    this.stream = -1;
    this.cur.count = 0;
    this.curState.count = 0;
  }

  /** Applies one binary frame (Uint8Array, Node Buffer or ArrayBuffer). */
  decode(input: unknown): DecodeResult<{ frame: ObjectFrame; state: ObjectState }> {
    const bytes = asBytes(input);
    if (!bytes) return { ok: false, error: { code: 'bad_frame', message: 'ObjectFrameDecoder: frame is not binary (expected Uint8Array or ArrayBuffer)' } };
    try {
      const frame = this.read(new ByteReader(bytes));
      // Only a complete, valid frame replaces the state.
      [this.cur, this.back] = [this.back, this.cur];
      [this.curState, this.backState] = [this.backState, this.curState];
      this.seq = frame.sequence;
      this.stream = frame.streamId;
      return { ok: true, frame, state: this.curState };
    } catch (err) {
      if (err instanceof FrameError) return { ok: false, error: { code: err.code, message: `ObjectFrameDecoder: ${err.message}` } };
      throw err;
    }
  }

  private read(r: ByteReader): ObjectFrame {
    const header = readFrameHeader(r, [FrameKind.objectKeyframe, FrameKind.objectDelta]);
    if (r.remaining < OBJECT_HEADER_BYTES) throw new FrameError(`object frame header needs ${OBJECT_HEADER_BYTES} bytes, ${r.remaining} left`);
    const streamId = r.u32('streamId');
    const sequence = r.u32('sequence');
    const baseSequence = r.u32('baseSequence');
    const entries = r.u32('entries');
    const count = r.u32('count');
    if (sequence === 0) throw new FrameError('sequence 0 is reserved for "no frame"');
    if (count > this.maxObjects) throw new FrameError(`count ${count} exceeds the limit of ${this.maxObjects} objects`);
    const isKeyframe = header.kind === FrameKind.objectKeyframe;
    const frame: ObjectFrame = {
      type: isKeyframe ? 'keyframe' : 'delta',
      simTimeMs: header.simTimeMs,
      streamId,
      sequence,
      baseSequence,
      count,
      entries,
      added: 0,
      removed: 0,
      changed: 0,
    };
    if (isKeyframe) {
      if (entries !== count) throw new FrameError(`keyframe has ${entries} entries for ${count} objects`);
      if (entries * MIN_KEYFRAME_ENTRY_BYTES > r.remaining) {
        throw new FrameError(`keyframe claims ${entries} objects but only ${r.remaining} bytes follow`);
      }
      this.readKeyframe(r, count);
      frame.added = count;
    } else {
      if (this.seq === 0) throw new FrameError(`delta ${sequence} arrived before any keyframe: wait for a keyframe`, 'frame_sequence');
      if (streamId !== this.stream || baseSequence !== this.seq) {
        throw new FrameError(
          `delta applies to frame ${baseSequence} of stream ${streamId}, this decoder holds frame ${this.seq} of stream ${this.stream}: wait for a keyframe`,
          'frame_sequence',
        );
      }
      if (entries * MIN_DELTA_ENTRY_BYTES > r.remaining) throw new FrameError(`delta claims ${entries} entries but only ${r.remaining} bytes follow`);
      if (count > this.cur.count + entries) throw new FrameError(`delta claims ${count} objects from ${this.cur.count} with ${entries} entries`);
      this.readDelta(r, entries, count, frame);
    }
    if (r.remaining !== 0) throw new FrameError(`${r.remaining} bytes left after the last entry`);
    this.fillState(count);
    return frame;
  }

  private readKeyframe(r: ByteReader, count: number): void {
    const q = (this.back = ensureQuantizedCapacity(this.back, count, 0));
    let lastId = -1;
    for (let i = 0; i < count; i++) {
      const id = lastId + 1 + r.varUint('id gap');
      if (id > 0xffffffff) throw new FrameError(`entry ${i}: id ${id} exceeds uint32`);
      lastId = id;
      q.id[i] = id;
      q.qx[i] = position(r.varInt('x'), i);
      q.qy[i] = position(r.varInt('y'), i);
      q.dx[i] = displacement(r.varInt('dx'), i);
      q.dy[i] = displacement(r.varInt('dy'), i);
      q.qh[i] = headingSteps(r.varUint('heading'), i);
      q.qs[i] = speedSteps(r.varUint('speed'), i);
      q.kind[i] = r.u8('kind');
      q.flags[i] = r.u8('flags');
    }
    q.count = count;
  }

  private readDelta(r: ByteReader, entries: number, count: number, frame: ObjectFrame): void {
    const p = this.cur;
    const q = (this.back = ensureQuantizedCapacity(this.back, count, 0));
    const { id: pid, qx: pqx, qy: pqy, dx: pdx, dy: pdy, qh: pqh, qs: pqs, kind: pkind, flags: pflags } = p;
    let i = 0;
    let o = 0;
    let read = 0;
    let lastId = -1;
    let entryId = -1;
    let mask = 0;
    const nextEntry = (): void => {
      if (read === entries) {
        entryId = -1;
        return;
      }
      entryId = lastId + 1 + r.varUint('id gap');
      if (entryId > 0xffffffff) throw new FrameError(`entry ${read}: id ${entryId} exceeds uint32`);
      lastId = entryId;
      mask = r.u8('change mask');
      read++;
    };
    const room = (): void => {
      if (o >= count) throw new FrameError(`delta yields more than the ${count} objects it claims`);
    };
    nextEntry();
    while (i < p.count || entryId >= 0) {
      if (entryId < 0 || (i < p.count && pid[i] < entryId)) {
        // Not in the frame: the object moved as predicted and nothing else changed.
        room();
        q.id[o] = pid[i];
        q.dx[o] = pdx[i];
        q.dy[o] = pdy[i];
        q.qx[o] = position(pqx[i] + pdx[i], o);
        q.qy[o] = position(pqy[i] + pdy[i], o);
        q.qh[o] = pqh[i];
        q.qs[o] = pqs[i];
        q.kind[o] = pkind[i];
        q.flags[o] = pflags[i];
        o++;
        i++;
        continue;
      }
      const known = i < p.count && pid[i] === entryId;
      if (mask === Change.removed) {
        if (!known) throw new FrameError(`entry ${read - 1} removes id ${entryId}, which the decoder does not hold`);
        frame.removed++;
        i++;
      } else if (mask === Change.added) {
        if (known) throw new FrameError(`entry ${read - 1} adds id ${entryId}, which the decoder already holds`);
        room();
        q.id[o] = entryId;
        q.qx[o] = position(r.varInt('x'), o);
        q.qy[o] = position(r.varInt('y'), o);
        q.dx[o] = 0;
        q.dy[o] = 0;
        q.qh[o] = headingSteps(r.varUint('heading'), o);
        q.qs[o] = speedSteps(r.varUint('speed'), o);
        q.kind[o] = r.u8('kind');
        q.flags[o] = r.u8('flags');
        frame.added++;
        o++;
      } else {
        if (mask === 0 || mask & (Change.added | Change.removed)) throw new FrameError(`entry ${read - 1}: change mask 0x${mask.toString(16)} is not valid`);
        if (!known) throw new FrameError(`entry ${read - 1} changes id ${entryId}, which the decoder does not hold`);
        room();
        const dx = mask & Change.x ? displacement(pdx[i] + r.varInt('x residual'), o) : pdx[i];
        const dy = mask & Change.y ? displacement(pdy[i] + r.varInt('y residual'), o) : pdy[i];
        q.id[o] = entryId;
        q.dx[o] = dx;
        q.dy[o] = dy;
        q.qx[o] = position(pqx[i] + dx, o);
        q.qy[o] = position(pqy[i] + dy, o);
        q.qh[o] = mask & Change.heading ? (pqh[i] + r.varInt('heading change')) & 0xffff : pqh[i];
        q.qs[o] = mask & Change.speed ? speedSteps(pqs[i] + r.varInt('speed change'), o) : pqs[i];
        q.kind[o] = mask & Change.kind ? r.u8('kind') : pkind[i];
        q.flags[o] = mask & Change.flags ? r.u8('flags') : pflags[i];
        frame.changed++;
        o++;
        i++;
      }
      nextEntry();
    }
    if (o !== count) throw new FrameError(`delta yields ${o} objects but claims ${count}`);
    q.count = count;
  }

  private fillState(count: number): void {
    let s = this.backState;
    if (s.id.length < count) s = this.backState = createObjectState(Math.max(count, s.id.length * 2));
    const q = this.back;
    for (let i = 0; i < count; i++) {
      s.id[i] = q.id[i];
      s.x[i] = q.qx[i] / POSITION_STEPS_PER_METRE;
      s.y[i] = q.qy[i] / POSITION_STEPS_PER_METRE;
      s.heading[i] = q.qh[i] * RADIANS_PER_STEP;
      s.speed[i] = q.qs[i] / SPEED_STEPS_PER_MPS;
      s.kind[i] = q.kind[i];
      s.flags[i] = q.flags[i];
    }
    s.count = count;
  }
}

function position(q: number, i: number): number {
  if (q < -MAX_POSITION_Q || q > MAX_POSITION_Q) throw new FrameError(`object ${i}: position ${q / POSITION_STEPS_PER_METRE} m is beyond ±${MAX_POSITION_Q / POSITION_STEPS_PER_METRE} m`);
  return q;
}

function displacement(q: number, i: number): number {
  if (q < -2 * MAX_POSITION_Q || q > 2 * MAX_POSITION_Q) throw new FrameError(`object ${i}: displacement ${q / POSITION_STEPS_PER_METRE} m is out of range`);
  return q;
}

function headingSteps(q: number, i: number): number {
  if (q >= HEADING_STEPS) throw new FrameError(`object ${i}: heading ${q} exceeds ${HEADING_STEPS - 1}`);
  return q;
}

function speedSteps(q: number, i: number): number {
  if (q < 0 || q > MAX_SPEED_Q) throw new FrameError(`object ${i}: speed ${q / SPEED_STEPS_PER_MPS} m/s is not in [0, ${MAX_SPEED_Q / SPEED_STEPS_PER_MPS}]`);
  return q;
}
