import type { Scenario } from '../scenario/Scenario.ts';
import type { EventInput, FrameInput, RunStore } from '../store/RunStore.ts';

/**
 * A sim run's recording in the RunStore, in segments: a backward seek or the live baseline's
 * restart begins a new segment (a recording's sim time never goes back), and the baseline is cut
 * into segments of a fixed sim length so retention can drop old ones. Recordings are not `keep`.
 */
export class Recorder {
  private readonly store: RunStore;
  private readonly scenario: Scenario;
  private readonly seed: number;
  private readonly runId: string;
  /** The RunStore run of the latest segment. */
  storeRunId: number;
  /** Every segment's RunStore run, oldest first. */
  readonly storeRunIds: number[] = [];
  /** False once the run ended or stopped (its recording is finished) until a seek starts a new segment. */
  recording = true;
  /** Sim time the current segment starts at. */
  segmentStartMs: number;

  constructor(store: RunStore, scenario: Scenario, run: { id: string; seed: number }, startMs: number) {
    this.store = store;
    this.scenario = scenario;
    this.seed = run.seed;
    this.runId = run.id;
    this.storeRunId = this.start();
    this.segmentStartMs = startMs;
  }

  frame(frame: FrameInput): void {
    if (this.recording) this.store.recordFrame(this.storeRunId, frame);
  }

  event(event: EventInput): void {
    if (this.recording) this.store.recordEvent(this.storeRunId, event);
  }

  /** Whether the current segment is at least `segmentMs` long at sim time `t` (the live baseline cuts it then). */
  segmentDue(t: number, segmentMs: number): boolean {
    return this.recording && t - this.segmentStartMs >= segmentMs;
  }

  /** Finishes the current segment (if any) at `endMs` and starts the next, at `startMs`. */
  newSegment(endMs: number, startMs: number): void {
    this.end(endMs);
    this.storeRunId = this.start();
    this.recording = true;
    this.segmentStartMs = startMs;
  }

  /** Finishes the current segment, flushed, covering `durationMs` of sim time. */
  end(durationMs: number): void {
    if (!this.recording) return;
    this.recording = false;
    this.store.finishRun(this.storeRunId, { durationMs });
  }

  private start(): number {
    const s = this.scenario;
    const id = this.store.createRun({ scenarioId: s.id, seed: this.seed, city: s.city, startEpochMs: s.startEpochMs, params: { runId: this.runId } }).id;
    this.storeRunIds.push(id);
    return id;
  }
}
