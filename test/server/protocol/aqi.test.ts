import { describe, expect, it } from 'vitest';
import {
  AQI_BREAKPOINTS,
  AQI_COLUMNS,
  AQI_STANDARDS,
  IAQI_STEPS,
  aqiLevel,
  aqiStandardFor,
  computeAqi,
  iaqi,
  type AqiColumn,
} from '../../../server/protocol/aqi.ts';

/** HJ 633-2012 Table 1 as printed (µg/m³; CO mg/m³), one column a line: the independent check of the data. */
const TABLE_1_2012 = `
  so2_24h  0 50 150 475 800 1600 2100 2620
  so2_1h   0 150 500 650 800
  no2_24h  0 40 80 180 280 565 750 940
  no2_1h   0 100 200 700 1200 2340 3090 3840
  co_24h   0 2 4 14 24 36 48 60
  co_1h    0 5 10 35 60 90 120 150
  o3_1h    0 160 200 300 400 800 1000 1200
  o3_8h    0 100 160 215 265 800
  pm10_24h 0 50 150 250 350 420 500 600
  pm25_24h 0 35 75 115 150 250 350 500`;

function parseTable(text: string): Record<string, number[]> {
  const rows = text.trim().split('\n').map((line) => line.trim().split(/\s+/));
  return Object.fromEntries(rows.map(([column, ...values]) => [column, values.map(Number)]));
}

/** A concentration a hair above a breakpoint: far below any reported precision, far above float noise. */
const EPSILON = 1e-3;

describe('AQI_BREAKPOINTS', () => {
  it('holds HJ 633-2012 Table 1', () => {
    expect(AQI_BREAKPOINTS['HJ 633-2012']).toEqual(parseTable(TABLE_1_2012));
  });

  it('differs in HJ 633—2026 only at the IAQI-100 breakpoints of PM2.5 (60, was 75) and PM10 (120, was 150)', () => {
    const expected = parseTable(TABLE_1_2012);
    expected.pm25_24h[2] = 60;
    expected.pm10_24h[2] = 120;
    expect(AQI_BREAKPOINTS['HJ 633—2026']).toEqual(expected);
  });
});

describe('iaqi at every breakpoint of every column, both standards', () => {
  for (const standard of AQI_STANDARDS) {
    for (const column of AQI_COLUMNS) {
      const table = AQI_BREAKPOINTS[standard][column];
      const capped = column === 'so2_1h' || column === 'o3_8h';
      it(`${standard} ${column}`, () => {
        table.forEach((bp, i) => {
          const step = IAQI_STEPS[i];
          expect(iaqi(column, bp, standard), `${column} at ${bp}`).toBe(step);
          if (i === table.length - 1) {
            // Above the top: SO2 1 h and O3 8 h have no IAQI (notes 2, 3); the rest stop at 500.
            expect(iaqi(column, bp + EPSILON, standard), `${column} above the top ${bp}`).toBe(capped ? null : 500);
            expect(iaqi(column, bp * 10, standard)).toBe(capped ? null : 500);
            return;
          }
          expect(iaqi(column, bp + EPSILON, standard), `${column} just above ${bp}`).toBe(step + 1);
          const width = table[i + 1] - bp;
          const rise = IAQI_STEPS[i + 1] - step;
          // A quarter of the way: exactly 12.5 or 25 IAQI above, rounded up to 13 or stays 25.
          expect(iaqi(column, bp + width / 4, standard), `${column} a quarter above ${bp}`).toBe(step + (rise === 50 ? 13 : 25));
          // A third of the way: 16.67 or 33.33 above, rounded up.
          expect(iaqi(column, bp + width / 3, standard), `${column} a third above ${bp}`).toBe(step + (rise === 50 ? 17 : 34));
          expect(iaqi(column, table[i + 1] - EPSILON, standard), `${column} just below ${table[i + 1]}`).toBe(IAQI_STEPS[i + 1]);
        });
      });
    }
  }
});

