import type { BuildingUse } from '../../city/CityModel.ts';
import { CHEMICALS, MOLAR_VOLUME_L, aeglPpm, type ChemicalId } from '../../protocol/aegl.ts';

/**
 * Casualty models of the emergency engine, as expected values (fractions of the people exposed, or
 * expected counts): the engine rounds. Deterministic: no random draws.
 *
 * Toxic releases: a person's toxic load L = ∫ Cⁿ dt (t in minutes) sets the lethality probit
 * Pr = a + b ln L, and the fraction killed is Φ(Pr − 5). Exposure beyond the load of the 60-minute
 * AEGL-3 that does not kill is counted a serious injury, beyond AEGL-2 an injury. People indoors
 * breathe the building's air, which follows the outdoor air at the building's air change rate.
 *
 * Fires: people on the fire floor and the floors above who have not left when those floors become
 * untenable are trapped; a documented share of them die or are seriously hurt.
 */

/** A lethality probit, Pr = a + b ln(Σ Cⁿ Δt), C in `unit`, Δt in minutes. */
export interface LethalityProbit {
  a: number;
  b: number;
  n: number;
  unit: 'ppm' | 'mg/m3';
  source: string;
}

/**
 * Probits known here. Chlorine: Withers and Lees (1985), "The assessment of major hazards: the lethal
 * toxicity of chlorine, part 2", J. Hazardous Materials 12, 283–302 — the regular population at the
 * standard level of activity; its 30-minute LC50 is 250 ppm, its 10-minute LC50 433 ppm (the paper's
 * own figures). Ammonia: TNO "Purple Book" (CPR 18E, Guidelines for quantitative risk assessment,
 * 1999), Pr = −15.6 + ln(C² t), C in mg/m³ — its 30-minute LC50, 5,400 mg/m³ (7,800 ppm), agrees
 * with the 7,500 ppm estimated for people by Engelhardt and Holliday (1985, AECB INFO-0153).
 * The other chemicals have no probit here: no deaths are computed for them.
 */
export const LETHALITY_PROBITS: Readonly<Partial<Record<ChemicalId, LethalityProbit>>> = {
  chlorine: { a: -8.29, b: 0.92, n: 2, unit: 'ppm', source: 'Withers & Lees 1985' },
  ammonia: { a: -15.6, b: 1, n: 2, unit: 'mg/m3', source: 'TNO Purple Book (CPR 18E)' },
};

/**
 * The load exponent for chemicals without a probit, to compare exposures with the AEGLs: 2, as
 * chlorine's and ammonia's (ten Berge, Zwart and Appelman 1986, J. Hazardous Materials 13,
 * 301–309, found n from 0.8 to 3.5 for irritant and systemic gases).
 */
const DEFAULT_LOAD_EXPONENT = 2;

/** How a chemical's concentration turns into toxic load and harm. */
export interface ToxicModel {
  chemical: ChemicalId;
  /** Load exponent n. */
  n: number;
  /** Multiplies mg/m³ to give the load's concentration unit (ppm or mg/m³). */
  perMgM3: number;
  probit: LethalityProbit | null;
  /** Loads of a 60-minute exposure at AEGL-1, -2, -3 (unit^n · min). */
  aeglLoads: readonly [number, number, number];
}

/** The toxic model of a chemical. */
export function toxicModel(chemical: ChemicalId): ToxicModel {
  const c = CHEMICALS[chemical];
  if (!c) throw new Error(`toxicModel: unknown chemical ${JSON.stringify(chemical)}`);
  const probit = LETHALITY_PROBITS[chemical] ?? null;
  const n = probit?.n ?? DEFAULT_LOAD_EXPONENT;
  const perMgM3 = probit?.unit === 'mg/m3' ? 1 : MOLAR_VOLUME_L / c.molarMass;
  const ppmToUnit = probit?.unit === 'mg/m3' ? c.molarMass / MOLAR_VOLUME_L : 1;
  const load = (level: 1 | 2 | 3): number => (aeglPpm(chemical, level) * ppmToUnit) ** n * 60;
  return { chemical, n, perMgM3, probit, aeglLoads: [load(1), load(2), load(3)] };
}

/** Toxic load of a constant concentration (mg/m³) breathed for `minutes`. */
export function toxicLoad(model: ToxicModel, concentrationMgM3: number, minutes: number): number {
  return (concentrationMgM3 * model.perMgM3) ** model.n * minutes;
}

/**
 * Toxic load over a step of `seconds` in which the concentration goes from `startMgM3` to `endMgM3`
 * (Simpson's rule on a straight line between them: exact for n = 2).
 */
