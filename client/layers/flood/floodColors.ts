/**
 * Colours of the flood layer, shared by both views, the legend and the panel: water depth in bands
 * whose edges are the road thresholds (slow from 0.15 m, closed to cars from 0.3 m, to emergency
 * vehicles from 0.6 m), deeper bands darker and more opaque; the rainstorm warning signals in their
 * colours; and the painter that drapes a depth grid on the ground (dry cells clear).
 */
import type { RainWarning } from '../../../server/protocol/FloodSummary.ts';
import type { ScalarGrid } from '../../../server/protocol/ScalarGridCodec.ts';
import { rgbOf, type Rgb } from '../air/airColors.ts';

/** The flood engine's depth grid (metres; NaN where dry). */
export const WATER_DEPTH_LAYER = 'waterDepth';

/** Water shallower than this (m) is not drawn: every street is damp in heavy rain. */
export const MIN_DRAWN_DEPTH_M = 0.05;

export interface DepthBand {
  /** Lower edge, metres (the band holds depths from here to the next band's edge). */
  fromM: number;
  color: string;
  /** Opacity on the ground, 0–1. */
  alpha: number;
  /** The i18n key of what water this deep does (flood.band.*). */
  key: string;
}

/** Depth bands, shallowest first. */
export const DEPTH_BANDS: readonly DepthBand[] = [
  { fromM: 0.05, color: '#8fd3ff', alpha: 0.4, key: 'puddle' },
  { fromM: 0.15, color: '#4aa8f0', alpha: 0.5, key: 'slow' },
  { fromM: 0.3, color: '#1f78d6', alpha: 0.6, key: 'closed' },
  { fromM: 0.6, color: '#1450b0', alpha: 0.7, key: 'impassable' },
  { fromM: 1, color: '#0b2d78', alpha: 0.8, key: 'deep' },
];

/** The band of a depth, or null below the shallowest (or NaN: dry). */
export function depthBand(depthM: number): DepthBand | null {
  let found: DepthBand | null = null;
  for (const band of DEPTH_BANDS) if (depthM >= band.fromM) found = band;
  return found;
}

/** Rainstorm warning signals (暴雨预警信号) in their colours. */
export const WARNING_COLORS: Readonly<Record<RainWarning, string>> = { blue: '#1e5bff', yellow: '#ffd600', orange: '#ff7e00', red: '#ff1a1a' };

/** Text on a warning's colour: dark on yellow and orange, white on blue and red. */
export const warningTextColor = (w: RainWarning): string => (w === 'yellow' || w === 'orange' ? '#04121f' : '#ffffff');

const BAND_RGBA: readonly [Rgb, number][] = DEPTH_BANDS.map((b) => [rgbOf(b.color), Math.round(255 * b.alpha)]);

/**
 * Paints a depth grid: each cell its band's colour and opacity, clear where dry or shallower than
 * MIN_DRAWN_DEPTH_M (with the shallowest band's colour, so the texture's filtering fades edges to
 * clear water rather than to black).
 */
export function paintDepth(grid: Pick<ScalarGrid, 'cols' | 'rows' | 'values'>, out: Uint8ClampedArray, northUp: boolean): void {
  const { cols, rows, values } = grid;
  if (out.length < 4 * cols * rows) throw new Error(`paintDepth: ${out.length} bytes for a ${cols}×${rows} grid`);
  const [edge] = BAND_RGBA[0];
  for (let r = 0; r < rows; r++) {
    const row = northUp ? rows - 1 - r : r;
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c];
      let k = -1;
      for (let b = 0; b < DEPTH_BANDS.length && v >= DEPTH_BANDS[b].fromM; b++) k = b;
      const [rgb, alpha] = k < 0 ? [edge, 0] : BAND_RGBA[k];
      const o = 4 * (row * cols + c);
      out[o] = rgb[0];
      out[o + 1] = rgb[1];
      out[o + 2] = rgb[2];
      out[o + 3] = alpha;
    }
  }
}