describe('iaqi where the two standards differ', () => {
  const cases: [AqiColumn, number, number, number][] = [
    // column, concentration, IAQI by HJ 633—2026, IAQI by HJ 633-2012
    ['pm25_24h', 47.5, 75, 66], // 2012: 50 + 50·12.5/40 = 65.625
    ['pm25_24h', 60, 100, 82], // 2012: 50 + 50·25/40 = 81.25
    ['pm25_24h', 75, 114, 100], // 2026: 100 + 50·15/55 = 113.6
    ['pm25_24h', 100, 137, 132], // 136.4 and 131.25
    ['pm25_24h', 115, 150, 150],
    ['pm10_24h', 120, 100, 85], // 2012: 50 + 50·70/100
    ['pm10_24h', 150, 112, 100], // 2026: 100 + 50·30/130 = 111.5
    ['pm10_24h', 200, 131, 125], // 2026: 130.8
    ['pm10_24h', 250, 150, 150],
  ];
  for (const [column, c, by2026, by2012] of cases) {
    it(`${column} ${c}: ${by2026} (2026), ${by2012} (2012)`, () => {
      expect(iaqi(column, c, 'HJ 633—2026')).toBe(by2026);
      expect(iaqi(column, c, 'HJ 633-2012')).toBe(by2012);
    });
  }

  it('does not let float noise round an exact IAQI up by one', () => {
    // In floating point these interpolate to 55.00000000000001, 11.000000000000002 and 7.000000000000001.
    expect(iaqi('co_24h', 2.2, 'HJ 633—2026')).toBe(55);
    expect(iaqi('co_1h', 1.1, 'HJ 633—2026')).toBe(11);
    expect(iaqi('pm25_24h', 4.9, 'HJ 633-2012')).toBe(7);
  });

  it('refuses a negative or non-finite concentration (a caller bug: input is validated first)', () => {
    expect(() => iaqi('pm25_24h', -1, 'HJ 633—2026')).toThrow(/iaqi: pm25_24h/);
    expect(() => iaqi('co_1h', Number.NaN, 'HJ 633—2026')).toThrow(/iaqi: co_1h/);
  });
});

describe('computeAqi', () => {
  const realtime = { mode: 'realtime', standard: 'HJ 633—2026' } as const;
  const daily = { mode: 'daily', standard: 'HJ 633—2026' } as const;

  it('reads the hourly SO2, NO2 and CO against their 1-hour columns in realtime, the 24-hour ones daily', () => {
    const input = { so2: 200, no2: 150, co: 3 };
    // 1 h: SO2 50 + 50·50/350 = 57.1; NO2 50 + 50·50/100 = 75; CO 50·3/5 = 30.
    expect(computeAqi(input, realtime).iaqi).toEqual({ so2: 58, no2: 75, co: 30 });
    // 24 h: SO2 100 + 50·50/325 = 107.7; NO2 100 + 50·70/100 = 135; CO 50 + 50·1/2 = 75.
    expect(computeAqi(input, daily).iaqi).toEqual({ so2: 108, no2: 135, co: 75 });
  });

  it('reads PM against the 24-hour columns and O3 against the 1-hour and 8-hour columns in both modes', () => {
    const input = { pm25: 60, pm10: 120, o3: 250, o3_8h: 130 };
    const expected = { pm25: 100, pm10: 100, o3: 125, o3_8h: 75 };
    expect(computeAqi(input, realtime).iaqi).toEqual(expected);
    expect(computeAqi(input, daily).iaqi).toEqual(expected);
  });

  it('takes the largest IAQI as the AQI, with its level, colour and standard', () => {
    const result = computeAqi({ pm25: 100, no2: 150, co: 3 }, realtime);
    expect(result).toEqual({
      aqi: 137,
      level: 3,
      levelName: { zh: '轻度污染', en: 'Lightly polluted' },
      color: '#FF7E00',
      primary: ['pm25'],
      iaqi: { pm25: 137, no2: 75, co: 30 },
      standard: 'HJ 633—2026',
    });
    expect(computeAqi({ pm25: 100 }, { mode: 'realtime', standard: 'HJ 633-2012' })).toMatchObject({ aqi: 132, standard: 'HJ 633-2012' });
  });

  it('leaves out inputs not given, and refuses an empty input', () => {
    const result = computeAqi({ pm10: 40 }, realtime);
    expect(Object.keys(result.iaqi)).toEqual(['pm10']);
    expect(() => computeAqi({}, realtime)).toThrow(/computeAqi: no IAQI/);
  });

  it('reports realtime SO2 above 800 µg/m³ from the 24-hour column (HJ 633-2012 Table 1 note 2)', () => {
    expect(computeAqi({ so2: 800 }, realtime).iaqi.so2).toBe(200); // still the 1-hour column's top
    expect(computeAqi({ so2: 801 }, realtime).iaqi.so2).toBe(201); // 200 + 100·1/800 on the 24-hour column
    expect(computeAqi({ so2: 1600 }, realtime)).toMatchObject({ aqi: 300, primary: ['so2'] });
    expect(computeAqi({ so2: 3000 }, realtime).aqi).toBe(500);
    // Daily SO2 is always the 24-hour column, above 800 too.
    expect(computeAqi({ so2: 801 }, daily).iaqi.so2).toBe(201);
  });

  it('computes no IAQI from O3 8 h above 800 µg/m³ and reports O3 by its 1-hour value (note 3)', () => {
    expect(computeAqi({ o3_8h: 800, o3: 250 }, daily)).toMatchObject({ aqi: 300, primary: ['o3_8h'] });
    const result = computeAqi({ o3_8h: 801, o3: 900 }, daily);
    expect(result.iaqi).toEqual({ o3: 350, o3_8h: null }); // 300 + 100·100/200
    expect(result).toMatchObject({ aqi: 350, primary: ['o3'] });
    expect(() => computeAqi({ o3_8h: 801 }, daily)).toThrow(/computeAqi: no IAQI/);
  });

  it('names primary pollutants only above AQI 50, every one that ties', () => {
    expect(computeAqi({ pm25: 35, pm10: 50, no2: 40 }, daily)).toMatchObject({ aqi: 50, primary: [] });
    expect(computeAqi({ pm25: 35 + EPSILON, pm10: 50 }, daily)).toMatchObject({ aqi: 51, primary: ['pm25'] });
    expect(computeAqi({ pm25: 60, pm10: 120, no2: 40 }, daily)).toMatchObject({ aqi: 100, primary: ['pm25', 'pm10'] });
  });
});

