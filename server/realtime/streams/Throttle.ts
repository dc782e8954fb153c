/**
 * When a periodic stream is due: at most once per interval of wall time, and only for a sim time
 * it has not sent yet (a paused run sends nothing more).
 */
export class Throttle {
  readonly intervalMs: number;
  private lastWallMs = -Infinity;
  private lastSimMs = -1;

  constructor(intervalMs: number) {
    this.intervalMs = intervalMs;
  }

  /** Whether the wall-time wait since the last message is over (`force`: always). */
  waited(now: number, force: boolean): boolean {
    return force || now - this.lastWallMs >= this.intervalMs;
  }

  /** Whether `simTimeMs` was not sent yet. */
  isNew(simTimeMs: number): boolean {
    return simTimeMs !== this.lastSimMs;
  }

  sent(now: number, simTimeMs: number): void {
    this.lastWallMs = now;
    this.lastSimMs = simTimeMs;
  }

  /** After a seek: the next figures go out at once, whatever their sim time. */
  reset(): void {
    this.lastWallMs = -Infinity;
    this.lastSimMs = -1;
  }
}
