import type { LinkActivity } from '../outputs.ts';

/** Vehicle kinds the meter tells apart: car, bus, truck, emergency (ObjectKind 0–3). */
export const ACTIVITY_KINDS = 4;

/** Below this speed a vehicle counts as standing (idling at a light or in a queue), m/s. */
const STOPPED_BELOW_MS = 0.5;

/**
 * Counts the vehicle-metres driven and the vehicle-seconds stood still on each link by vehicle
 * kind and publishes them a window at a time (every sim minute by default): what emission models
 * multiply by their factors.
 */
export class LinkActivityMeter {
  private running: Float64Array;
  private stopped: Float64Array;
  private windowStartS: number;
  readonly published: LinkActivity;

  constructor(
    links: number,
    private readonly windowS = 60,
  ) {
    this.running = new Float64Array(links * ACTIVITY_KINDS);
    this.stopped = new Float64Array(links * ACTIVITY_KINDS);
    this.published = {
      windowEndMs: -1,
      windowMs: windowS * 1000,
      kinds: ACTIVITY_KINDS,
      metres: new Float32Array(links * ACTIVITY_KINDS),
      stoppedSeconds: new Float32Array(links * ACTIVITY_KINDS),
    };
    this.windowStartS = 0;
  }

  /** A vehicle of `kind` drove `metres` on link `link` in `seconds`, ending at `speedMs`. */
  add(link: number, kind: number, metres: number, seconds: number, speedMs: number): void {
    const i = link * ACTIVITY_KINDS + kind;
    this.running[i] += metres;
    if (speedMs < STOPPED_BELOW_MS) this.stopped[i] += seconds;
  }

  /**
   * The dynamics reached `timeS` (seconds since the run's start): publishes each window that closed.
   * Before time 0 (warm-up) nothing is published and the count restarts at 0.
   */
  advance(timeS: number): void {
    if (timeS <= 0) {
      this.running.fill(0);
      this.stopped.fill(0);
      this.windowStartS = 0;
      return;
    }
    if (timeS - this.windowStartS < this.windowS - 1e-9) return;
    const end = this.windowStartS + this.windowS;
    this.published.metres.set(this.running);
    this.published.stoppedSeconds.set(this.stopped);
    this.running.fill(0);
    this.stopped.fill(0);
    this.published.windowEndMs = Math.round(end * 1000);
    this.windowStartS = end;
  }

  snapshot(): { running: Float64Array; stopped: Float64Array; windowStartS: number; windowEndMs: number; metres: Float32Array; stoppedSeconds: Float32Array } {
    const p = this.published;
    return { running: this.running.slice(), stopped: this.stopped.slice(), windowStartS: this.windowStartS, windowEndMs: p.windowEndMs, metres: p.metres.slice(), stoppedSeconds: p.stoppedSeconds.slice() };
  }

  restore(s: ReturnType<LinkActivityMeter['snapshot']>): void {
    this.running.set(s.running);
    this.stopped.set(s.stopped);
    this.windowStartS = s.windowStartS;
    this.published.windowEndMs = s.windowEndMs;
    this.published.metres.set(s.metres);
    this.published.stoppedSeconds.set(s.stoppedSeconds);
  }
}