describe('aqiLevel', () => {
  /** Each level's first and last AQI, names and colour (HJ 633-2012 Table 2, Appendix A). */
  const levels: [number, number, string, string, string][] = [
    [0, 50, '优', 'Good', '#00E400'],
    [51, 100, '良', 'Moderate', '#FFFF00'],
    [101, 150, '轻度污染', 'Lightly polluted', '#FF7E00'],
    [151, 200, '中度污染', 'Moderately polluted', '#FF0000'],
    [201, 300, '重度污染', 'Heavily polluted', '#99004C'],
    [301, 500, '严重污染', 'Severely polluted', '#7E0023'],
  ];
  levels.forEach(([first, last, zh, en, color], i) => {
    it(`AQI ${first} to ${last} is level ${i + 1} ${zh}`, () => {
      for (const aqi of [first, last]) expect(aqiLevel(aqi), `AQI ${aqi}`).toMatchObject({ level: i + 1, name: { zh, en }, color });
    });
  });

  it('gives computeAqi the same level at a boundary', () => {
    // CO 1 h: 60 mg/m³ is IAQI 200 exactly; a hair more is 201.
    expect(computeAqi({ co: 60 }, { mode: 'realtime', standard: 'HJ 633—2026' })).toMatchObject({ aqi: 200, level: 4, color: '#FF0000' });
    expect(computeAqi({ co: 60 + EPSILON }, { mode: 'realtime', standard: 'HJ 633—2026' })).toMatchObject({ aqi: 201, level: 5, color: '#99004C' });
  });

  it('refuses a negative AQI', () => {
    expect(() => aqiLevel(-1)).toThrow(/aqiLevel/);
  });
});

describe('aqiStandardFor', () => {
  it('picks HJ 633—2026 from 2026-03-01 and HJ 633-2012 before', () => {
    expect(aqiStandardFor('2026-02-28')).toBe('HJ 633-2012');
    expect(aqiStandardFor('2026-03-01')).toBe('HJ 633—2026');
    expect(aqiStandardFor('2013-01-01')).toBe('HJ 633-2012');
    expect(aqiStandardFor('2030-12-31')).toBe('HJ 633—2026');
  });

  it('judges an epoch time by its Beijing date', () => {
    const beijingMidnight = Date.parse('2026-03-01T00:00:00+08:00'); // 2026-02-28 16:00 UTC
    expect(aqiStandardFor(beijingMidnight)).toBe('HJ 633—2026');
    expect(aqiStandardFor(beijingMidnight - 1)).toBe('HJ 633-2012');
    expect(aqiStandardFor(Date.parse('2026-02-28T23:59:59Z'))).toBe('HJ 633—2026'); // already 07:59 on 1 March in Beijing
  });

  it('refuses a malformed date', () => {
    expect(() => aqiStandardFor('2026-3-1')).toThrow(/aqiStandardFor/);
    expect(() => aqiStandardFor(Number.NaN)).toThrow(/aqiStandardFor/);
  });
});
