import type { LinkActivity } from '../outputs.ts';

/** Vehicle kinds the meter tells apart: car, bus, truck, emergency (ObjectKind 0–3). */
export const ACTIVITY_KINDS = 4;

/**
 * Counts the vehicle-metres driven on each link by vehicle kind and publishes them a window at a
 * time (every sim minute by default): what emission models multiply by their factors.
 */
export class LinkActivityMeter {
  private running: Float64Array;
  private windowStartS: number;
  readonly published: LinkActivity;

  constructor(
    links: number,
    private readonly windowS = 60,
  ) {
    this.running = new Float64Array(links * ACTIVITY_KINDS);
    this.published = { windowEndMs: -1, windowMs: windowS * 1000, kinds: ACTIVITY_KINDS, metres: new Float32Array(links * ACTIVITY_KINDS) };
    this.windowStartS = 0;
  }

  /** A vehicle of `kind` drove `metres` on link `link`. */
  add(link: number, kind: number, metres: number): void {
    this.running[link * ACTIVITY_KINDS + kind] += metres;
  }

  /**
   * The dynamics reached `timeS` (seconds since the run's start): publishes each window that closed.
   * Before time 0 (warm-up) nothing is published and the count restarts at 0.
   */
  advance(timeS: number): void {
    if (timeS <= 0) {
      this.running.fill(0);
      this.windowStartS = 0;
      return;
    }
    if (timeS - this.windowStartS < this.windowS - 1e-9) return;
    const end = this.windowStartS + this.windowS;
    const out = this.published.metres;
    for (let i = 0; i < out.length; i++) out[i] = this.running[i];
    this.running.fill(0);
    this.published.windowEndMs = Math.round(end * 1000);
    this.windowStartS = end;
  }

  snapshot(): { running: Float64Array; windowStartS: number; windowEndMs: number; metres: Float32Array } {
    return { running: this.running.slice(), windowStartS: this.windowStartS, windowEndMs: this.published.windowEndMs, metres: this.published.metres.slice() };
  }

  restore(s: ReturnType<LinkActivityMeter['snapshot']>): void {
    this.running.set(s.running);
    this.windowStartS = s.windowStartS;
    this.published.windowEndMs = s.windowEndMs;
    this.published.metres.set(s.metres);
  }
}
