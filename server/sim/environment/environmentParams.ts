import { z } from 'zod';
import { EmissionFactors } from './emissionFactors.ts';

export const StabilityClass = z.enum(['A', 'A-B', 'B', 'B-C', 'C', 'C-D', 'D', 'E', 'F']).describe('Pasquill–Gifford stability class');

/** The weather of one hour of the day (Beijing time). */
export const WeatherHour = z
  .strictObject({
    hour: z.number().int().min(0).max(23).describe('Hour of the day, Beijing time; the values hold until the next listed hour'),
    windFromDeg: z.number().min(0).max(360).describe('Direction the wind blows from, degrees clockwise from north'),
    windSpeedMs: z.number().min(0).max(40).describe('Wind speed at 10 m, m/s'),
    cloudOktas: z.number().min(0).max(8).default(3).describe('Cloud cover, oktas (0 clear … 8 overcast)'),
    temperatureC: z.number().min(-40).max(50).default(12).describe('Air temperature, °C'),
    mixingHeightM: z.number().min(50).max(5000).default(800).describe('Mixing height, m'),
    stability: StabilityClass.optional().describe("Fixes the class this hour instead of Turner's method"),
  })
  .describe('Weather from this hour of the day on');
export type WeatherHour = z.infer<typeof WeatherHour>;

const Concentrations = z.strictObject({
  pm25: z.number().min(0).max(1000).optional(),
  pm10: z.number().min(0).max(2000).optional(),
  so2: z.number().min(0).max(2000).optional(),
  no2: z.number().min(0).max(2000).optional(),
  co: z.number().min(0).max(100).optional().describe('mg/m³'),
  o3: z.number().min(0).max(1000).optional(),
});

/** A stack: a point source with plume rise. Rates in g/s. */
export const Stack = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]{1,40}$/),
  name: z.strictObject({ zh: z.string().min(1), en: z.string().min(1) }),
  x: z.number().describe('East, metres from the city origin'),
  y: z.number().describe('North, metres from the city origin'),
  heightM: z.number().min(1).max(400),
  diameterM: z.number().min(0.1).max(20),
  exitVelocityMs: z.number().min(0).max(60),
  exitTempK: z.number().min(200).max(1000),
  gPerS: Concentrations.omit({ no2: true, o3: true }).extend({ nox: z.number().min(0).max(2000).optional() }),
});
export type Stack = z.infer<typeof Stack>;

/** Scenario parameters of the environment engine. */
export const EnvironmentParams = z
  .strictObject({
    weather: z.array(WeatherHour).min(1).optional().describe("Hourly weather; by default an ordinary spring day in Pingdingshan"),
    stability: StabilityClass.optional().describe("Fixes the stability class for the whole run instead of Turner's method"),
    dispersion: z.enum(['urban', 'rural']).default('urban').describe("Dispersion coefficients: Briggs's urban (McElroy–Pooler) or Pasquill–Gifford rural (ISC3)"),
    cellM: z.number().min(25).max(500).default(100).describe('Grid cell, metres'),
    background: Concentrations.default({}).describe('Regional background, µg/m³ (CO mg/m³); missing pollutants take the defaults'),
    stacks: z.array(Stack).optional().describe("Industrial stacks; by default a few in the city's industrial area"),
    emissionFactors: EmissionFactors.optional().describe('Road traffic emission factors by vehicle kind, g/km'),
    stationNoise: z.number().min(0).max(0.5).default(0.05).describe('Relative measurement noise of the stations (standard deviation)'),
  })
  .describe('Environment engine parameters');
export type EnvironmentParams = z.infer<typeof EnvironmentParams>;

const Point = z.union([
  z.strictObject({ x: z.number().describe('East, metres from the city origin'), y: z.number().describe('North, metres from the city origin') }),
  z.strictObject({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) }),
]);

/** The environment engine's injects. */
export const EnvironmentInjects = {
  'environment.weather': z
    .strictObject({
      windFromDeg: z.number().min(0).max(360).optional(),
      windSpeedMs: z.number().min(0).max(40).optional(),
      stability: StabilityClass.optional(),
      mixingHeightM: z.number().min(50).max(5000).optional(),
      cloudOktas: z.number().min(0).max(8).optional(),
      temperatureC: z.number().min(-40).max(50).optional(),
    })
    .refine((w) => Object.keys(w).length > 0, { message: 'give at least one of windFromDeg, windSpeedMs, stability, mixingHeightM, cloudOktas, temperatureC' })
    .describe('Changes the weather from now on (the fields given)'),
  'environment.release': z
    .strictObject({
      id: z
        .string()
        .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - (1–64)')
        .optional()
        .describe('Names the release (unique in the run); release-N when left out'),
      at: Point.describe('Where: local metres {x, y} or {lon, lat}'),
      heightM: z.number().min(0).max(400).describe('Release height above ground, m'),
      pollutant: z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,31}$/, 'a lower-case name such as "chlorine", "ammonia", "smoke" or an AQI pollutant (pm25, pm10, so2, co)')
        .describe('What is released: an AQI pollutant adds to its grid; any other name gets a grid of its own'),
      gPerS: z.number().positive().max(1e6).describe('Release rate, g/s'),
      durationS: z.number().positive().max(7 * 86400).optional().describe('How long it lasts; without it, until the run ends'),
      exitVelocityMs: z.number().min(0).max(100).optional().describe('With exitTempK: the release rises (Briggs)'),
      exitTempK: z.number().min(150).max(2000).optional(),
      diameterM: z.number().min(0.05).max(20).optional().describe('Vent diameter, m (1 m by default)'),
    })
    .describe('Starts a release of a substance; answers its id'),
  'environment.release_rate': z
    .strictObject({
      id: z.string().min(1).describe('The release, as its start answered'),
      gPerS: z.number().min(0).max(1e6).describe('New rate from now on, g/s; 0 stops it'),
    })
    .describe("Changes a release's rate (a fire growing, a leak sealed)"),
} as const;
