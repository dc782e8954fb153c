const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** ISC3 switches to a uniform vertical distribution once σz reaches 1.6 mixing heights (vol. II §1.1.6.1). */
const WELL_MIXED_SIGMA_Z_PER_L = 1.6;

/** Image terms smaller than this share of the sum are left out: far below float32 grid precision. */
const IMAGE_TOLERANCE = 1e-12;

/** A bound on image pairs, far above the ~7 that σz < 1.6 L ever needs. */
const MAX_IMAGES = 100;

/**
 * ISC3's vertical term V (User's Guide vol. II, EPA-454/B-95-003b, §1.1.6.1): the dimensionless
 * factor that turns 1/(2π·σy·σz) into the concentration profile in z, for a release at height `hM`
 * reflected by the ground and by the lid at `mixingHeightM` (Infinity: no lid):
 *
 *   V = Σₙ exp(−(z − H + 2nL)²/2σz²) + exp(−(z + H + 2nL)²/2σz²),  n = −N … N,
 *
 * summed until the terms are negligible. Once σz ≥ 1.6·L the material is taken as mixed evenly
 * through the layer, V = √(2π)·σz/L. A release above the lid, or a receptor above it, gives 0:
 * the lid keeps the two apart (ISC3 sets ground-level concentrations to 0 when H > L).
 */
export function verticalTerm(zM: number, hM: number, sigmaZM: number, mixingHeightM: number): number {
  const l = mixingHeightM;
  const twoVar = 2 * sigmaZM * sigmaZM;
  if (l === Infinity) return Math.exp(-((zM - hM) ** 2) / twoVar) + Math.exp(-((zM + hM) ** 2) / twoVar);
  if (hM > l || zM > l) return 0;
  if (sigmaZM >= WELL_MIXED_SIGMA_Z_PER_L * l) return (SQRT_2PI * sigmaZM) / l;

  let sum = Math.exp(-((zM - hM) ** 2) / twoVar) + Math.exp(-((zM + hM) ** 2) / twoVar);
  for (let n = 1; n <= MAX_IMAGES; n++) {
    const shift = 2 * n * l;
    const pair =
      Math.exp(-((zM - hM + shift) ** 2) / twoVar) +
      Math.exp(-((zM - hM - shift) ** 2) / twoVar) +
      Math.exp(-((zM + hM + shift) ** 2) / twoVar) +
      Math.exp(-((zM + hM - shift) ** 2) / twoVar);
    sum += pair;
    // With 0 ≤ z, H ≤ L every image of the pair n moves further off as n grows, so the pairs only shrink.
    if (pair <= IMAGE_TOLERANCE * sum) break;
  }
  return sum;
}
