import { describe, expect, it } from 'vitest';
import {
  RESPONSE_LEVELS,
  RESPONSE_LEVEL_INFO,
  accidentLevel,
  environmentalLevel,
  highestLevel,
  highestOf,
  isMoreSevere,
  type ResponseLevel,
} from '../../../server/protocol/responseLevels.ts';

describe('response levels', () => {
  it('runs I (red, 特别重大) to IV (blue, 一般)', () => {
    expect(RESPONSE_LEVELS).toEqual(['I', 'II', 'III', 'IV']);
    expect(RESPONSE_LEVELS.map((l) => RESPONSE_LEVEL_INFO[l].name.zh)).toEqual(['特别重大', '重大', '较大', '一般']);
    expect(RESPONSE_LEVELS.map((l) => RESPONSE_LEVEL_INFO[l].colorName.en)).toEqual(['red', 'orange', 'yellow', 'blue']);
    expect(RESPONSE_LEVELS.map((l) => RESPONSE_LEVEL_INFO[l].rank)).toEqual([1, 2, 3, 4]);
  });

  it('highestLevel and highestOf pick the most severe', () => {
    for (const a of RESPONSE_LEVELS) {
      for (const b of RESPONSE_LEVELS) {
        const expected = RESPONSE_LEVELS[Math.min(RESPONSE_LEVELS.indexOf(a), RESPONSE_LEVELS.indexOf(b))];
        expect(highestLevel(a, b)).toBe(expected);
        expect(isMoreSevere(a, b)).toBe(RESPONSE_LEVELS.indexOf(a) < RESPONSE_LEVELS.indexOf(b));
      }
    }
    expect(highestOf([])).toBe('IV');
    expect(highestOf(['III', 'IV', 'II', 'III'])).toBe('II');
  });
});

/** value → expected level, just below, at and just above every boundary ("以上" includes the number). */
function boundaryCases(bounds: [number, number, number], step: number): [number, ResponseLevel][] {
  const [i, ii, iii] = bounds;
  return [
    [0, 'IV'],
    [iii - step, 'IV'],
    [iii, 'III'],
    [iii + step, 'III'],
    [ii - step, 'III'],
    [ii, 'II'],
    [ii + step, 'II'],
    [i - step, 'II'],
    [i, 'I'],
    [i + step, 'I'],
  ];
}

/** Each classification, with its criteria and the lower bounds of levels I, II, III. */
const CLASSIFICATIONS = [
  {
    name: 'accidentLevel (Decree 493 art. 3)',
    level: (c: Record<string, number>) => accidentLevel({ deaths: 0, seriouslyInjured: 0, ...c }),
    criteria: { deaths: [30, 10, 3], seriouslyInjured: [100, 50, 10], directLossYuan: [100e6, 50e6, 10e6] },
  },
  {
    name: 'environmentalLevel (国家突发环境事件应急预案 annex 1)',
    level: (c: Record<string, number>) => environmentalLevel({ deaths: 0, poisoned: 0, evacuated: 0, ...c }),
    criteria: { deaths: [30, 10, 3], poisoned: [100, 50, 10], evacuated: [50_000, 10_000, 5_000], directLossYuan: [100e6, 20e6, 5e6] },
  },
] as const;

for (const { name, level, criteria } of CLASSIFICATIONS) {
  describe(`${name} at every boundary`, () => {
    for (const [field, bounds] of Object.entries(criteria)) {
      for (const [value, expected] of boundaryCases([...bounds] as [number, number, number], 1)) {
        it(`${field} ${value} → ${expected}`, () => {
          expect(level({ [field]: value })).toBe(expected);
        });
      }
    }
  });
}

describe('accidentLevel', () => {
  it('takes the most severe criterion', () => {
    expect(accidentLevel({ deaths: 2, seriouslyInjured: 55, directLossYuan: 12e6 })).toBe('II');
    expect(accidentLevel({ deaths: 31, seriouslyInjured: 0 })).toBe('I');
  });

  it('rejects a negative or non-finite count, naming it', () => {
    expect(() => accidentLevel({ deaths: -1, seriouslyInjured: 0 })).toThrow(/accidentLevel: deaths/);
    expect(() => accidentLevel({ deaths: 0, seriouslyInjured: NaN })).toThrow(/seriouslyInjured/);
  });
});

describe('environmentalLevel', () => {
  it('takes the most severe criterion: 12,000 evacuated and 4 deaths is II', () => {
    expect(environmentalLevel({ deaths: 4, poisoned: 20, evacuated: 12_000 })).toBe('II');
  });

  it('accepts fractional expected counts (the engine rounds later)', () => {
    expect(environmentalLevel({ deaths: 2.99, poisoned: 9.99, evacuated: 4999.5 })).toBe('IV');
  });
});
