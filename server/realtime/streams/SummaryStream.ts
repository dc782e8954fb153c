import { EmergencySummary } from '../../protocol/EmergencySummary.ts';
import { FloodSummary } from '../../protocol/FloodSummary.ts';
import type { Run } from '../../sim/Run.ts';
import type { RecordedEvent } from '../../store/RunStore.ts';
import type { OutputStream, StreamMessage } from './OutputStream.ts';
import { Throttle } from './Throttle.ts';

/** The JSON summaries this stream carries: the message type, the output kind and the schema of each. */
const KINDS = {
  flood: { output: 'floodSummary', schema: FloodSummary },
  emergency: { output: 'emergencySummary', schema: EmergencySummary },
} as const;

export type SummaryType = keyof typeof KINDS;
export type SummaryOf<T extends SummaryType> = T extends 'flood' ? FloodSummary : EmergencySummary;

/**
 * One engine's JSON summary (the water over the city, the emergencies) to the run's room: when its
 * sim time is new, at most once per interval of wall time and at once when the run pauses, as a
 * message of its type and a recorded event of that type. Replays send recorded summaries again;
 * a joining client gets the latest. `onSummary` sees each new summary with the one before (alerts).
 */
export class SummaryStream<T extends SummaryType> implements OutputStream {
  private readonly throttle: Throttle;
  private last: SummaryOf<T> | undefined;

  constructor(
    private readonly out: { send(m: StreamMessage): void; recordEvent(e: { simTimeMs: number; type: string; data: unknown }): void },
    private readonly type: T,
    /** The sim run's output id; undefined for a replay's stream. */
    private readonly outputId: string | undefined,
    intervalMs: number,
    private readonly onSummary?: (now: SummaryOf<T>, before: SummaryOf<T> | undefined, simTimeMs: number) => void,
  ) {
    this.throttle = new Throttle(intervalMs);
  }

  send(run: Run, now: number, force: boolean): void {
    if (!this.throttle.waited(now, force)) return;
    const summary = this.summary(run);
    if (!summary || !this.throttle.isNew(summary.simTimeMs)) return;
    this.throttle.sent(now, summary.simTimeMs);
    this.onSummary?.(summary, this.last, run.timeMs);
    this.last = summary;
    this.noted(summary);
    // Recorded at the run's time (a recording's sim time never goes back); the summary says when it was computed.
    this.out.recordEvent({ simTimeMs: run.timeMs, type: this.type, data: summary });
    this.out.send(this.message(summary));
  }

  replayFrame(): boolean {
    return false;
  }

  replayEvent(event: RecordedEvent): boolean {
    if (event.type !== this.type) return false;
    const parsed = KINDS[this.type].schema.safeParse(event.data);
    if (!parsed.success) return true;
    this.last = parsed.data as SummaryOf<T>;
    this.noted(this.last);
    this.out.send(this.message(this.last));
    return true;
  }

  catchUp(run: Run | undefined): StreamMessage[] {
    const summary = this.current(run);
    return summary ? [this.message(summary)] : [];
  }

  afterSeek(_targetMs: number): void {
    this.throttle.reset();
  }

  /** The latest: asked afresh of the run (when given), else the last sent or replayed. */
  current(run: Run | undefined): SummaryOf<T> | undefined {
    return run ? this.summary(run) : this.last;
  }

  /** Sees each summary sent or replayed (a subclass keeps a history of them). */
  protected noted(_summary: SummaryOf<T>): void {}

  private summary(run: Run): SummaryOf<T> | undefined {
    if (this.outputId === undefined) return undefined;
    const s = run.output(this.outputId, KINDS[this.type].output) as SummaryOf<T> | undefined;
    return s && s.simTimeMs >= 0 ? s : undefined;
  }

  private message(summary: SummaryOf<T>): StreamMessage {
    return (this.type === 'flood' ? { type: 'flood', summary } : { type: 'emergency', summary }) as StreamMessage;
  }
}
