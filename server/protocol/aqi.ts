/**
 * The air quality index (空气质量指数, AQI) of China's technical regulation HJ 633: HJ 633-2012
 * 《环境空气质量指数（AQI）技术规定（试行）》 for dates before 2026-03-01, HJ 633—2026 from then on.
 * Pure (no Node-only API): the browser client computes and labels AQI with the same code.
 *
 * Units: µg/m³ for every pollutant but CO, which is in mg/m³ (as the standard's Table 1).
 */
import { formatSimTime } from './simTime.ts';

/** The two editions of HJ 633; the strings are the standards' own numbers (the 2026 one with an em dash). */
export const AQI_STANDARDS = ['HJ 633—2026', 'HJ 633-2012'] as const;
export type AqiStandard = (typeof AQI_STANDARDS)[number];

/** The first day (Asia/Shanghai) HJ 633—2026 is in force. */
export const AQI_2026_FROM = '2026-03-01';

/**
 * The inputs of an AQI, one per reported pollutant figure: the six pollutants, plus `o3_8h` (the
 * 8-hour mean of O3, reported beside its 1-hour value). What each figure is depends on the mode:
 * see {@link AQI_MODE_COLUMNS}.
 */
export const AQI_POLLUTANTS = ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3', 'o3_8h'] as const;
export type AqiPollutant = (typeof AQI_POLLUTANTS)[number];

/** The concentration columns of HJ 633 Table 1 (averaging time after the underscore). */
export const AQI_COLUMNS = ['so2_24h', 'so2_1h', 'no2_24h', 'no2_1h', 'co_24h', 'co_1h', 'o3_1h', 'o3_8h', 'pm10_24h', 'pm25_24h'] as const;
export type AqiColumn = (typeof AQI_COLUMNS)[number];

/** 实时报 (hourly, from 1-hour concentrations) or 日报 (daily, from 24-hour means and daily maxima of O3). */
export const AQI_MODES = ['realtime', 'daily'] as const;
export type AqiMode = (typeof AQI_MODES)[number];

/** The IAQI at each breakpoint of Table 1; a column's i-th concentration has the i-th step. */
export const IAQI_STEPS = [0, 50, 100, 150, 200, 300, 400, 500] as const;

/**
 * HJ 633-2012 Table 1, concentration breakpoints per column (µg/m³; CO mg/m³). SO2 1 h stops at
 * 800 (IAQI 200) and O3 8 h at 800 (IAQI 300): above, the standard computes no IAQI from them
 * (notes 2 and 3).
 */
const HJ_633_2012: Readonly<Record<AqiColumn, readonly number[]>> = {
  so2_24h: [0, 50, 150, 475, 800, 1600, 2100, 2620],
  so2_1h: [0, 150, 500, 650, 800],
  no2_24h: [0, 40, 80, 180, 280, 565, 750, 940],
  no2_1h: [0, 100, 200, 700, 1200, 2340, 3090, 3840],
  co_24h: [0, 2, 4, 14, 24, 36, 48, 60],
  co_1h: [0, 5, 10, 35, 60, 90, 120, 150],
  o3_1h: [0, 160, 200, 300, 400, 800, 1000, 1200],
  o3_8h: [0, 100, 160, 215, 265, 800],
  pm10_24h: [0, 50, 150, 250, 350, 420, 500, 600],
  pm25_24h: [0, 35, 75, 115, 150, 250, 350, 500],
};

/** HJ 633—2026: Table 1 of 2012 with the IAQI-100 breakpoints of PM10 (150 → 120) and PM2.5 (75 → 60) lowered. */
const HJ_633_2026: Readonly<Record<AqiColumn, readonly number[]>> = {
  ...HJ_633_2012,
  pm10_24h: [0, 50, 120, 250, 350, 420, 500, 600],
  pm25_24h: [0, 35, 60, 115, 150, 250, 350, 500],
};

/** The breakpoint tables of both standards (see {@link IAQI_STEPS} for the IAQI of each). */
export const AQI_BREAKPOINTS: Readonly<Record<AqiStandard, Readonly<Record<AqiColumn, readonly number[]>>>> = {
  'HJ 633—2026': HJ_633_2026,
  'HJ 633-2012': HJ_633_2012,
};

/** Columns above whose top breakpoint HJ 633 computes no IAQI (Table 1 notes 2 and 3); the others cap at 500. */
const NO_IAQI_ABOVE_TOP: ReadonlySet<AqiColumn> = new Set(['so2_1h', 'o3_8h']);

