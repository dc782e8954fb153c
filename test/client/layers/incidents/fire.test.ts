import { describe, expect, it } from 'vitest';
import { firesBounds, firesOf, flamesOf, flicker, PUFFS, puffsOf, smokeOf, type BuildingShape } from '../../../../client/layers/incidents/fire.ts';
import { fire } from './fixtures.ts';

/** A 30 m × 12 m tower of 10 floors, 30 m tall, standing on ground 5 m up; its ring clockwise or not. */
const tower = (clockwise = false): BuildingShape => {
  const ring: [number, number][] = [
    [0, 0],
    [30, 0],
    [30, 12],
    [0, 12],
  ];
  return { id: 'B1', footprint: [clockwise ? ring.reverse() : ring], base: 5, height: 30, floors: 10 };
};

describe('a burning building', () => {
  it('has flames all round its outer wall at each burning floor, just outside it, whichever way its ring turns', () => {
    for (const clockwise of [false, true]) {
      const flames = flamesOf(tower(clockwise), [4, 11, 0]);
      // Floors outside the building are no floors: floor 4 only, 84 m of wall at one flame every ~6 m.
      expect(flames.length).toBe(5 + 2 + 5 + 2);
      for (const f of flames) {
        expect(f.z).toBe(5 + 3 * 3);
        expect(f.heightM).toBeCloseTo(9, 6);
        const outside = f.x < 0 || f.x > 30 || f.y < 0 || f.y > 12;
        expect(outside, `(${f.x}, ${f.y})`).toBe(true);
        expect(Math.min(Math.abs(f.x), Math.abs(f.x - 30), Math.abs(f.y), Math.abs(f.y - 12))).toBeLessThanOrEqual(1.5 + 1e-9);
      }
    }
  });

  it('flickers between 55 % and full height', () => {
    const heights = Array.from({ length: 500 }, (_, k) => flicker(k * 37, 1.3));
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(0.55);
    expect(Math.max(...heights)).toBeLessThanOrEqual(1);
    expect(Math.max(...heights) - Math.min(...heights)).toBeGreaterThan(0.2);
  });

  it('smokes from its roof: puffs rise, swell and fade, more with more floors on fire, none without', () => {
    expect(smokeOf(tower(), 0, 0)).toEqual([]);
    const puffs = smokeOf(tower(), 2, 5000);
    expect(puffs.length).toBe(PUFFS);
    for (const p of puffs) {
      expect(p.z).toBeGreaterThan(35);
      expect(p.alpha).toBeGreaterThanOrEqual(0);
      expect(p.alpha).toBeLessThanOrEqual(0.9);
    }
    const low = puffs.reduce((a, b) => (a.z < b.z ? a : b));
    const high = puffs.reduce((a, b) => (a.z > b.z ? a : b));
    expect(high.sizeM).toBeGreaterThan(low.sizeM);
    expect(Math.max(...smokeOf(tower(), 6, 5000).map((p) => p.sizeM))).toBeGreaterThan(Math.max(...puffs.map((p) => p.sizeM)));
  });

  it('burns only for open fire incidents whose building is known', () => {
    const shape = () => tower();
    const burning = fire({ burningFloors: [3, 4] });
    expect(firesOf([burning], shape).plumes).toEqual([{ building: tower(), burning: 2 }]);
    expect(firesOf([burning], shape).flames.length).toBe(2 * 14);
    expect(firesOf([fire({ status: 'closed' })], shape).flames).toEqual([]);
    expect(firesOf([fire({ burningFloors: [] })], shape).plumes).toEqual([]);
    expect(firesOf([fire()], () => null).flames).toEqual([]);
  });

  it('is held in one sphere, flames and smoke, so a view animates it only while it sees it', () => {
    expect(firesBounds({ flames: [], plumes: [] })).toBeNull();
    const fires = firesOf([fire({ burningFloors: [3, 4] })], () => tower());
    const b = firesBounds(fires)!;
    for (const p of [...fires.flames, ...puffsOf(fires, 7000)]) expect(Math.hypot(p.x - b.x, p.y - b.y, p.z - b.z), JSON.stringify(p)).toBeLessThanOrEqual(b.radiusM);
  });
});
