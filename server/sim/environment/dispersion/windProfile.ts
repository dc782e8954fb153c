import type { Terrain } from './sigmas.ts';
import { meanOverHalfClass, type Stability, type WholeStability } from './stability.ts';

/**
 * Power-law exponents p by class: ISC3 User's Guide vol. II (EPA-454/B-95-003b), §1.1.3 (after
 * Irwin 1979): urban 0.15, 0.15, 0.20, 0.25, 0.30, 0.30; rural 0.07, 0.07, 0.10, 0.15, 0.35, 0.55.
 */
const EXPONENT: Record<Terrain, Record<WholeStability, number>> = {
  urban: { A: 0.15, B: 0.15, C: 0.2, D: 0.25, E: 0.3, F: 0.3 },
  rural: { A: 0.07, B: 0.07, C: 0.1, D: 0.15, E: 0.35, F: 0.55 },
};

/** The height of the wind measurement the profile starts from, m (the standard 10 m anemometer). */
const REFERENCE_HEIGHT_M = 10;

/**
 * ISC3 uses no wind below 1.0 m/s (vol. II §1.1.3): the Gaussian formulas divide by it and stop
 * describing anything real in calms.
 */
export const MIN_WIND_MS = 1;

/**
 * Wind speed (m/s) at `heightM` from the 10 m wind: u10·(z/10)^p above 10 m, u10 at or below it,
 * never below 1.0 m/s. Half classes take the mean of their neighbours' exponents.
 */
export function windAtHeight(u10Ms: number, heightM: number, stability: Stability, terrain: Terrain): number {
  if (heightM <= REFERENCE_HEIGHT_M) return Math.max(MIN_WIND_MS, u10Ms);
  const p = meanOverHalfClass(stability, (s) => EXPONENT[terrain][s]);
  return Math.max(MIN_WIND_MS, u10Ms * (heightM / REFERENCE_HEIGHT_M) ** p);
}