export function toxicLoadStep(model: ToxicModel, startMgM3: number, endMgM3: number, seconds: number): number {
  const f = (c: number): number => (Math.max(0, c) * model.perMgM3) ** model.n;
  return ((seconds / 60) * (f(startMgM3) + 4 * f((startMgM3 + endMgM3) / 2) + f(endMgM3))) / 6;
}

/** The standard normal distribution function Φ. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Complementary error function, relative error < 1.2e-7 everywhere (Numerical Recipes in C, 2nd ed., §6.2, erfcc). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Fraction responding at a probit: Φ(Pr − 5). */
export function probitToFraction(probit: number): number {
  return normalCdf(probit - 5);
}

/** The probit of a fraction in (0, 1): 5 + Φ⁻¹(fraction), by bisection. */
export function fractionToProbit(fraction: number): number {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`fractionToProbit: fraction must be in (0, 1), got ${fraction}`);
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < fraction) lo = mid;
    else hi = mid;
  }
  return 5 + (lo + hi) / 2;
}

/** The lethality probit of a toxic load; −∞ for no load or a chemical without a probit. */
export function lethalityProbit(model: ToxicModel, load: number): number {
  if (!model.probit || !(load > 0)) return -Infinity;
  return model.probit.a + model.probit.b * Math.log(load);
}

/** The constant concentration (mg/m³) that kills `fraction` of the people breathing it for `minutes` (LC50 at 0.5); null without a probit. */
export function lethalConcentrationMgM3(model: ToxicModel, fraction: number, minutes: number): number | null {
  if (!model.probit) return null;
  const load = Math.exp((fractionToProbit(fraction) - model.probit.a) / model.probit.b);
  return (load / minutes) ** (1 / model.n) / model.perMgM3;
}

/** What a toxic load does to the people who took it, as fractions of them (they add up to at most 1). */
export interface ToxicOutcome {
  dead: number;
  /** Survivors of a load beyond the 60-minute AEGL-3 (life-threatening): hospital cases, 重伤/中毒. */
  seriouslyInjured: number;
  /** Loads beyond the 60-minute AEGL-2 but not AEGL-3 (irreversible or serious effects): treated, not all admitted. */
  injured: number;
}

/**
 * The outcome of a toxic load: the probit's dead; of the rest, seriously injured when the load
 * passes that of an hour at AEGL-3, injured when it passes an hour at AEGL-2.
 */
export function toxicOutcome(model: ToxicModel, load: number): ToxicOutcome {
  const dead = probitToFraction(lethalityProbit(model, load));
  const [, aegl2, aegl3] = model.aeglLoads;
  if (load >= aegl3) return { dead, seriouslyInjured: 1 - dead, injured: 0 };
  if (load >= aegl2) return { dead, seriouslyInjured: 0, injured: 1 - dead };
  return { dead, seriouslyInjured: 0, injured: 0 };
}

/**
 * Air changes per hour of a building: closed up to shelter (doors and windows shut, ventilation
 * off), 0.5 — closed homes exchange about 0.2–1 of their air an hour by infiltration (ASHRAE
 * Handbook—Fundamentals, "Ventilation and Infiltration"); as ordinarily used, with some windows
 * open or ventilation running, about 2 (an assumption).
 */
export const AIR_CHANGES_PER_HOUR = { sheltered: 0.5, ordinary: 2 } as const;

/**
 * The indoor concentration after `seconds`, from `indoorMgM3`, with the outdoor air at
 * `outdoorMgM3` all the while: the well-mixed box dC/dt = λ (C_out − C_in), λ air changes per hour.
 */
export function indoorConcentration(indoorMgM3: number, outdoorMgM3: number, airChangesPerHour: number, seconds: number): number {
  if (!(airChangesPerHour >= 0) || !(seconds >= 0)) throw new Error(`indoorConcentration: air changes ${airChangesPerHour}/h and ${seconds} s must be ≥ 0`);
  return outdoorMgM3 + (indoorMgM3 - outdoorMgM3) * Math.exp((-airChangesPerHour * seconds) / 3600);
}

/**
 * Stair flow, persons per second per metre of effective width: 1.01, the maximum specific flow on
 * 7/11-inch stairs of the SFPE Handbook's hydraulic model (Gwynne and Rosenbaum, "Employing the
 * hydraulic model in assessing emergency movement"); the effective width is the clear width less a
 * 0.15 m boundary layer at each wall.
 */
const STAIR_SPECIFIC_FLOW = 1.01;
const STAIR_BOUNDARY_M = 0.15;
/** Clear width of an evacuation stair, m: GB 50016-2014 minima, 1.10 in dwellings (5.5.30), 1.20 in high-rise public buildings (5.5.18). */
const STAIR_WIDTH_M = { residential: 1.1, other: 1.2 } as const;

