import { FrameKind, peekFrameKind } from '../../protocol/frameHeader.ts';
import { ObjectFrameEncoder } from '../../protocol/ObjectFrameEncoder.ts';
import type { Run } from '../../sim/Run.ts';
import type { ReplayFrame } from '../../store/Replay.ts';
import { ownBytes, type OutputStream, type StreamMessage, type StreamOutput } from './OutputStream.ts';

export interface ObjectStreamOptions {
  /** Sim runs: the encoder's stream id, one per run so a decoder never applies one run's delta to another's keyframe. */
  streamId?: number;
  /** Least wall time between two frames (100 ms: at most 10 frames per second). */
  frameIntervalMs: number;
  /** A keyframe each time this much sim time has passed since the last one (10 s). */
  keyframeEveryMs: number;
}

/** Sequence number of an object frame (bytes 20–23, little-endian). */
function frameSequence(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(20, true);
}

/**
 * Moving objects: sim runs send at most one frame per frame interval, a delta from the last frame
 * SENT (so any speed coalesces to ≤ 10 Hz), a keyframe every keyframeEveryMs of sim time and after
 * a seek or a new recording segment; recorded as layer `objects`. Replays send recorded frames and
 * keep the last keyframe and the deltas since for a joining client.
 */
export class ObjectStream implements OutputStream {
  private readonly out: StreamOutput;
  private readonly encoder: ObjectFrameEncoder;
  private readonly frameIntervalMs: number;
  private readonly keyframeEveryMs: number;
  private lastSentWallMs = -Infinity;
  private lastSentSimMs = -1;
  private lastKeyframeSimMs = 0;
  private needKeyframe = true;
  /** A keyframe is wanted now, frame interval or not (a new recording segment starts with one). */
  private keyframeNow = false;
  /** Replays: the last keyframe and the deltas since. */
  private replayed: Uint8Array[] = [];

  constructor(out: StreamOutput, options: ObjectStreamOptions) {
    this.out = out;
    this.encoder = new ObjectFrameEncoder({ streamId: options.streamId ?? 0 });
    this.frameIntervalMs = options.frameIntervalMs;
    this.keyframeEveryMs = options.keyframeEveryMs;
  }

  /** The next frame is a keyframe; `now`: sent on the next send, whatever the frame interval. */
  requestKeyframe(now = false): void {
    this.needKeyframe = true;
    if (now) this.keyframeNow = true;
  }

  /** Object frames are never flushed (`force` is ignored): the next tick sends the paused time's frame. */
  send(run: Run, now: number): void {
    const t = run.timeMs;
    const due = this.keyframeNow || now - this.lastSentWallMs >= this.frameIntervalMs;
    if (!due || (t === this.lastSentSimMs && !this.needKeyframe)) return;
    const key = this.needKeyframe || this.encoder.sequence === 0 || t - this.lastKeyframeSimMs >= this.keyframeEveryMs;
    const bytes = key ? this.encoder.encodeKeyframe(run.objects(), t) : this.encoder.encodeDelta(run.objects(), t);
    if (key) {
      this.lastKeyframeSimMs = t;
      this.needKeyframe = false;
      this.keyframeNow = false;
    }
    this.lastSentWallMs = now;
    this.lastSentSimMs = t;
    this.out.recordFrame({ simTimeMs: t, kind: key ? 'keyframe' : 'delta', layer: 'objects', bytes });
    this.out.send({ type: 'objects', bytes });
  }

  replayFrame(frame: ReplayFrame): boolean {
    const kind = peekFrameKind(frame.bytes);
    if (kind !== FrameKind.objectKeyframe && kind !== FrameKind.objectDelta) return false;
    if (kind === FrameKind.objectKeyframe) this.replayed = [];
    this.replayed.push(frame.bytes);
    this.out.send({ type: 'objects', bytes: ownBytes(frame.bytes) });
    return true;
  }

  replayEvent(): boolean {
    return false;
  }

  /** A snapshot keyframe of the last frame sent (sim runs), or the last keyframe and deltas since (replays); none before the first frame. */
  catchUp(run: Run | undefined): StreamMessage[] {
    if (run) return this.encoder.sequence === 0 ? [] : [{ type: 'objects', bytes: this.encoder.snapshotKeyframe() }];
    return this.replayed.map((bytes) => ({ type: 'objects', bytes: ownBytes(bytes) }));
  }

  /** The sequence a client holds after the catch-up frames: the next broadcast delta applies on top of it. */
  sequence(run: Run | undefined): number {
    if (run) return this.encoder.sequence;
    const last = this.replayed.at(-1);
    return last ? frameSequence(last) : 0;
  }

  afterSeek(): void {
    this.needKeyframe = true;
    this.replayed = [];
  }

  /** A stopped replay keeps nothing to catch up from. */
  forget(): void {
    this.replayed = [];
  }
}
