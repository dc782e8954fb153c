import type { SimResult } from './Engine.ts';

/** Playback speed: sim seconds per wall second, or 'max' for batch runs as fast as the machine goes. */
export type SimSpeed = number | 'max';

export const MIN_SPEED = 0.5;
export const MAX_SPEED = 3600;

/** Checks a speed from outside (a client, a CLI flag). */
export function checkSpeed(speed: unknown): SimResult {
  if (speed === 'max') return { ok: true };
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed < MIN_SPEED || speed > MAX_SPEED) {
    return {
      ok: false,
      code: 'bad_speed',
      message: `SimClock: speed must be a number from ${MIN_SPEED} to ${MAX_SPEED} or "max", got ${JSON.stringify(speed) ?? String(speed)}`,
    };
  }
  return { ok: true };
}

/**
 * A run's clock: integer milliseconds since the run's start, advanced in fixed steps. It does not
 * own wall time: the caller says how much wall time passed and the clock says how many steps are due.
 */
export class SimClock {
  /** Milliseconds since the run's start; always a multiple of stepMs. */
  timeMs = 0;
  playing = false;
  speed: SimSpeed = 1;
  /** Sim milliseconds owed by elapsed wall time but not yet stepped (less than one step, unless capped). */
  private owedMs = 0;

  constructor(
    readonly startEpochMs: number,
    readonly durationMs: number,
    readonly stepMs: number,
  ) {
    if (!Number.isSafeInteger(startEpochMs)) throw new Error(`SimClock: startEpochMs must be an integer, got ${startEpochMs}`);
    if (!Number.isSafeInteger(stepMs) || stepMs <= 0) throw new Error(`SimClock: stepMs must be a positive integer, got ${stepMs}`);
    if (!Number.isSafeInteger(durationMs) || durationMs <= 0 || durationMs % stepMs !== 0) {
      throw new Error(`SimClock: durationMs must be a positive multiple of stepMs (${stepMs}), got ${durationMs}`);
    }
  }

  get epochMs(): number {
    return this.startEpochMs + this.timeMs;
  }

  get ended(): boolean {
    return this.timeMs >= this.durationMs;
  }

  setSpeed(speed: SimSpeed): SimResult {
    const checked = checkSpeed(speed);
    if (checked.ok) this.speed = speed;
    return checked;
  }

  /** Forgets owed time, e.g. after a pause or a seek, so play resumes without a burst of steps. */
  resetOwed(): void {
    this.owedMs = 0;
  }

  /** `steps` that were due but not taken (the caller's time for stepping ran out) stay owed, to be taken later. */
  owe(steps: number): void {
    if (this.speed !== 'max') this.owedMs += steps * this.stepMs;
  }

  /**
   * How many steps are due after `wallMs` of wall time, at most `maxSteps` and never past the end.
   * When capped, the excess is dropped: a slow machine runs behind real speed instead of spiralling.
   */
  dueSteps(wallMs: number, maxSteps: number): { steps: number; capped: boolean } {
    if (!this.playing || this.ended) return { steps: 0, capped: false };
    const left = (this.durationMs - this.timeMs) / this.stepMs;
    if (this.speed === 'max') return { steps: Math.min(maxSteps, left), capped: false };
    if (!(wallMs > 0)) return { steps: 0, capped: false };
    this.owedMs += wallMs * this.speed;
    let steps = Math.floor(this.owedMs / this.stepMs);
    let capped = false;
    if (steps > maxSteps) {
      steps = maxSteps;
      capped = true;
      this.owedMs = 0;
    } else {
      this.owedMs -= steps * this.stepMs;
    }
    if (steps >= left) {
      steps = left;
      this.owedMs = 0;
    }
    return { steps, capped };
  }
}
