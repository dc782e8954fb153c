import { z } from 'zod';

const Name = z.strictObject({ zh: z.string(), en: z.string() });
const Stability = z.enum(['A', 'A-B', 'B', 'B-C', 'C', 'C-D', 'D', 'E', 'F']);
/** µg/m³ by pollutant id (CO in mg/m³): pm25, pm10, so2, no2, co, o3. */
const Concentrations = z.record(z.string(), z.number());

/** The air over the city now: what the environment engine publishes about once a sim minute. */
export const AirSummary = z.strictObject({
  simTimeMs: z.number().int().nonnegative(),
  /** The AQI standard in force on the run's date. */
  standard: z.string(),
  /** Citywide realtime AQI from the stations' mean hourly concentrations (as a city's AQI is reported), its level 1–6 and primary pollutants. */
  aqi: z.number().int().nonnegative(),
  level: z.number().int().min(1).max(6),
  primary: z.array(z.string()),
  /** The stations' mean hourly concentrations. */
  concentrations: Concentrations,
  /** Mean realtime AQI over the grid's cells (a what-if figure). */
  meanGridAqi: z.number().nonnegative(),
  /** People-weighted mean PM2.5 (µg/m³) over the grid, population estimated from residential floor area. */
  exposurePm25: z.number().nonnegative(),
  /** The largest ground-level concentration on the grid now by pollutant or substance, with where it is (local metres). */
  maxima: z.array(z.strictObject({ pollutant: z.string(), value: z.number(), x: z.number(), y: z.number() })),
  weather: z.strictObject({
    /** Direction the wind blows from, degrees clockwise from north. */
    windFromDeg: z.number(),
    windSpeedMs: z.number().nonnegative(),
    stability: Stability,
    /** True when the scenario or an inject fixed the class rather than Turner's method. */
    stabilityFixed: z.boolean(),
    mixingHeightM: z.number().positive(),
    cloudOktas: z.number().min(0).max(8),
    temperatureC: z.number(),
    solarElevationDeg: z.number(),
  }),
  stations: z.array(
    z.strictObject({
      id: z.string(),
      name: Name,
      x: z.number(),
      y: z.number(),
      /** Realtime AQI from the station's last hourly means. */
      aqi: z.number().int().nonnegative(),
      level: z.number().int().min(1).max(6),
      primary: z.array(z.string()),
      /** Means over the last hour (µg/m³; CO mg/m³). */
      hourly: Concentrations,
      /** The last one-minute reading. */
      minute: Concentrations,
      /**
       * Daily AQI (日报) from the last 24 whole hours: 24-hour means, the highest 1-hour O3 and the
       * highest 8-hour O3; null until 20 hours are in (GB 3095-2012's validity rule for a 24-hour mean).
       */
      daily: z.strictObject({ aqi: z.number().int().nonnegative(), level: z.number().int().min(1).max(6), primary: z.array(z.string()) }).nullable(),
    }),
  ),
  releases: z.array(
    z.strictObject({
      id: z.string(),
      substance: z.string(),
      x: z.number(),
      y: z.number(),
      heightM: z.number(),
      gPerS: z.number(),
      startMs: z.number(),
      /** Null while it goes on. */
      endMs: z.number().nullable(),
      active: z.boolean(),
    }),
  ),
});
export type AirSummary = z.infer<typeof AirSummary>;
