import { describe, expect, it } from 'vitest';
import { windAreaFor, windAreaSeen, windDirection, WindParticles } from '../../../../client/layers/air/windParticles.ts';

const area = { centreX: 1000, centreY: -500, halfSize: 2000 };
const inside = (p: WindParticles, a = area) => Array.from(p.x).every((x, i) => Math.abs(x - a.centreX) <= a.halfSize && Math.abs(p.y[i] - a.centreY) <= a.halfSize);

describe('wind particles', () => {
  it('are strewn over the area in view and drift the way the wind blows', () => {
    const p = new WindParticles(200, 3);
    const north = { windFromDeg: 0, windSpeedMs: 3 };
    p.advance(0, true, north, area);
    expect(inside(p)).toBe(true);
    const before = Float32Array.from(p.y);
    const beforeX = Float32Array.from(p.x);
    p.advance(250, true, north, area);
    // A north wind blows south: every particle that was not born again moved south, not sideways.
    let moved = 0;
    for (let i = 0; i < p.count; i++) {
      if (p.age[i] === 0) continue;
      moved++;
      expect(p.y[i]).toBeLessThan(before[i]);
      expect(p.x[i]).toBeCloseTo(beforeX[i], 3);
    }
    expect(moved).toBeGreaterThan(150);
    expect(windDirection(90)[0]).toBeCloseTo(-1, 9);
  });

  it('hold still while the run is paused, and are set again when the view moves to other ground', () => {
    const p = new WindParticles(50, 1);
    const wind = { windFromDeg: 200, windSpeedMs: 5 };
    p.advance(0, true, wind, area);
    expect(p.wouldMove(false, area)).toBe(false);
    expect(p.wouldMove(true, area)).toBe(true);
    const elsewhere = { ...area, centreX: area.centreX + 3000 };
    expect(p.wouldMove(false, elsewhere)).toBe(true);
    const x = Float32Array.from(p.x);
    p.advance(1000, false, wind, area);
    expect(Array.from(p.x)).toEqual(Array.from(x));
    p.advance(2000, false, wind, elsewhere);
    expect(inside(p, elsewhere)).toBe(true);
  });

  it('take a frame only when it would change the picture and one is due', () => {
    const p = new WindParticles(10, 2);
    const wind = { windFromDeg: 90, windSpeedMs: 2 };
    expect(p.tick(0, false, wind, area)).toBe(true);
    expect(p.tick(100, false, wind, area)).toBe(false);
    expect(p.tick(200, true, wind, area, () => false)).toBe(false);
    expect(p.steps).toBe(1);
    const x = Float32Array.from(p.x);
    expect(p.tick(300, true, wind, area)).toBe(true);
    expect(p.steps).toBe(2);
    // From the east: westward, by the time since the last frame only (the pause held the clock).
    expect(Array.from(p.x).filter((v, i) => p.age[i] > 0 && v < x[i]).length).toBeGreaterThan(5);
    p.reset();
    expect(p.wouldMove(false, area)).toBe(true);
  });

  it('drift faster in a stronger wind and over a wider view, live a few seconds and fade in and out', () => {
    const a = { windFromDeg: 0, windSpeedMs: 2 };
    expect(WindParticles.driftSpeed({ ...a, windSpeedMs: 4 }, area)).toBeCloseTo(2 * WindParticles.driftSpeed(a, area), 9);
    expect(WindParticles.driftSpeed(a, { ...area, halfSize: 4000 })).toBeCloseTo(2 * WindParticles.driftSpeed(a, area), 9);
    const p = new WindParticles(20, 9);
    p.advance(0, true, a, area);
    p.age[0] = 0;
    expect(p.alpha(0)).toBe(0);
    p.age[0] = p.life[0] / 2;
    expect(p.alpha(0)).toBe(1);
    p.age[0] = p.life[0];
    expect(p.alpha(0)).toBe(0);
    // The same seed, the same particles: what a test or a recording sees is repeatable.
    const q = new WindParticles(20, 9);
    q.advance(0, true, a, area);
    expect(Array.from(q.y)).toEqual(Array.from(p.y));
    expect(windAreaFor([0, 0, 0], 100).halfSize).toBe(300);
    // Seen from 1 km straight above flat ground: around the point below, 700 m each way.
    const flat = { originX: -5000, originY: -5000, cellSize: 100, cols: 101, rows: 101, heights: new Float32Array(101 * 101) };
    expect(windAreaSeen(flat, [250, -40, 1000], [0, 0, -1])).toEqual({ centreX: 250, centreY: -40, halfSize: 700 });
    expect(windAreaFor([0, 0, 0], 100_000).halfSize).toBe(6000);
  });
});
