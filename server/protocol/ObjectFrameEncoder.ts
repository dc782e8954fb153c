import { ByteWriter } from './bytes.ts';
import { FrameKind, writeFrameHeader } from './frameHeader.ts';
import type { ObjectState } from './ObjectState.ts';
import {
  Change,
  MAX_POSITION_Q,
  MAX_SPEED_Q,
  createQuantizedObjects,
  ensureQuantizedCapacity,
  headingDelta,
  quantizeHeading,
  quantizePosition,
  quantizeSpeed,
} from './objectFrameLayout.ts';
import type { QuantizedObjects } from './objectFrameLayout.ts';

export interface ObjectFrameEncoderOptions {
  /** Names this frame chain (e.g. a hash of the run id) so a decoder never applies one run's delta to another's keyframe. */
  streamId?: number;
}

/**
 * Turns successive ObjectStates of one run into binary frames: keyframes (every object) and deltas
 * (only what the decoder cannot predict since the previous frame this encoder made). It keeps the
 * quantized state it last sent; a decoder that has seen the same frames keeps the identical state.
 * Every call returns a fresh Uint8Array the caller may hand to Socket.IO and forget.
 */
export class ObjectFrameEncoder {
  readonly streamId: number;
  private prev: QuantizedObjects = createQuantizedObjects(0);
  private next: QuantizedObjects = createQuantizedObjects(0);
  private readonly out = new ByteWriter(1 << 16);
  private seq = 0;
  private lastSimTimeMs = -1;

  constructor(options: ObjectFrameEncoderOptions = {}) {
    const streamId = options.streamId ?? 0;
    if (!Number.isInteger(streamId) || streamId < 0 || streamId > 0xffffffff) {
      throw new Error(`ObjectFrameEncoder: streamId must be a uint32, got ${streamId}`);
    }
    this.streamId = streamId;
  }

  /** Sequence number of the last frame made; 0 before the first. */
  get sequence(): number {
    return this.seq;
  }

  /** A frame with every object; any decoder (new or lost) can start from it. */
  encodeKeyframe(state: ObjectState, simTimeMs: number): Uint8Array {
    const base = this.seq;
    this.advance(state, false);
    return this.writeKeyframe(simTimeMs, base);
  }

  /** Changed, new and removed objects since the previous frame; decodable only on top of that frame. */
  encodeDelta(state: ObjectState, simTimeMs: number): Uint8Array {
    if (this.seq === 0) throw new Error('ObjectFrameEncoder: encodeDelta before any keyframe');
    const w = this.out;
    w.reset();
    writeFrameHeader(w, FrameKind.objectDelta, simTimeMs, 'ObjectFrameEncoder');
    const base = this.seq;
    const seq = this.nextSequence();
    w.u32(this.streamId);
    w.u32(seq);
    w.u32(base);
    const entriesAt = w.length;
    w.u32(0);
    w.u32(0);
    const entries = this.advance(state, true);
    w.u32At(entriesAt, entries);
    w.u32At(entriesAt + 4, this.prev.count);
    this.seq = seq;
    this.lastSimTimeMs = simTimeMs;
    return w.bytes();
  }

  /**
   * A keyframe of the last frame made, with its sequence, without advancing: send it to a client
   * that joins or lost its place, and the next broadcast delta applies on top of it.
   */
  snapshotKeyframe(): Uint8Array {
    if (this.seq === 0) throw new Error('ObjectFrameEncoder: snapshotKeyframe before any frame');
    return this.writeKeyframe(this.lastSimTimeMs, this.seq, true);
  }

  private nextSequence(): number {
    // uint32 wrap, skipping 0 which means "no frame yet".
    return this.seq === 0xffffffff ? 1 : this.seq + 1;
  }

  private writeKeyframe(simTimeMs: number, base: number, snapshot = false): Uint8Array {
    const w = this.out;
    w.reset();
    writeFrameHeader(w, FrameKind.objectKeyframe, simTimeMs, 'ObjectFrameEncoder');
    const seq = snapshot ? this.seq : this.nextSequence();
    const q = this.prev;
    w.u32(this.streamId);
    w.u32(seq);
    w.u32(snapshot ? 0 : base);
    w.u32(q.count);
    w.u32(q.count);
    w.reserve(q.count * 24);
    let lastId = -1;
    for (let i = 0; i < q.count; i++) {
      const id = q.id[i];
      w.varUint(id - lastId - 1);
      lastId = id;
      w.varInt(q.qx[i]);
      w.varInt(q.qy[i]);
      w.varInt(q.dx[i]);
      w.varInt(q.dy[i]);
      w.varUint(q.qh[i]);
      w.varUint(q.qs[i]);
      w.u8(q.kind[i]);
      w.u8(q.flags[i]);
    }
    this.seq = seq;
    this.lastSimTimeMs = simTimeMs;
    return w.bytes();
  }

