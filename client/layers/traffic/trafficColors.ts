/**
 * Colours of the traffic performance index's five levels, as Chinese traffic screens draw them
 * (green for 畅通 through dark red for 严重拥堵), and of closed roads; shared by both views and the
 * traffic panel so a level looks the same everywhere.
 */
import { CONGESTION_LEVELS, type CongestionLevel } from '../../../server/protocol/TrafficSummary.ts';
import { congestionLevel } from '../../../server/sim/traffic/performanceIndex.ts';
import type { DecodedLinkFrame } from '../../../server/protocol/LinkFrameCodec.ts';

export const LEVEL_COLORS: Record<CongestionLevel, string> = {
  free: '#2ecc71',
  light: '#a3e048',
  moderate: '#ffd23f',
  heavy: '#ff7b25',
  severe: '#d7263d',
};

/** A road with every lane closed. */
export const CLOSED_COLOR = '#b04cff';
/** A road before any traffic figure has arrived. */
export const NO_DATA_COLOR = '#5b6b80';

export { CONGESTION_LEVELS, congestionLevel };

function rgb(css: string): [number, number, number] {
  const n = Number.parseInt(css.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const LEVEL_RGB = CONGESTION_LEVELS.map((l) => rgb(LEVEL_COLORS[l]));
const CLOSED_RGB = rgb(CLOSED_COLOR);
const NO_DATA_RGB = rgb(NO_DATA_COLOR);

/**
 * Writes each link's colour as RGBA bytes (4 per link) into `out` from a link frame, or the
 * no-data colour for every link when `frame` is null; returns `out`. Links past the frame's count
 * keep the no-data colour. Alpha is 255, or `levelAlpha[level]` for a link at a level when given
 * (closed and no-data links keep 255).
 */
export function fillLinkColors(frame: DecodedLinkFrame | null, count: number, out = new Uint8Array(4 * count), levelAlpha?: readonly number[]): Uint8Array {
  for (let k = 0; k < count; k++) {
    let c = NO_DATA_RGB;
    let alpha = 255;
    if (frame && k < frame.count) {
      if (frame.closed[k]) c = CLOSED_RGB;
      else {
        const level = Math.min(4, Math.max(0, Math.floor(frame.index[k] / 2)));
        c = LEVEL_RGB[level];
        if (levelAlpha) alpha = levelAlpha[level];
      }
    }
    const o = 4 * k;
    out[o] = c[0];
    out[o + 1] = c[1];
    out[o + 2] = c[2];
    out[o + 3] = alpha;
  }
  return out;
}
