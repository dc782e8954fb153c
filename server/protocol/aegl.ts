/**
 * Acute Exposure Guideline Levels (AEGL) of the US EPA for the chemicals the emergency engine
 * releases, with their molar masses and names. Pure (no Node-only API): the client draws threat
 * zones with the same table and colours.
 *
 * Source: US EPA AEGL values (final), the National Research Council's "Acute Exposure Guideline
 * Levels for Selected Airborne Chemicals" (chlorine vol. 4, 2004; ammonia vol. 6, 2008; hydrogen
 * chloride vol. 4, 2004; hydrogen sulfide vol. 9, 2010; sulfur dioxide vol. 8, 2010). Values are
 * ppm. Only the durations known with certainty are tabulated: the 60-minute values always, the
 * 10- and 30-minute ones where given.
 */
import { z } from 'zod';

/** The chemicals with AEGL values here; ids are the release names the environment engine uses. */
export const CHEMICAL_IDS = ['chlorine', 'ammonia', 'hydrogen_sulfide', 'sulfur_dioxide', 'hydrogen_chloride'] as const;
export const ChemicalId = z.enum(CHEMICAL_IDS);
export type ChemicalId = z.infer<typeof ChemicalId>;

/** AEGL-1 (discomfort, reversible), AEGL-2 (irreversible effects, impaired ability to escape), AEGL-3 (life-threatening). */
export const AEGL_LEVELS = [1, 2, 3] as const;
export type AeglLevel = (typeof AEGL_LEVELS)[number];

/** Exposure durations tabulated here (the EPA tables also give 4 h and 8 h). */
export const AEGL_DURATIONS = ['10min', '30min', '60min'] as const;
export type AeglDuration = (typeof AEGL_DURATIONS)[number];

/** AEGL-1, AEGL-2, AEGL-3 for one duration, ppm. */
export type AeglTriple = readonly [number, number, number];

export interface Chemical {
  id: ChemicalId;
  name: { zh: string; en: string };
  formula: string;
  cas: string;
  /** g/mol. */
  molarMass: number;
  /** AEGL-1/2/3 in ppm by duration; `60min` always, shorter durations where the EPA value is known here. */
  aeglPpm: { readonly '60min': AeglTriple } & Partial<Record<'10min' | '30min', AeglTriple>>;
}

/**
 * The table. Chlorine's AEGL-1 (0.50 ppm) is the same for every duration; so are ammonia's (30),
 * hydrogen chloride's (1.8) and sulfur dioxide's AEGL-1 (0.20) and AEGL-2 (0.75). Sulfur dioxide
 * has only its 60-minute values here.
 */
export const CHEMICALS: Readonly<Record<ChemicalId, Chemical>> = {
  chlorine: {
    id: 'chlorine',
    name: { zh: '氯气', en: 'Chlorine' },
    formula: 'Cl2',
    cas: '7782-50-5',
    molarMass: 70.9,
    aeglPpm: { '10min': [0.5, 2.8, 50], '30min': [0.5, 2.8, 28], '60min': [0.5, 2.0, 20] },
  },
  ammonia: {
    id: 'ammonia',
    name: { zh: '氨气', en: 'Ammonia' },
    formula: 'NH3',
    cas: '7664-41-7',
    molarMass: 17.03,
    aeglPpm: { '10min': [30, 220, 2700], '30min': [30, 220, 1600], '60min': [30, 160, 1100] },
  },
  hydrogen_sulfide: {
    id: 'hydrogen_sulfide',
    name: { zh: '硫化氢', en: 'Hydrogen sulfide' },
    formula: 'H2S',
    cas: '7783-06-4',
    molarMass: 34.08,
    aeglPpm: { '10min': [0.75, 41, 76], '30min': [0.6, 32, 59], '60min': [0.51, 27, 50] },
  },
  sulfur_dioxide: {
    id: 'sulfur_dioxide',
    name: { zh: '二氧化硫', en: 'Sulfur dioxide' },
    formula: 'SO2',
    cas: '7446-09-5',
    molarMass: 64.07,
    aeglPpm: { '60min': [0.2, 0.75, 30] },
  },
  hydrogen_chloride: {
    id: 'hydrogen_chloride',
    name: { zh: '氯化氢', en: 'Hydrogen chloride' },
    formula: 'HCl',
    cas: '7647-01-0',
    molarMass: 36.46,
    aeglPpm: { '10min': [1.8, 100, 620], '30min': [1.8, 43, 210], '60min': [1.8, 22, 100] },
  },
};

/** Litres a mole of ideal gas fills at 25 °C and 101.325 kPa: the EPA's conversion, mg/m³ = ppm × M / 24.45. */
export const MOLAR_VOLUME_L = 24.45;

/** ppm (by volume) → mg/m³ at 25 °C and 1 atm. */
export function ppmToMgM3(ppm: number, molarMass: number): number {
  return (ppm * molarMass) / MOLAR_VOLUME_L;
}

/** mg/m³ → ppm (by volume) at 25 °C and 1 atm. */
export function mgM3ToPpm(mgM3: number, molarMass: number): number {
  return (mgM3 * MOLAR_VOLUME_L) / molarMass;
}

/** An AEGL in ppm; throws for a chemical or a duration not in the table (a caller's bug: the ids come from the schema). */
export function aeglPpm(chemical: ChemicalId, level: AeglLevel, duration: AeglDuration = '60min'): number {
  const c = CHEMICALS[chemical];
  if (!c) throw new Error(`aeglPpm: unknown chemical ${JSON.stringify(chemical)}`);
  const triple = c.aeglPpm[duration];
  if (!triple) throw new Error(`aeglPpm: ${chemical} has no ${duration} AEGL here (durations: ${Object.keys(c.aeglPpm).join(', ')})`);
  if (!AEGL_LEVELS.includes(level)) throw new Error(`aeglPpm: level must be 1, 2 or 3, got ${level}`);
  return triple[level - 1];
}

/** An AEGL in mg/m³ (the unit of the concentration grids). */
export function aeglMgM3(chemical: ChemicalId, level: AeglLevel, duration: AeglDuration = '60min'): number {
  return ppmToMgM3(aeglPpm(chemical, level, duration), CHEMICALS[chemical].molarMass);
}

/** Threat-zone colours as NOAA's ALOHA draws them: AEGL-3 red, AEGL-2 orange, AEGL-1 yellow. */
export const AEGL_COLORS: Readonly<Record<AeglLevel, string>> = { 3: '#FF0000', 2: '#FFA500', 1: '#FFFF00' };