  /**
   * Merges the sorted previous quantized state with `state` into the next one and swaps them;
   * when `write`, emits a delta entry for each object the decoder could not predict. Returns the entry count.
   */
  private advance(state: ObjectState, write: boolean): number {
    const n = state.count;
    const prev = this.prev;
    const next = (this.next = ensureQuantizedCapacity(this.next, n, 0));
    const w = this.out;
    if (write) w.reserve(n * 16 + prev.count * 2);
    const { id: pid, qx: pqx, qy: pqy, dx: pdx, dy: pdy, qh: pqh, qs: pqs, kind: pkind, flags: pflags } = prev;
    const { id: cid, x, y, heading, speed, kind, flags } = state;
    let i = 0;
    let j = 0;
    let entries = 0;
    let lastWritten = -1;
    let lastId = -1;
    while (i < prev.count || j < n) {
      if (j >= n || (i < prev.count && pid[i] < cid[j])) {
        if (write) {
          w.varUint(pid[i] - lastWritten - 1);
          lastWritten = pid[i];
          w.u8(Change.removed);
          entries++;
        }
        i++;
        continue;
      }
      const id = cid[j];
      if (id <= lastId) throw new Error(`ObjectFrameEncoder: ids must be unique and ascending, got ${id} after ${lastId}`);
      lastId = id;
      const qx = quantizePosition(x[j]);
      const qy = quantizePosition(y[j]);
      if (!(Math.abs(qx) <= MAX_POSITION_Q && Math.abs(qy) <= MAX_POSITION_Q)) {
        throw new Error(`ObjectFrameEncoder: object ${id} at (${x[j]}, ${y[j]}) m is beyond ±${MAX_POSITION_Q / 100} m of the origin`);
      }
      const qs = quantizeSpeed(speed[j]);
      if (!(qs >= 0 && qs <= MAX_SPEED_Q)) throw new Error(`ObjectFrameEncoder: object ${id} speed ${speed[j]} m/s is not in [0, ${MAX_SPEED_Q / 100}]`);
      const h = heading[j];
      if (!Number.isFinite(h)) throw new Error(`ObjectFrameEncoder: object ${id} heading ${h} is not finite`);
      const qh = quantizeHeading(h);
      const k = kind[j];
      const f = flags[j];
      next.id[j] = id;
      next.qx[j] = qx;
      next.qy[j] = qy;
      next.qh[j] = qh;
      next.qs[j] = qs;
      next.kind[j] = k;
      next.flags[j] = f;
      if (i < prev.count && pid[i] === id) {
        const dx = qx - pqx[i];
        const dy = qy - pqy[i];
        next.dx[j] = dx;
        next.dy[j] = dy;
        if (write) {
          const rx = dx - pdx[i];
          const ry = dy - pdy[i];
          const dh = headingDelta(qh, pqh[i]);
          const ds = qs - pqs[i];
          const mask =
            (rx !== 0 ? Change.x : 0) |
            (ry !== 0 ? Change.y : 0) |
            (dh !== 0 ? Change.heading : 0) |
            (ds !== 0 ? Change.speed : 0) |
            (k !== pkind[i] ? Change.kind : 0) |
            (f !== pflags[i] ? Change.flags : 0);
          if (mask !== 0) {
            w.varUint(id - lastWritten - 1);
            lastWritten = id;
            w.u8(mask);
            if (rx !== 0) w.varInt(rx);
            if (ry !== 0) w.varInt(ry);
            if (dh !== 0) w.varInt(dh);
            if (ds !== 0) w.varInt(ds);
            if (mask & Change.kind) w.u8(k);
            if (mask & Change.flags) w.u8(f);
            entries++;
          }
        }
        i++;
      } else {
        next.dx[j] = 0;
        next.dy[j] = 0;
        if (write) {
          w.varUint(id - lastWritten - 1);
          lastWritten = id;
          w.u8(Change.added);
          w.varInt(qx);
          w.varInt(qy);
          w.varUint(qh);
          w.varUint(qs);
          w.u8(k);
          w.u8(f);
          entries++;
        }
      }
      j++;
    }
    next.count = n;
    this.next = prev;
    this.prev = next;
    return entries;
  }
}
