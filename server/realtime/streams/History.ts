/** Sim time between two points of a run's figure histories (traffic index, AQI). */
export const HISTORY_EVERY_MS = 5 * 60_000;
/** Points a history keeps: 24 hours of them. */
export const HISTORY_POINTS = 288;

/**
 * A run's figures over the last 24 sim hours, one point per 5 sim minutes (the first figures of
 * each 5-minute bucket), for the panels' charts. A seek back forgets the points after its target.
 */
export class History<P extends { simTimeMs: number }> {
  private points: P[] = [];
  /** The bucket (sim time / HISTORY_EVERY_MS) of the last point. */
  private bucket = -1;

  /** Whether figures at `simTimeMs` would be a new point (their bucket has none yet). */
  wants(simTimeMs: number): boolean {
    return Math.floor(simTimeMs / HISTORY_EVERY_MS) !== this.bucket;
  }

  add(point: P): void {
    this.bucket = Math.floor(point.simTimeMs / HISTORY_EVERY_MS);
    this.points.push(point);
    if (this.points.length > HISTORY_POINTS) this.points.splice(0, this.points.length - HISTORY_POINTS);
  }

  /** Keeps only the points at or before `targetMs`. */
  forgetAfter(targetMs: number): void {
    this.points = this.points.filter((p) => p.simTimeMs <= targetMs);
    const last = this.points.at(-1);
    this.bucket = last ? Math.floor(last.simTimeMs / HISTORY_EVERY_MS) : -1;
  }

  /** A copy of the points, oldest first. */
  list(): P[] {
    return this.points.slice();
  }
}
