import { describe, expect, it } from 'vitest';
import { checkSpeed, SimClock } from '../../../server/sim/SimClock.ts';

const HOUR = 3_600_000;

describe('SimClock', () => {
  it('at ×60 owes 60 s of sim time per wall second, in whole steps', () => {
    const clock = new SimClock(0, HOUR, 100);
    clock.playing = true;
    expect(clock.setSpeed(60)).toEqual({ ok: true });
    expect(clock.dueSteps(1000, 10_000)).toEqual({ steps: 600, capped: false });
    // 25 ms of wall time at ×60 is 1.5 s of sim: 15 steps; the fraction carries over.
    expect(clock.dueSteps(25, 10_000).steps).toBe(15);
  });

  it('carries fractions of a step at slow speed', () => {
    const clock = new SimClock(0, HOUR, 100);
    clock.playing = true;
    clock.setSpeed(0.5);
    const steps = [0, 0, 0, 0].map(() => clock.dueSteps(50, 100).steps);
    // 4 × 50 ms wall at ×0.5 = 100 ms sim = one step.
    expect(steps.reduce((a, b) => a + b)).toBe(1);
  });

  it('caps the steps per call and drops the backlog, so a slow machine does not spiral', () => {
    const clock = new SimClock(0, HOUR, 100);
    clock.playing = true;
    clock.setSpeed(3600);
    expect(clock.dueSteps(1000, 500)).toEqual({ steps: 500, capped: true });
    expect(clock.dueSteps(10, 500)).toEqual({ steps: 360, capped: false });
  });

  it('owes nothing while paused and never passes the end', () => {
    const clock = new SimClock(0, 1000, 100);
    expect(clock.dueSteps(1000, 100).steps).toBe(0);
    clock.playing = true;
    clock.setSpeed(60);
    expect(clock.dueSteps(1000, 10_000).steps).toBe(10);
  });

  it("runs a fixed number of steps per call at 'max'", () => {
    const clock = new SimClock(0, HOUR, 100);
    clock.playing = true;
    clock.setSpeed('max');
    expect(clock.dueSteps(0, 250).steps).toBe(250);
  });

  it('rejects speeds outside ×0.5 to ×3600 with a code and a message naming the value', () => {
    for (const bad of [0.4, 4000, -1, Number.NaN, 'fast']) {
      const result = checkSpeed(bad);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.code).toBe('bad_speed');
        expect(result.message).toContain(typeof bad === 'number' && Number.isFinite(bad) ? String(bad) : String(JSON.stringify(bad) ?? bad));
      }
    }
    const clock = new SimClock(0, HOUR, 100);
    expect(clock.setSpeed(4000).ok).toBe(false);
    expect(clock.speed).toBe(1);
    expect(checkSpeed(0.5).ok && checkSpeed(3600).ok && checkSpeed('max').ok).toBe(true);
  });
});
