import { describe, expect, it } from 'vitest';
import { aeglMgM3, mgM3ToPpm, ppmToMgM3 } from '../../../../server/protocol/aegl.ts';
import {
  AIR_CHANGES_PER_HOUR,
  FIRE_ASSUMPTIONS,
  fireCasualties,
  fractionToProbit,
  indoorConcentration,
  lethalConcentrationMgM3,
  lethalityProbit,
  normalCdf,
  probitToFraction,
  toxicLoad,
  toxicLoadStep,
  toxicModel,
  toxicOutcome,
  type FireInput,
} from '../../../../server/sim/emergency/casualties.ts';

const CL2 = 70.9;
const NH3 = 17.03;

describe('normal distribution', () => {
  it.each([
    [0, 0.5],
    [1, 0.841344746],
    [-1.959964, 0.025],
    [2.326348, 0.99],
    [3, 0.998650102],
    [-4, 3.167124e-5],
  ])('Φ(%f) = %f', (x, p) => {
    expect(Math.abs(normalCdf(x) - p) / Math.min(p, 1 - p)).toBeLessThan(1e-5);
  });

  it('probit 5 is half, and the probit of a fraction inverts it', () => {
    expect(probitToFraction(5)).toBeCloseTo(0.5, 7);
    for (const f of [0.001, 0.01, 0.1, 0.5, 0.9, 0.99]) expect(probitToFraction(fractionToProbit(f))).toBeCloseTo(f, 9);
    expect(fractionToProbit(0.5)).toBeCloseTo(5, 6);
  });
});

describe('chlorine probit (Withers and Lees 1985: Pr = −8.29 + 0.92 ln ΣC²t, ppm, min)', () => {
  const model = toxicModel('chlorine');

  it('puts the LC50 at 250 ppm over 30 minutes and 433 ppm over 10, as the paper does', () => {
    expect(mgM3ToPpm(lethalConcentrationMgM3(model, 0.5, 30) as number, CL2)).toBeCloseTo(250.3, 0);
    expect(mgM3ToPpm(lethalConcentrationMgM3(model, 0.5, 10) as number, CL2)).toBeCloseTo(433.5, 0);
  });

  it('gives probit −8.29 + 0.92 ln(C² t) at known points', () => {
    const at = (ppm: number, min: number): number => lethalityProbit(model, toxicLoad(model, ppmToMgM3(ppm, CL2), min));
    expect(at(250, 30)).toBeCloseTo(-8.29 + 0.92 * Math.log(250 * 250 * 30), 10);
    expect(at(250, 30)).toBeCloseTo(5, 2);
    expect(at(100, 60)).toBeCloseTo(-8.29 + 0.92 * Math.log(6e5), 10);
  });

  it('kills almost no one at the 60-minute AEGL-3 (20 ppm for an hour)', () => {
    expect(toxicOutcome(model, toxicLoad(model, aeglMgM3('chlorine', 3), 60)).dead).toBeLessThan(1e-4);
  });
});

describe('ammonia probit (TNO Purple Book: Pr = −15.6 + ln ΣC²t, mg/m³, min)', () => {
  const model = toxicModel('ammonia');

  it('puts the 30-minute LC50 near the 7,500 ppm estimated for people', () => {
    const lc50 = lethalConcentrationMgM3(model, 0.5, 30) as number;
    expect(lc50 / Math.sqrt(Math.exp(20.6) / 30)).toBeCloseTo(1, 6);
    expect(mgM3ToPpm(lc50, NH3)).toBeGreaterThan(7000);
    expect(mgM3ToPpm(lc50, NH3)).toBeLessThan(8500);
  });
});

describe('toxic outcome', () => {
  it('is monotonic in dose: the dead, the dead or seriously injured, and all harmed only grow', () => {
    for (const chemical of ['chlorine', 'ammonia'] as const) {
      const model = toxicModel(chemical);
      let last = [0, 0, 0];
      for (let ppm = 0.1; ppm < 30_000; ppm *= 1.3) {
        const o = toxicOutcome(model, toxicLoad(model, ppmToMgM3(ppm, chemical === 'chlorine' ? CL2 : NH3), 30));
        const now = [o.dead, o.dead + o.seriouslyInjured, o.dead + o.seriouslyInjured + o.injured];
        now.forEach((v, k) => expect(v, `${chemical} ${ppm} ppm`).toBeGreaterThanOrEqual(last[k] - 1e-12));
        expect(now[2]).toBeLessThanOrEqual(1 + 1e-12);
        last = now;
      }
      expect(last[0]).toBeGreaterThan(0.99);
    }
  });

  it('draws the lines at an hour of AEGL-2 and of AEGL-3', () => {
    const model = toxicModel('chlorine');
    const atHour = (mgM3: number) => toxicOutcome(model, toxicLoad(model, mgM3, 60));
    expect(atHour(aeglMgM3('chlorine', 2) * 0.99)).toEqual({ dead: expect.any(Number), seriouslyInjured: 0, injured: 0 });
    expect(atHour(aeglMgM3('chlorine', 2) * 1.01).injured).toBeGreaterThan(0.99);
    expect(atHour(aeglMgM3('chlorine', 3) * 1.01).seriouslyInjured).toBeGreaterThan(0.99);
  });

  it('counts no deaths for a chemical without a probit, but still the AEGL harm', () => {
    const model = toxicModel('hydrogen_sulfide');
    const o = toxicOutcome(model, toxicLoad(model, aeglMgM3('hydrogen_sulfide', 3) * 3, 60));
    expect(o).toEqual({ dead: 0, seriouslyInjured: 1, injured: 0 });
    expect(lethalConcentrationMgM3(model, 0.5, 30)).toBeNull();
  });

  it('integrates a step exactly for a straight-line concentration (n = 2)', () => {
    const model = toxicModel('ammonia');
    // ∫₀¹ (100 + 200 s)² ds over one minute = (100² + 100·300 + 300²) / 3.
    expect(toxicLoadStep(model, 100, 300, 60)).toBeCloseTo((100 * 100 + 100 * 300 + 300 * 300) / 3, 6);
    expect(toxicLoadStep(model, 50, 50, 600)).toBeCloseTo(toxicLoad(model, 50, 10), 9);
  });
});

