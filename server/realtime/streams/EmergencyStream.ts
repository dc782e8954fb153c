import type { EmergencySummary } from '../../protocol/EmergencySummary.ts';
import type { Run } from '../../sim/Run.ts';
import { emergencyFigures, type EmergencyPoint } from './emergencyFigures.ts';
import { History, HISTORY_EVERY_MS } from './History.ts';
import { SummaryStream } from './SummaryStream.ts';

/**
 * The emergency summary stream (SummaryStream) with the 5-minute history of the dashboard's
 * emergency figures (emergencyFigures: incidents open, responders en route, shelter occupancy,
 * free beds): from every summary sent or replayed, and once per 5 sim minutes from the run
 * itself, so a run at high speed whose sends are far apart still gets its points.
 */
export class EmergencyStream extends SummaryStream<'emergency'> {
  private readonly history = new History<EmergencyPoint>();
  /** The run's 5-minute bucket last looked at for a point, so the summary (built when asked) is asked for once per bucket. */
  private checkedBucket = -1;

  override send(run: Run, now: number, force: boolean): void {
    const bucket = Math.floor(run.timeMs / HISTORY_EVERY_MS);
    if (bucket !== this.checkedBucket && this.history.wants(run.timeMs)) {
      this.checkedBucket = bucket;
      const summary = this.current(run);
      if (summary) this.noted(summary);
    }
    super.send(run, now, force);
  }

  override afterSeek(targetMs: number): void {
    super.afterSeek(targetMs);
    this.history.forgetAfter(targetMs);
    this.checkedBucket = -1;
  }

  /** The history, oldest first. */
  points(): EmergencyPoint[] {
    return this.history.list();
  }

  protected override noted(summary: EmergencySummary): void {
    if (this.history.wants(summary.simTimeMs)) this.history.add(emergencyFigures(summary));
  }
}
