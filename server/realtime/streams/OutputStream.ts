import type { AirSummary } from '../../protocol/AirSummary.ts';
import type { EmergencySummary } from '../../protocol/EmergencySummary.ts';
import type { ServerEvent } from '../../protocol/events.ts';
import type { FloodSummary } from '../../protocol/FloodSummary.ts';
import type { TrafficSummary } from '../../protocol/TrafficSummary.ts';
import type { Run } from '../../sim/Run.ts';
import type { ReplayFrame } from '../../store/Replay.ts';
import type { EventInput, FrameInput, RecordedEvent } from '../../store/RunStore.ts';

/** One message of a run's streams, as the room (or a joining socket) gets it; bytes are fresh, never reused. */
export type StreamMessage =
  | { type: 'objects'; bytes: Uint8Array }
  | { type: 'links'; bytes: Uint8Array }
  | { type: 'traffic'; summary: TrafficSummary }
  | { type: 'grid'; bytes: Uint8Array }
  | { type: 'air'; summary: AirSummary }
  | { type: 'flood'; summary: FloodSummary }
  | { type: 'emergency'; summary: EmergencySummary }
  /** A JSON event for the room (an alert), in order with the rest. */
  | { type: 'event'; event: ServerEvent };

/** Where a stream's output goes: the run's room and its current recording. */
export interface StreamOutput {
  /** To every member of the run's room. */
  send(message: StreamMessage): void;
  /** Into the run's current recording; nothing for replays or once the recording ended. */
  recordFrame(frame: FrameInput): void;
  recordEvent(event: EventInput): void;
}

/**
 * One stream of a run's outputs to its screens (moving objects, link figures and the traffic
 * summary, grids, the air summary). A stream serves a sim run (send) or a replay (replayFrame,
 * replayEvent), and knows when it is due, how to encode, what to record, what a joining client
 * needs and what to forget after a seek.
 */
export interface OutputStream {
  /**
   * Sim runs, not seeking: sends and records what is due at the run's time now (wall time `now`);
   * `force` skips the wall-time wait (a run pausing flushes its figures), never the rule of one
   * message per sim time.
   */
  send(run: Run, now: number, force: boolean): void;
  /** Replays: takes a recorded frame if it belongs to this stream (true) and sends it on. */
  replayFrame(frame: ReplayFrame): boolean;
  /** Replays: takes a recorded event if it belongs to this stream (true) and sends it on. */
  replayEvent(event: RecordedEvent): boolean;
  /** What a joining client needs: sim runs from the run now (`run`), replays the latest replayed. */
  catchUp(run: Run | undefined): StreamMessage[];
  /** A seek to `targetMs`: forgets what lies past it, so the next figures go out at once. */
  afterSeek(targetMs: number): void;
}

/** Turns recorded bytes into a Uint8Array of its own, so nobody shares a buffer. */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}
