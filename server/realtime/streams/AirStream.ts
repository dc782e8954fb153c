import { AirSummary } from '../../protocol/AirSummary.ts';
import type { Run } from '../../sim/Run.ts';
import type { RecordedEvent } from '../../store/RunStore.ts';
import { History, HISTORY_EVERY_MS } from './History.ts';
import type { OutputStream, StreamMessage, StreamOutput } from './OutputStream.ts';
import { Throttle } from './Throttle.ts';

/** One point of a run's air history (the 24-hour AQI chart): the citywide AQI and each station's. */
export interface AirPoint {
  simTimeMs: number;
  aqi: number;
  stations: { id: string; aqi: number }[];
}

/**
 * The air over the city (a sim run's `airSummary` output, which the environment engine renews about
 * once a sim minute): when the summary's sim time is new, at most once per grid interval of wall
 * time and at once when the run pauses, the summary goes to the room as an `air` message (so it
 * travels with each grid update) and into the recording as an event of type `air`. Keeps a
 * 5-minute history of the citywide and station AQIs. Replays send recorded summaries again.
 */
export class AirStream implements OutputStream {
  private readonly out: StreamOutput;
  /** The sim run's output id; undefined for a replay's stream. */
  private readonly outputId: string | undefined;
  /** The grids its engine publishes with it, if any: a new summary comes only with new grids, so it is asked for only then. */
  private readonly gridsId: string | undefined;
  /** What the last look for a new summary saw: the grids' sim time (or the run's, without grids). */
  private lastLook: number | undefined;
  private readonly throttle: Throttle;
  private readonly history = new History<AirPoint>();
  /** The run's 5-minute bucket last looked at for a history point, so the summary is asked for once per bucket. */
  private checkedBucket = -1;
  /** The last summary sent or replayed. */
  private last: AirSummary | undefined;

  constructor(out: StreamOutput, outputId: string | undefined, intervalMs: number, gridsId?: string) {
    this.out = out;
    this.outputId = outputId;
    this.gridsId = gridsId;
    this.throttle = new Throttle(intervalMs);
  }

  send(run: Run, now: number, force: boolean): void {
    let summary: AirSummary | undefined;
    const bucket = Math.floor(run.timeMs / HISTORY_EVERY_MS);
    if (bucket !== this.checkedBucket && this.history.wants(run.timeMs)) {
      this.checkedBucket = bucket;
      summary = this.summary(run);
      if (summary && this.history.wants(summary.simTimeMs)) this.addPoint(summary);
    }
    if (!this.throttle.waited(now, force)) return;
    // Summaries are fresh objects the engine builds when asked: ask only when there may be a new one.
    const look = this.gridsId === undefined ? run.timeMs : (run.output(this.gridsId, 'grids')?.simTimeMs ?? run.timeMs);
    if (look === this.lastLook) return;
    this.lastLook = look;
    summary ??= this.summary(run);
    if (!summary || !this.throttle.isNew(summary.simTimeMs)) return;
    if (this.history.wants(summary.simTimeMs)) this.addPoint(summary);
    this.throttle.sent(now, summary.simTimeMs);
    this.last = summary;
    // Recorded at the run's time (a recording's sim time never goes back); the summary says when it was computed.
    this.out.recordEvent({ simTimeMs: run.timeMs, type: 'air', data: summary });
    this.out.send({ type: 'air', summary });
  }

  replayFrame(): boolean {
    return false;
  }

  replayEvent(event: RecordedEvent): boolean {
    if (event.type !== 'air') return false;
    const parsed = AirSummary.safeParse(event.data);
    if (!parsed.success) return true;
    this.last = parsed.data;
    if (this.history.wants(parsed.data.simTimeMs)) this.addPoint(parsed.data);
    this.out.send({ type: 'air', summary: parsed.data });
    return true;
  }

  catchUp(run: Run | undefined): StreamMessage[] {
    const summary = run ? this.summary(run) : this.last;
    return summary ? [{ type: 'air', summary }] : [];
  }

  afterSeek(targetMs: number): void {
    this.history.forgetAfter(targetMs);
    this.throttle.reset();
    this.checkedBucket = -1;
    this.lastLook = undefined;
  }

  /** The latest figures: asked afresh of the run (when given: a sim run neither stopped nor seeking), else the last sent or replayed. */
  current(run: Run | undefined): AirSummary | undefined {
    return run ? this.summary(run) : this.last;
  }

  /** The history, oldest first. */
  points(): AirPoint[] {
    return this.history.list();
  }

  private summary(run: Run): AirSummary | undefined {
    const summary = this.outputId === undefined ? undefined : run.output(this.outputId, 'airSummary');
    return summary && summary.simTimeMs >= 0 ? summary : undefined;
  }

  private addPoint(summary: AirSummary): void {
    this.history.add({ simTimeMs: summary.simTimeMs, aqi: summary.aqi, stations: summary.stations.map((s) => ({ id: s.id, aqi: s.aqi })) });
  }
}
