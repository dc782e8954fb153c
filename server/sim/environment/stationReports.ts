import type { AirSummary } from '../../protocol/AirSummary.ts';
import { computeAqi, type AqiStandard } from '../../protocol/aqi.ts';
import { POLLUTANTS, type Pollutant } from './pollutants.ts';
import type { StationRecords } from './StationRecords.ts';

/** An air-quality station: an `aq_station` point of the city. */
export interface Station {
  id: string;
  name: { zh: string; en: string };
  x: number;
  y: number;
}

/** Whole hours a daily AQI needs (GB 3095-2012 §8: a 24-hour mean needs at least 20 hourly values). */
const DAILY_MIN_HOURS = 20;

/** What each station reports now: its last minute, its trailing hour's means and realtime AQI, and its daily AQI. */
export function stationReports(records: StationRecords, stations: readonly Station[], standard: AqiStandard): AirSummary['stations'] {
  return stations.map((s, k) => {
    const hourly: Record<string, number> = {};
    const minute: Record<string, number> = {};
    POLLUTANTS.forEach((p, j) => {
      hourly[p] = round3(records.trailingHour(k, j));
      minute[p] = round3(records.latest(k, j));
    });
    const aqi = computeAqi(hourly, { mode: 'realtime', standard });
    return { id: s.id, name: s.name, x: s.x, y: s.y, aqi: aqi.aqi, level: aqi.level, primary: aqi.primary as string[], hourly, minute, daily: dailyAqi(records, k, standard) };
  });
}

/** A station's daily AQI (日报) from its last 24 whole hours, or null before 20 of them are in. */
function dailyAqi(records: StationRecords, k: number, standard: AqiStandard): AirSummary['stations'][number]['daily'] {
  if (records.wholeHours < DAILY_MIN_HOURS) return null;
  const index = (p: Pollutant): number => POLLUTANTS.indexOf(p);
  const mean = (p: Pollutant): number => records.meanOfHours(k, index(p), 24);
  const input: Record<string, number> = { pm25: mean('pm25'), pm10: mean('pm10'), so2: mean('so2'), no2: mean('no2'), co: mean('co'), o3: records.maxHourly(k, index('o3'), 24) };
  const o3Eight = records.maxEightHour(k, index('o3'));
  if (!Number.isNaN(o3Eight)) input.o3_8h = o3Eight;
  const daily = computeAqi(input, { mode: 'daily', standard });
  return { aqi: daily.aqi, level: daily.level, primary: daily.primary as string[] };
}

/** A figure for people: three decimals, free of float noise. */
export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
