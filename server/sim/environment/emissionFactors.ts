import { z } from 'zod';
import { EMITTED, type Emitted } from './pollutants.ts';

/** Grams per vehicle-kilometre by emitted pollutant, for one vehicle kind. */
export const EmissionFactorSet = z.strictObject(Object.fromEntries(EMITTED.map((p) => [p, z.number().nonnegative()])) as Record<Emitted, z.ZodNumber>);
export type EmissionFactorSet = z.infer<typeof EmissionFactorSet>;

/** One vehicle kind's factors: running emissions per kilometre, and idling emissions per hour stood still. */
export const KindFactors = z.strictObject({ gPerKm: EmissionFactorSet, gPerIdleHour: EmissionFactorSet });
export type KindFactors = z.infer<typeof KindFactors>;

/** Factors by vehicle kind (ObjectKind names). */
export const EmissionFactors = z.strictObject({ car: KindFactors, bus: KindFactors, truck: KindFactors, emergency: KindFactors });
export type EmissionFactors = z.infer<typeof EmissionFactors>;

/**
 * Default urban emission factors, g per vehicle-km, for a fleet of the China 4–6 (国IV–国6) era in
 * stop-and-go city driving. Representative values of the order given by
 * - exhaust: the EMEP/EEA air pollutant emission inventory guidebook 2019, chapter 1.A.3.b.i–iv,
 *   Tier 2 urban factors for Euro 4–5 / IV–V vehicles (China's 国IV–国V follow the Euro limits),
 *   and MEE's 《道路机动车大气污染物排放清单编制技术指南（试行）》(2014) base factors;
 * - non-exhaust PM (tyre, brake and road wear, most of a modern car's PM): EMEP/EEA 2019 chapter
 *   1.A.3.b.vi–vii, Tier 1 (about 0.02 g/km PM10 for a car, 0.1 for a heavy vehicle).
 * - idling (engines running while the vehicle stands at a light or in a queue, which the per-km
 *   factors leave out): of the order of US EPA's idle rates (EPA-420-F-08-025, 2008: a heavy-duty
 *   diesel ~34 g/h NOx, ~25 g/h CO; a petrol car ~1 g/h NOx, ~10 g/h CO); no wear while standing.
 * They are rounded and not a local inventory: a scenario replaces them with `emissionFactors`.
 * No SO2 from road traffic: China's fuel has held ≤ 10 ppm sulphur since 2017 (negligible).
 */
export const DEFAULT_EMISSION_FACTORS: EmissionFactors = {
  // Petrol car: exhaust NOx 0.05, CO 0.6, PM 0.002; non-exhaust PM10 0.022, PM2.5 0.010.
  car: { gPerKm: { nox: 0.05, co: 0.6, pm25: 0.012, pm10: 0.024, so2: 0 }, gPerIdleHour: { nox: 1, co: 10, pm25: 0.05, pm10: 0.05, so2: 0 } },
  // Diesel city bus (国V), stopping every few hundred metres.
  bus: { gPerKm: { nox: 6.0, co: 2.0, pm25: 0.08, pm10: 0.16, so2: 0 }, gPerIdleHour: { nox: 40, co: 25, pm25: 0.6, pm10: 0.6, so2: 0 } },
  // Diesel heavy goods vehicle (国V).
  truck: { gPerKm: { nox: 4.5, co: 1.8, pm25: 0.07, pm10: 0.14, so2: 0 }, gPerIdleHour: { nox: 34, co: 25, pm25: 0.5, pm10: 0.5, so2: 0 } },
  // Light diesel vans and fire engines averaged: a light-duty diesel.
  emergency: { gPerKm: { nox: 0.6, co: 0.3, pm25: 0.03, pm10: 0.05, so2: 0 }, gPerIdleHour: { nox: 5, co: 3, pm25: 0.1, pm10: 0.1, so2: 0 } },
};

/** Vehicle kinds in ObjectKind order (car 0, bus 1, truck 2, emergency 3): LinkActivity's kinds. */
export const ACTIVITY_KIND_NAMES = ['car', 'bus', 'truck', 'emergency'] as const;
