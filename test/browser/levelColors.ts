/** Telling the traffic layer's colours in a screenshot, for the browser tests of both views. */
import { CLOSED_COLOR, LEVEL_COLORS } from '../../client/layers/traffic/trafficColors.ts';

type Rgb = [number, number, number];

function hsv([r, g, b]: Rgb): { h: number; s: number; v: number } {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const c = max - min;
  let h = 0;
  if (c > 0) h = max === r ? ((g - b) / c + 6) % 6 : max === g ? (b - r) / c + 2 : (r - g) / c + 4;
  return { h: h * 60, s: max > 0 ? c / max : 0, v: max / 255 };
}

const LEVEL_HUES = [...Object.values(LEVEL_COLORS), CLOSED_COLOR].map((css) => {
  const n = Number.parseInt(css.slice(1), 16);
  return hsv([(n >> 16) & 255, (n >> 8) & 255, n & 255]).h;
});

/** A pixel a user would read as one of the congestion level colours (or closed purple): saturated, bright, of a level's hue. */
export function isLevelColor(rgb: Rgb): boolean {
  const { h, s, v } = hsv(rgb);
  return s >= 0.35 && v >= 0.3 && LEVEL_HUES.some((lh) => Math.min(Math.abs(h - lh), 360 - Math.abs(h - lh)) <= 22);
}