/**
 * Assumptions of the fire model, for drills: not from a standard. Pre-movement (from ignition to
 * setting off): 2 min awake, 10 min asleep (of the order PD 7974-6 gives for alerted office workers
 * and for sleeping residents of flats). The fire floor is untenable (ISO 13571's smoke and heat
 * limits reached in its corridors) 10 min after ignition; the floors above, through stairs and
 * shafts, 15 min after. Of those trapped on the fire floor half die and half are seriously hurt;
 * of those trapped above, a tenth die and three tenths are seriously hurt (smoke inhalation), the
 * rest wait unharmed for rescue.
 */
export const FIRE_ASSUMPTIONS = {
  preMovementAwakeS: 120,
  preMovementAsleepS: 600,
  fireFloorUntenableS: 600,
  floorsAboveUntenableS: 900,
  fireFloor: { dead: 0.5, seriouslyInjured: 0.5 },
  floorsAbove: { dead: 0.1, seriouslyInjured: 0.3 },
} as const;

export interface FireInput {
  /** The building's floors. */
  floors: number;
  /** Floor where the fire started, 1 = ground. */
  fireFloor: number;
  /** People in the building at ignition (spread evenly over its floors). */
  occupants: number;
  /** Seconds since ignition; pass the time the fire was brought under control once it is, so the counts stop growing. */
  timeSinceIgnitionS: number;
  use: BuildingUse;
  /** Occupants asleep (dwellings at night): they set off later. */
  asleep: boolean;
  /** Evacuation stairs, 2 by default (GB 50016 asks two safety exits of most floors). */
  stairs?: number;
}

export interface FireCasualties {
  /** People on the fire floor and above at ignition. */
  atRisk: number;
  /** Of those, people who have left. */
  evacuated: number;
  /** Of those, people still inside and not (yet) harmed. */
  remaining: number;
  dead: number;
  seriouslyInjured: number;
}

/**
 * Expected casualties of a building fire by the time since ignition. After the pre-movement time
 * everyone leaves by the stairs at their combined flow, every floor at the same pace; whoever is
 * still on the fire floor when it becomes untenable, or above it when those floors do, is trapped
 * and meets the outcome of FIRE_ASSUMPTIONS. The counts never fall as time goes on.
 */
export function fireCasualties(input: FireInput): FireCasualties {
  const { floors, fireFloor, occupants, timeSinceIgnitionS: t, use, asleep } = input;
  const stairs = input.stairs ?? 2;
  if (!Number.isInteger(floors) || floors < 1) throw new Error(`fireCasualties: floors must be a positive integer, got ${floors}`);
  if (!Number.isInteger(fireFloor) || fireFloor < 1 || fireFloor > floors) throw new Error(`fireCasualties: fireFloor ${fireFloor} is not a floor of 1..${floors}`);
  if (!(occupants >= 0) || !(t >= 0) || !(stairs >= 1)) throw new Error(`fireCasualties: occupants ${occupants}, time ${t} s and stairs ${stairs} must be ≥ 0 (stairs ≥ 1)`);
  const a = FIRE_ASSUMPTIONS;
  const perFloor = occupants / floors;
  const onFireFloor = perFloor;
  const above = perFloor * (floors - fireFloor);
  const width = use === 'residential' ? STAIR_WIDTH_M.residential : STAIR_WIDTH_M.other;
  const flow = stairs * STAIR_SPECIFIC_FLOW * (width - 2 * STAIR_BOUNDARY_M);
  const preMovement = asleep ? a.preMovementAsleepS : a.preMovementAwakeS;
  /** Share of every floor's occupants out by time s. */
  const out = (s: number): number => (occupants > 0 ? Math.min(1, (flow * Math.max(0, s - preMovement)) / occupants) : 1);

  const fireFloorTrapped = t >= a.fireFloorUntenableS ? onFireFloor * (1 - out(a.fireFloorUntenableS)) : 0;
  const aboveTrapped = t >= a.floorsAboveUntenableS ? above * (1 - out(a.floorsAboveUntenableS)) : 0;
  const fireFloorOut = onFireFloor * out(Math.min(t, a.fireFloorUntenableS));
  const aboveOut = above * out(Math.min(t, a.floorsAboveUntenableS));
  const dead = fireFloorTrapped * a.fireFloor.dead + aboveTrapped * a.floorsAbove.dead;
  const seriouslyInjured = fireFloorTrapped * a.fireFloor.seriouslyInjured + aboveTrapped * a.floorsAbove.seriouslyInjured;
  const atRisk = onFireFloor + above;
  const evacuated = fireFloorOut + aboveOut;
  return { atRisk, evacuated, remaining: atRisk - evacuated - dead - seriouslyInjured, dead, seriouslyInjured };
}
