import { plumeConcentration, sigmaY, sigmaZ, windAtHeight, type Stability, type Terrain } from './dispersion/index.ts';
import type { AirRaster } from './AirRaster.ts';
import { GridConvolution } from './GridConvolution.ts';

/** The weather a traffic kernel is made for. */
export interface KernelWeather {
  windFromDeg: number;
  windSpeed10Ms: number;
  stability: Stability;
  mixingHeightM: number;
}

/** Height vehicles release their exhaust at, m; their wake mixes it at once over σz0 (below). */
const TRAFFIC_RELEASE_M = 1;
/**
 * Initial vertical spread of road traffic emissions in the vehicles' wake, m: AERMOD's guidance for
 * road sources (1.7 × vehicle height / 2.15, about 1.5 m for cars; US EPA 2015 haul-road and
 * transportation conformity guidance) and CALINE3's mixing zone are of this size.
 */
const SIGMA_Z0_M = 1.5;
/** Initial lateral spread of a square area source of side s: s/4.3 (Turner 1970, §3 virtual point source). */
const AREA_SIGMA_Y0_PER_SIDE = 1 / 4.3;
/** Receptors are at breathing height. */
export const RECEPTOR_HEIGHT_M = 1.5;

/**
 * Concentration (µg/m³ per g/s) at a receptor (dx, dy) metres from the centre of a square cell of
 * side `cellM` that emits 1 g/s spread over its area at ground level: a Gaussian plume from the cell's
 * upwind edge (so the cell's own receptor sees half a cell of travel), with the area's initial
 * lateral spread and the vehicle wake's vertical spread added in quadrature. Upwind receptors get 0.
 * The wind at release height is the 10 m wind (the profile law applies only above 10 m).
 */
export function areaSourceConcentration(dx: number, dy: number, cellM: number, w: KernelWeather, terrain: Terrain): number {
  const to = ((w.windFromDeg + 180) * Math.PI) / 180;
  const ex = Math.sin(to);
  const ey = Math.cos(to);
  const along = dx * ex + dy * ey + cellM / 2;
  if (along <= 0) return 0;
  const cross = -dx * ey + dy * ex;
  const sy0 = cellM * AREA_SIGMA_Y0_PER_SIDE;
  const sy = Math.hypot(sigmaY(along, w.stability, terrain), sy0);
  const sz = Math.hypot(sigmaZ(along, w.stability, terrain), SIGMA_Z0_M);
  return plumeConcentration({
    gPerS: 1,
    windMs: windAtHeight(w.windSpeed10Ms, TRAFFIC_RELEASE_M, w.stability, terrain),
    effectiveHeightM: TRAFFIC_RELEASE_M,
    sigmaYM: sy,
    sigmaZM: sz,
    crosswindM: cross,
    receptorHeightM: RECEPTOR_HEIGHT_M,
    mixingHeightM: w.mixingHeightM,
  });
}

/**
 * Ground-level concentrations from road traffic over the whole raster at once: traffic emits
 * everywhere, so instead of a plume per road the emission raster (g/s per cell) is convolved with
 * one kernel per weather — the concentration a unit cell source gives at every cell offset — by
 * FFT. The result equals summing `areaSourceConcentration` over every emitting cell (to float
 * precision); the kernel is rebuilt only when the weather changes.
 */
export class TrafficDispersion {
  private readonly conv: GridConvolution;
  private key = '';
  /** Kernels built since construction (a figure for tests and the bench). */
  kernelsBuilt = 0;

  constructor(
    private readonly raster: AirRaster,
    private readonly terrain: Terrain,
  ) {
    this.conv = new GridConvolution(raster.cols, raster.rows);
  }

  /** Makes the kernel for `w` unless it is the current one. */
  setWeather(w: KernelWeather): void {
    const key = `${w.windFromDeg}|${w.windSpeed10Ms}|${w.stability}|${w.mixingHeightM}`;
    if (key === this.key) return;
    this.key = key;
    const s = this.raster.cellM;
    this.conv.setKernel((dc, dr) => areaSourceConcentration(dc * s, dr * s, s, w, this.terrain));
    this.kernelsBuilt++;
  }

  /** Concentrations (µg/m³ per the emission's g/s) from emission rasters `a` and optionally `b` (g/s per cell). */
  disperse(a: ArrayLike<number>, b: ArrayLike<number> | null, outA: Float32Array, outB: Float32Array | null): void {
    if (!this.key) throw new Error('TrafficDispersion: disperse() before setWeather()');
    this.conv.convolvePair(a, b, outA, outB);
    // FFT round-off leaves ±1e-12-sized values where nothing arrives: concentrations are never negative.
    for (let i = 0; i < outA.length; i++) if (outA[i] < 0) outA[i] = 0;
    if (outB) for (let i = 0; i < outB.length; i++) if (outB[i] < 0) outB[i] = 0;
  }
}
