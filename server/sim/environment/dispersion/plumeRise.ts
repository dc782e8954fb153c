import type { Stability } from './stability.ts';
import { MIN_WIND_MS } from './windProfile.ts';

/** Gravity as ISC3 takes it, m/s². */
const G_MS2 = 9.80616;

/**
 * Potential temperature gradient dθ/dz (K/m) that ISC3 assumes for its stable classes
 * (vol. II §1.1.4.6): 0.020 for E, 0.035 for F.
 */
const STABLE_DTHETA_DZ_K_PER_M: Partial<Record<Stability, number>> = { E: 0.02, F: 0.035 };

/** A stack and the air it releases into, for {@link plumeRise}. */
export interface PlumeRiseInput {
  /** Physical stack height, m. Kept with the stack's other figures; ISC3's stack-tip downwash, which would lower it, is not applied. */
  stackHeightM: number;
  /** Inside diameter at the stack top, m. */
  diameterM?: number;
  /** Exit velocity of the gas, m/s. */
  exitVelocityMs?: number;
  /** Exit temperature of the gas, K. */
  exitTempK?: number;
  /** Ambient air temperature, K. */
  ambientTempK: number;
  /** Wind at the stack top, m/s (read as at least 1.0 m/s, ISC3's minimum). */
  windAtStackMs: number;
  stability: Stability;
  /** Distance the plume has travelled downwind, m. */
  downwindM: number;
}

/**
 * Briggs's plume rise (m) as ISC3 computes it (User's Guide vol. II, EPA-454/B-95-003b, §1.1.4;
 * Briggs 1969, 1971, 1975): buoyancy flux Fb = g·vs·d²·ΔT/(4·Ts) and momentum flux
 * Fm = vs²·d²·Ta/(4·Ts); buoyancy dominates when ΔT = Ts − Ta reaches the crossover ΔTc
 * (where the buoyant and momentum final rises meet: 0.0297·Ts·vs^⅓/d^⅔ for Fb < 55,
 * 0.00575·Ts·vs^⅔/d^⅓ for Fb ≥ 55, 0.019582·Ts·vs·√s stable), momentum otherwise. Final rise:
 *
 * - unstable/neutral (A–D), buoyant: 21.425·Fb^¾/us (Fb < 55) or 38.71·Fb^0.6/us (Fb ≥ 55);
 *   momentum: 3·d·vs/us.
 * - stable (E, F; s = g·(dθ/dz)/Ta), buoyant: 2.6·(Fb/(us·s))^⅓; momentum: 1.5·(Fm/(us·√s))^⅓,
 *   but no more than the unstable momentum rise.
 *
 * Before that, the gradual rise at distance x (§1.1.4.10): buoyant 1.60·Fb^⅓·x^⅔/us (Briggs 1972);
 * momentum (3·Fm·x/(βj²·us²))^⅓ unstable, (3·Fm·sin(x·√s/us)/(βj²·us·√s))^⅓ stable, with
 * βj = ⅓ + us/vs (Bowers et al. 1979); each capped at its final rise, which the momentum rise
 * takes outright beyond ISC3's xmax (49·Fb^⅝ or 119·Fb^0.4 unstable, (π/2)·us/√s stable).
 *
 * No rise (0) when the exit velocity, temperature or diameter is missing or not positive, or the
 * gas is not warmer than the air. ISC3 would still give a cold jet its momentum rise; leaving it
 * out keeps such releases low, which errs toward higher ground-level concentrations.
 */
export function plumeRise(input: PlumeRiseInput): number {
  const { diameterM: d, exitVelocityMs: vs, exitTempK: ts, ambientTempK: ta, stability, downwindM } = input;
  if (d === undefined || vs === undefined || ts === undefined) return 0;
  if (!(d > 0 && vs > 0 && ts > ta)) return 0;
  const us = Math.max(MIN_WIND_MS, input.windAtStackMs);
  const x = Math.max(0, downwindM);
  const dT = ts - ta;
  const fb = (G_MS2 * vs * d * d * dT) / (4 * ts);
  const fm = (vs * vs * d * d * ta) / (4 * ts);
  const beta = 1 / 3 + us / vs;
  const momentumFinal = (3 * d * vs) / us;
  const dThetaDz = STABLE_DTHETA_DZ_K_PER_M[stability];

  if (dThetaDz === undefined) {
    const small = fb < 55;
    const crossover = small
      ? (0.0297 * ts * vs ** (1 / 3)) / d ** (2 / 3)
      : (0.00575 * ts * vs ** (2 / 3)) / d ** (1 / 3);
    if (dT >= crossover) {
      const final = small ? (21.425 * fb ** 0.75) / us : (38.71 * fb ** 0.6) / us;
      return Math.min(buoyantGradualRise(fb, x, us), final);
    }
    // Beyond ISC3's xmax for the gradual momentum rise (§1.1.4.10) the final rise holds.
    const xMax = small ? 49 * fb ** (5 / 8) : 119 * fb ** 0.4;
    if (x >= xMax) return momentumFinal;
    return Math.min(Math.cbrt((3 * fm * x) / (beta * beta * us * us)), momentumFinal);
  }

  const s = (G_MS2 * dThetaDz) / ta;
  const rootS = Math.sqrt(s);
  if (dT >= 0.019582 * ts * vs * rootS) {
    const final = 2.6 * Math.cbrt(fb / (us * s));
    return Math.min(buoyantGradualRise(fb, x, us), final);
  }
  const final = Math.min(1.5 * Math.cbrt(fm / (us * rootS)), momentumFinal);
  // ISC3's xmax here is (π/2)·us/√s, where the sine peaks; beyond it the final rise holds.
  const phase = (x * rootS) / us;
  if (phase >= Math.PI / 2) return final;
  return Math.min(Math.cbrt((3 * fm * Math.sin(phase)) / (beta * beta * us * rootS)), final);
}

/** Briggs (1972) two-thirds law: buoyant rise 1.60·Fb^⅓·x^⅔/us before it levels off. */
function buoyantGradualRise(fb: number, x: number, us: number): number {
  return (1.6 * Math.cbrt(fb) * x ** (2 / 3)) / us;
}
