import { describe, expect, it } from 'vitest';
import {
  AEGL_COLORS,
  AEGL_LEVELS,
  CHEMICALS,
  CHEMICAL_IDS,
  ChemicalId,
  aeglMgM3,
  aeglPpm,
  mgM3ToPpm,
  ppmToMgM3,
  type AeglDuration,
} from '../../../server/protocol/aegl.ts';

/** US EPA final AEGLs as printed (ppm): chemical, duration, AEGL-1, AEGL-2, AEGL-3. The independent copy of the table. */
const TABLE = `
  chlorine           10min  0.50  2.8   50
  chlorine           30min  0.50  2.8   28
  chlorine           60min  0.50  2.0   20
  ammonia            10min  30    220   2700
  ammonia            30min  30    220   1600
  ammonia            60min  30    160   1100
  hydrogen_sulfide   10min  0.75  41    76
  hydrogen_sulfide   30min  0.60  32    59
  hydrogen_sulfide   60min  0.51  27    50
  sulfur_dioxide     60min  0.20  0.75  30
  hydrogen_chloride  10min  1.8   100   620
  hydrogen_chloride  30min  1.8   43    210
  hydrogen_chloride  60min  1.8   22    100`;

const rows = TABLE.trim()
  .split('\n')
  .map((line) => line.trim().split(/\s+/))
  .map(([chemical, duration, a1, a2, a3]) => ({ chemical: chemical as ChemicalId, duration: duration as AeglDuration, ppm: [a1, a2, a3].map(Number) }));

describe('AEGL table', () => {
  for (const { chemical, duration, ppm } of rows) {
    it(`${chemical} ${duration}: ${ppm.join(' / ')} ppm`, () => {
      for (const level of AEGL_LEVELS) expect(aeglPpm(chemical, level, duration)).toBe(ppm[level - 1]);
    });
  }

  it('has exactly the rows above, no more', () => {
    const tabulated = CHEMICAL_IDS.flatMap((id) => Object.keys(CHEMICALS[id].aeglPpm).map((d) => `${id} ${d}`)).sort();
    expect(tabulated).toEqual(rows.map((r) => `${r.chemical} ${r.duration}`).sort());
  });

  it('rises with the level and falls (or holds) with the duration', () => {
    for (const id of CHEMICAL_IDS) {
      const byDuration = (['10min', '30min', '60min'] as const).map((d) => CHEMICALS[id].aeglPpm[d]).filter((t) => t !== undefined);
      for (const t of byDuration) expect(t[0] < t[1] && t[1] < t[2], id).toBe(true);
      for (let i = 1; i < byDuration.length; i++) for (let l = 0; l < 3; l++) expect(byDuration[i][l]).toBeLessThanOrEqual(byDuration[i - 1][l]);
    }
  });

  it('names chlorine and ammonia in Chinese and English, with their molar masses', () => {
    expect(CHEMICALS.chlorine.name).toEqual({ zh: '氯气', en: 'Chlorine' });
    expect(CHEMICALS.ammonia.name).toEqual({ zh: '氨气', en: 'Ammonia' });
    expect(CHEMICALS.chlorine.molarMass).toBe(70.9);
    expect(CHEMICALS.ammonia.molarMass).toBe(17.03);
  });

  it('throws for a duration it does not hold', () => {
    expect(() => aeglPpm('sulfur_dioxide', 3, '10min')).toThrow(/sulfur_dioxide has no 10min AEGL/);
    expect(() => aeglPpm('nerve_gas' as ChemicalId, 3)).toThrow(/unknown chemical/);
  });

  it('validates ids with the zod enum', () => {
    expect(ChemicalId.safeParse('chlorine').success).toBe(true);
    expect(ChemicalId.safeParse('Chlorine').success).toBe(false);
  });
});

describe('ppm ↔ mg/m³ at 25 °C', () => {
  it('chlorine 2 ppm ≈ 5.80 mg/m³; ammonia 160 ppm ≈ 111.4 mg/m³', () => {
    expect(ppmToMgM3(2, 70.9)).toBeCloseTo(5.7996, 4);
    expect(aeglMgM3('chlorine', 2)).toBeCloseTo(5.80, 2);
    expect(aeglMgM3('ammonia', 2)).toBeCloseTo(111.44, 2);
    expect(aeglMgM3('chlorine', 3, '30min')).toBeCloseTo(81.19, 2);
  });

  it('1 ppm of a gas of molar mass 24.45 is 1 mg/m³, and the two conversions invert each other', () => {
    expect(ppmToMgM3(1, 24.45)).toBe(1);
    for (const ppm of [0.2, 20, 1100]) expect(mgM3ToPpm(ppmToMgM3(ppm, 70.9), 70.9)).toBeCloseTo(ppm, 10);
  });
});

describe('AEGL_COLORS', () => {
  it('draws AEGL-3 red, AEGL-2 orange, AEGL-1 yellow', () => {
    expect(AEGL_COLORS).toEqual({ 3: '#FF0000', 2: '#FFA500', 1: '#FFFF00' });
  });
});
