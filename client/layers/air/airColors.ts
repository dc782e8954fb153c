/**
 * Colours of the air layer, shared by both views, the legend and the panels: the six AQI levels in
 * their official colours (HJ 633, server/protocol/aqi.ts), a sequential ramp for a pollutant's
 * concentration over its range, and the colour grid a heat map is textured with.
 */
import { AQI_LEVELS, aqiLevel } from '../../../server/protocol/aqi.ts';
import type { ScalarGrid } from '../../../server/protocol/ScalarGridCodec.ts';

/** The grid layer of the realtime AQI; the heat map shows it unless another is chosen. */
export const AQI_LAYER = 'aqi';
/** The six pollutants' grid layers, in the order the legend and panels list them. */
export const POLLUTANTS = ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3'] as const;

/** True for a released substance's grid layer (any layer that is neither AQI nor one of the six pollutants). */
export function isSubstance(layer: string): boolean {
  return layer !== AQI_LAYER && !(POLLUTANTS as readonly string[]).includes(layer);
}

/** Opacity of the heat map: the city shows through it. */
export const HEAT_ALPHA = 0.45;
/**
 * A substance's plume spans decades: it is coloured on a log scale over the three below its
 * largest value, and cells below that are not drawn (the plume, not the whole city).
 */
export const SUBSTANCE_DECADES = 3;

/** A concentration ramp, low to high (magma from a fifth of the way up: no black to darken the city). */
export const RAMP = ['#3b0f70', '#8c2981', '#de4968', '#fe9f6d', '#fcfdbf'] as const;

/** Colours of a release's contour lines, lowest level first. */
export const CONTOUR_COLORS = ['#fff176', '#ff9800', '#ff1744'] as const;

/** The colour of contour level `index` of `count` (ascending): the highest is always the reddest. */
export function contourColor(index: number, count: number): string {
  return CONTOUR_COLORS[Math.max(0, Math.min(CONTOUR_COLORS.length - 1, index + CONTOUR_COLORS.length - count))];
}

export type Rgb = [number, number, number];

/** "#RRGGBB" as RGB bytes. */
export function rgbOf(css: string): Rgb {
  const n = Number.parseInt(css.slice(1, 7), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const LEVEL_RGB = AQI_LEVELS.map((l) => rgbOf(l.color));
const RAMP_RGB = RAMP.map(rgbOf);

/** The official colour of an AQI's level, "#RRGGBB". */
export function aqiColor(aqi: number): string {
  return aqiLevel(Math.max(0, aqi)).color;
}

/** The ramp's colour at `t` (0 lowest … 1 highest, clamped), linear between its stops. */
export function rampColor(t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (RAMP_RGB.length - 1);
  const i = Math.min(RAMP_RGB.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [RAMP_RGB[i], RAMP_RGB[i + 1]];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** How a grid is coloured: by AQI level, or by the ramp over [min, max] (a substance's on a log scale). */
export interface HeatScale {
  kind: 'aqi' | 'pollutant' | 'substance';
  min: number;
  max: number;
}

/** The scale a grid is drawn with: its layer's kind and the range of its values (NaN cells left out). */
export function heatScale(grid: Pick<ScalarGrid, 'layer' | 'values'>): HeatScale {
  let min = Infinity;
  let max = -Infinity;
  for (const v of grid.values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) [min, max] = [0, 0];
  const kind = grid.layer === AQI_LAYER ? 'aqi' : isSubstance(grid.layer) ? 'substance' : 'pollutant';
  return { kind, min: kind === 'substance' ? max / 10 ** SUBSTANCE_DECADES : min, max };
}

/** Where `v` falls on `scale`'s ramp, 0–1 (a substance's on its log scale; below its floor, negative). */
export function rampPosition(scale: HeatScale, v: number): number {
  if (scale.kind === 'substance') return scale.max > 0 && v > 0 ? Math.log(v / scale.min) / Math.log(scale.max / scale.min) : -1;
  const span = scale.max - scale.min;
  return span > 0 ? (v - scale.min) / span : 0;
}

/** The heat map's painter of a grid (fillHeatColors into the view's bytes). */
export const paintHeat = (grid: ScalarGrid, out: Uint8ClampedArray, northUp: boolean): void => void fillHeatColors(grid, { northUp, out });

/**
 * The colour of every cell as RGBA bytes (4 a cell), row by row from the south (`northUp`: from the
 * north, as a canvas is drawn): AQI by its level's official colour, a pollutant by the ramp over the
 * grid's range, a substance by the ramp on its log scale, more opaque towards its core and clear
 * below its floor. NaN cells are clear.
 */
export function fillHeatColors(grid: ScalarGrid, options: { northUp?: boolean; alpha?: number; out?: Uint8ClampedArray } = {}): Uint8ClampedArray {
  const { cols, rows, values } = grid;
  const out = options.out ?? new Uint8ClampedArray(4 * cols * rows);
  if (out.length < 4 * cols * rows) throw new Error(`fillHeatColors: ${out.length} bytes for a ${cols}×${rows} grid`);
  const alpha = Math.round(255 * (options.alpha ?? HEAT_ALPHA));
  const scale = heatScale(grid);
  for (let r = 0; r < rows; r++) {
    const row = options.northUp ? rows - 1 - r : r;
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c];
      const o = 4 * (row * cols + c);
      let rgb: Rgb;
      let a = alpha;
      if (!Number.isFinite(v)) {
        out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
        continue;
      }
      if (scale.kind === 'aqi') {
        rgb = LEVEL_RGB[aqiLevel(Math.max(0, Math.round(v))).level - 1];
      } else {
        const t = rampPosition(scale, v);
        rgb = rampColor(t);
        // A substance shows where it is: lighter at its edge, more opaque than the rest at its core.
        if (scale.kind === 'substance') a = t < 0 ? 0 : Math.min(255, Math.round(alpha * (0.6 + 0.7 * t)));
      }
      out[o] = rgb[0];
      out[o + 1] = rgb[1];
      out[o + 2] = rgb[2];
      out[o + 3] = a;
    }
  }
  return out;
}