describe('sheltering indoors', () => {
  it('follows the outdoor air at the air change rate: 1 − e⁻¹ of the way in one air change', () => {
    expect(indoorConcentration(0, 100, 0.5, 7200)).toBeCloseTo(100 * (1 - Math.exp(-1)), 9);
    expect(indoorConcentration(100, 0, 1, 3600)).toBeCloseTo(100 * Math.exp(-1), 9);
    expect(indoorConcentration(0, 100, 0, 3600)).toBe(0);
  });

  it('lowers the dose and the deaths of a 30-minute chlorine cloud, the more so the tighter the building', () => {
    const model = toxicModel('chlorine');
    const cloud = ppmToMgM3(400, CL2);
    const doseAt = (ach: number | null): number => {
      let load = 0;
      let inside = 0;
      for (let s = 0; s < 3 * 3600; s += 10) {
        const outdoor = s < 1800 ? cloud : 0;
        if (ach === null) {
          load += toxicLoadStep(model, outdoor, outdoor, 10);
        } else {
          const next = indoorConcentration(inside, outdoor, ach, 10);
          load += toxicLoadStep(model, inside, next, 10);
          inside = next;
        }
      }
      return load;
    };
    const outdoors = doseAt(null);
    const ordinary = doseAt(AIR_CHANGES_PER_HOUR.ordinary);
    const sheltered = doseAt(AIR_CHANGES_PER_HOUR.sheltered);
    expect(outdoors).toBeCloseTo(toxicLoad(model, cloud, 30), 0);
    expect(ordinary).toBeLessThan(outdoors);
    expect(sheltered).toBeLessThan(ordinary / 2);
    const dead = (load: number): number => toxicOutcome(model, load).dead;
    expect(dead(outdoors)).toBeGreaterThan(0.5);
    // Three hours inside a building with 0.5 air changes an hour: the cloud seeps in and lingers, but far less.
    expect(dead(sheltered)).toBeLessThan(dead(outdoors) / 5);
  });
});

describe('fire casualties', () => {
  const tower: FireInput = { floors: 30, fireFloor: 10, occupants: 600, timeSinceIgnitionS: 0, use: 'residential', asleep: true };

  it('counts the people on the fire floor and above as at risk', () => {
    expect(fireCasualties(tower).atRisk).toBeCloseTo(20 * 21, 9);
    expect(fireCasualties({ ...tower, fireFloor: 30 }).atRisk).toBeCloseTo(20, 9);
  });

  it('harms no one before the fire floor is untenable, and never less as time goes on', () => {
    expect(fireCasualties({ ...tower, timeSinceIgnitionS: FIRE_ASSUMPTIONS.fireFloorUntenableS - 1 })).toMatchObject({ dead: 0, seriouslyInjured: 0 });
    let last = { dead: 0, seriouslyInjured: 0, evacuated: 0 };
    for (let t = 0; t <= 3600; t += 30) {
      const c = fireCasualties({ ...tower, timeSinceIgnitionS: t });
      expect(c.dead).toBeGreaterThanOrEqual(last.dead);
      expect(c.seriouslyInjured).toBeGreaterThanOrEqual(last.seriouslyInjured);
      expect(c.evacuated).toBeGreaterThanOrEqual(last.evacuated);
      expect(c.remaining).toBeGreaterThanOrEqual(-1e-9);
      expect(c.evacuated + c.remaining + c.dead + c.seriouslyInjured).toBeCloseTo(c.atRisk, 9);
      last = c;
    }
  });

  it('at night: asleep for 10 minutes, two 1.1 m stairs at 0.81 person/s each', () => {
    // Out by 600 s: nobody; by 900 s: 300 s × 1.616 p/s = 485 of 600 (80.8 %).
    const c = fireCasualties({ ...tower, timeSinceIgnitionS: 1200 });
    const flow = 2 * 1.01 * (1.1 - 0.3);
    const outAbove = (flow * 300) / 600;
    expect(c.dead).toBeCloseTo(20 * 0.5 + 400 * (1 - outAbove) * 0.1, 9);
    expect(c.seriouslyInjured).toBeCloseTo(20 * 0.5 + 400 * (1 - outAbove) * 0.3, 9);
  });

  it('by day, awake office workers are out before the floors become untenable', () => {
    // 600 people, two 1.2 m stairs at 0.91 person/s each: out in 2 + 5.5 minutes.
    const c = fireCasualties({ floors: 20, fireFloor: 5, occupants: 600, timeSinceIgnitionS: 3600, use: 'office', asleep: false });
    expect(c).toMatchObject({ dead: 0, seriouslyInjured: 0, remaining: 0 });
    expect(c.evacuated).toBeCloseTo(c.atRisk, 9);
  });

  it('more stairs, fewer casualties', () => {
    const one = fireCasualties({ ...tower, stairs: 1, timeSinceIgnitionS: 3600 });
    const two = fireCasualties({ ...tower, stairs: 2, timeSinceIgnitionS: 3600 });
    expect(two.dead).toBeLessThan(one.dead);
  });

  it('rejects a fire floor outside the building', () => {
    expect(() => fireCasualties({ ...tower, fireFloor: 31 })).toThrow(/fireCasualties: fireFloor 31/);
  });
});
