import { verticalTerm } from './verticalTerm.ts';

/** Grams to micrograms: the formulas give g/m³, the twin reports µg/m³. */
const UG_PER_G = 1e6;

/** A steady plume and a receptor, for {@link plumeConcentration}. */
export interface PlumeInput {
  /** Emission rate, g/s. */
  gPerS: number;
  /** Wind at release height, m/s. */
  windMs: number;
  /** Release height plus plume rise, m. */
  effectiveHeightM: number;
  sigmaYM: number;
  sigmaZM: number;
  /** Receptor's distance from the plume's centreline, m. */
  crosswindM: number;
  receptorHeightM: number;
  /** Height of the lid the plume reflects from, m; Infinity for none. */
  mixingHeightM: number;
}

/**
 * Steady Gaussian plume concentration, µg/m³ (Turner 1970, eq. 3.1; ISC3 vol. II eq. 1-1):
 * Q/(2π·u·σy·σz)·exp(−y²/2σy²)·V, with V the vertical term with ground and lid reflections
 * ({@link verticalTerm}; once mixed through the layer this is Q/(√(2π)·u·σy·L)·exp(−y²/2σy²)).
 */
export function plumeConcentration(p: PlumeInput): number {
  const v = verticalTerm(p.receptorHeightM, p.effectiveHeightM, p.sigmaZM, p.mixingHeightM);
  if (v === 0) return 0;
  const lateral = Math.exp(-(p.crosswindM * p.crosswindM) / (2 * p.sigmaYM * p.sigmaYM));
  return ((UG_PER_G * p.gPerS) / (2 * Math.PI * p.windMs * p.sigmaYM * p.sigmaZM)) * lateral * v;
}

/** A puff and a receptor, for {@link puffConcentration}. */
export interface PuffInput {
  /** Mass the puff carries, g. */
  massG: number;
  /** Receptor's offset from the puff's centre, east and north, m. */
  dxM: number;
  dyM: number;
  effectiveHeightM: number;
  /** Horizontal spread (σx = σy), m. */
  sigmaYM: number;
  sigmaZM: number;
  receptorHeightM: number;
  mixingHeightM: number;
}

const TWO_PI_1_5 = (2 * Math.PI) ** 1.5;

/**
 * Gaussian puff concentration, µg/m³: M/((2π)^{3/2}·σx·σy·σz)·exp(−r²/2σy²)·V with σx = σy, the
 * horizontal spread being taken as the same along and across the wind (as CALPUFF does for its
 * circular puffs), and V the same vertical term as the plume's.
 */
export function puffConcentration(p: PuffInput): number {
  const v = verticalTerm(p.receptorHeightM, p.effectiveHeightM, p.sigmaZM, p.mixingHeightM);
  if (v === 0) return 0;
  const twoVar = 2 * p.sigmaYM * p.sigmaYM;
  const horizontal = Math.exp(-(p.dxM * p.dxM + p.dyM * p.dyM) / twoVar);
  return ((UG_PER_G * p.massG) / (TWO_PI_1_5 * p.sigmaYM * p.sigmaYM * p.sigmaZM)) * horizontal * v;
}