/**
 * Which column each input is read against. Realtime (实时报): SO2, NO2, CO and O3 are 1-hour
 * concentrations against their 1-hour columns (Table 1 note 1: those columns serve the realtime
 * report only); PM10 and PM2.5, 1-hour concentrations too, have only 24-hour columns; `o3_8h` is
 * the 8-hour moving mean. Daily (日报): 24-hour means of SO2, NO2, CO, PM10 and PM2.5; `o3` is the
 * day's maximum 1-hour value and `o3_8h` its maximum 8-hour moving mean.
 */
export const AQI_MODE_COLUMNS: Readonly<Record<AqiMode, Readonly<Record<AqiPollutant, AqiColumn>>>> = {
  realtime: { pm25: 'pm25_24h', pm10: 'pm10_24h', so2: 'so2_1h', no2: 'no2_1h', co: 'co_1h', o3: 'o3_1h', o3_8h: 'o3_8h' },
  daily: { pm25: 'pm25_24h', pm10: 'pm10_24h', so2: 'so2_24h', no2: 'no2_24h', co: 'co_24h', o3: 'o3_1h', o3_8h: 'o3_8h' },
};

/**
 * Where a pollutant's IAQI comes from when its own column gives none. HJ 633-2012 Table 1 note 2:
 * SO2 1-hour above 800 µg/m³ is reported by the IAQI of the 24-hour column. The realtime input has
 * no 24-hour SO2 mean, so the same 1-hour concentration is read against the 24-hour column.
 * O3 8-hour above 800 (note 3) needs no entry: O3's 1-hour IAQI is its own input, `o3`.
 */
const FALLBACK_COLUMN: Partial<Record<AqiColumn, AqiColumn>> = { so2_1h: 'so2_24h' };

/** An IAQI this close to an integer is that integer: float noise must not push a breakpoint's step up by one. */
const INTEGER_TOLERANCE = 1e-9;

/**
 * The individual air quality index (空气质量分指数) of one concentration: linear interpolation
 * between the column's breakpoints (HJ 633-2012 formula 1), rounded up to an integer (进位取整).
 * Above the top breakpoint: 500 (the scale's end), except SO2 1 h and O3 8 h above 800, which give
 * null (no IAQI computed, Table 1 notes 2 and 3). Throws on a negative or non-finite concentration.
 */
export function iaqi(column: AqiColumn, concentration: number, standard: AqiStandard): number | null {
  const table = AQI_BREAKPOINTS[standard]?.[column];
  if (!table) throw new Error(`iaqi: unknown column ${JSON.stringify(column)} or standard ${JSON.stringify(standard)}`);
  if (!Number.isFinite(concentration) || concentration < 0) {
    throw new Error(`iaqi: ${column}: concentration must be a finite number ≥ 0, got ${concentration}`);
  }
  const top = table.length - 1;
  if (concentration > table[top]) return NO_IAQI_ABOVE_TOP.has(column) ? null : IAQI_STEPS[IAQI_STEPS.length - 1];
  let i = 0;
  while (concentration > table[i + 1]) i++;
  if (concentration === table[i + 1]) return IAQI_STEPS[i + 1];
  const [bpLo, bpHi, iLo, iHi] = [table[i], table[i + 1], IAQI_STEPS[i], IAQI_STEPS[i + 1]];
  const value = iLo + ((iHi - iLo) * (concentration - bpLo)) / (bpHi - bpLo);
  const nearest = Math.round(value);
  return Math.abs(value - nearest) < INTEGER_TOLERANCE ? nearest : Math.ceil(value);
}

/** One of the six AQI levels (空气质量指数级别) with its category name and the official colour. */
export interface AqiLevel {
  level: 1 | 2 | 3 | 4 | 5 | 6;
  /** The AQI range of the level, inclusive; AQI is an integer from 0 to 500. */
  min: number;
  max: number;
  name: { zh: string; en: string };
  /** HJ 633-2012 Appendix A colour, "#RRGGBB". */
  color: string;
}

/** HJ 633-2012 Table 2 and Appendix A: the levels, their categories and colours. */
export const AQI_LEVELS: readonly AqiLevel[] = [
  { level: 1, min: 0, max: 50, name: { zh: '优', en: 'Good' }, color: '#00E400' },
  { level: 2, min: 51, max: 100, name: { zh: '良', en: 'Moderate' }, color: '#FFFF00' },
  { level: 3, min: 101, max: 150, name: { zh: '轻度污染', en: 'Lightly polluted' }, color: '#FF7E00' },
  { level: 4, min: 151, max: 200, name: { zh: '中度污染', en: 'Moderately polluted' }, color: '#FF0000' },
  { level: 5, min: 201, max: 300, name: { zh: '重度污染', en: 'Heavily polluted' }, color: '#99004C' },
  { level: 6, min: 301, max: 500, name: { zh: '严重污染', en: 'Severely polluted' }, color: '#7E0023' },
];

/** The level of an AQI (an AQI between two integer ranges, e.g. 50.5, belongs to the higher one). */
export function aqiLevel(aqi: number): AqiLevel {
  if (!(aqi >= 0)) throw new Error(`aqiLevel: AQI must be a number ≥ 0, got ${aqi}`);
  return AQI_LEVELS.find((l) => aqi <= l.max) ?? AQI_LEVELS[AQI_LEVELS.length - 1];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The standard in force on a day: HJ 633—2026 from 2026-03-01, HJ 633-2012 before. `date` is a
 * day "YYYY-MM-DD" or an epoch time in milliseconds, judged by its Beijing (UTC+8) date.
 */
export function aqiStandardFor(date: string | number): AqiStandard {
  let day: string;
  if (typeof date === 'number') {
    if (!Number.isFinite(date)) throw new Error(`aqiStandardFor: epoch milliseconds must be finite, got ${date}`);
    day = formatSimTime(date).slice(0, 10);
  } else {
    if (!DATE.test(date)) throw new Error(`aqiStandardFor: expected a date "YYYY-MM-DD", got ${JSON.stringify(date)}`);
    day = date;
  }
  return day >= AQI_2026_FROM ? 'HJ 633—2026' : 'HJ 633-2012';
}

/** Concentrations of one place and time (µg/m³; CO mg/m³); see {@link AQI_MODE_COLUMNS} for what each is. */
export type AqiInput = Partial<Record<AqiPollutant, number>>;

export interface AqiOptions {
  mode: AqiMode;
  standard: AqiStandard;
}

export interface AqiResult {
  /** The largest IAQI, an integer 0–500. */
  aqi: number;
  level: AqiLevel['level'];
  levelName: AqiLevel['name'];
  color: string;
  /** 首要污染物: every input whose IAQI equals the AQI, in {@link AQI_POLLUTANTS} order; none while AQI ≤ 50. */
  primary: AqiPollutant[];
  /**
   * The IAQI of each input given. An input not given has no entry; null means the standard
   * computes none (O3 8 h above 800 µg/m³).
   */
  iaqi: Partial<Record<AqiPollutant, number | null>>;
  standard: AqiStandard;
}

/**
 * The AQI of a set of concentrations (HJ 633 sections 4–5), with its level, colour and primary
 * pollutants. Throws if no input yields an IAQI (none given, or only O3 8 h above 800 without
 * the 1-hour O3 that the standard reports instead): callers validate input first.
 */
export function computeAqi(input: AqiInput, options: AqiOptions): AqiResult {
  const { mode, standard } = options;
  const columns = AQI_MODE_COLUMNS[mode];
  if (!columns) throw new Error(`computeAqi: unknown mode ${JSON.stringify(mode)}`);
  const indices: AqiResult['iaqi'] = {};
  let aqi = -1;
  for (const pollutant of AQI_POLLUTANTS) {
    const concentration = input[pollutant];
    if (concentration === undefined) continue;
    const column = columns[pollutant];
    let value = iaqi(column, concentration, standard);
    const fallback = FALLBACK_COLUMN[column];
    if (value === null && fallback) value = iaqi(fallback, concentration, standard);
    indices[pollutant] = value;
    if (value !== null && value > aqi) aqi = value;
  }
  if (aqi < 0) {
    throw new Error(`computeAqi: no IAQI could be computed from ${JSON.stringify(input)} (give at least one concentration; O3 8 h above 800 needs the 1-hour O3)`);
  }
  const level = aqiLevel(aqi);
  const primary = aqi > 50 ? AQI_POLLUTANTS.filter((p) => indices[p] === aqi) : [];
  return { aqi, level: level.level, levelName: { ...level.name }, color: level.color, primary, iaqi: indices, standard };
}
