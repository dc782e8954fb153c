import { CONGESTION_LEVELS, type CongestionLevel } from '../../protocol/TrafficSummary.ts';

/**
 * The traffic performance index (交通运行指数, TPI), 0–10, in the manner of Beijing's DB11/T 785
 * and the Ministry's GA/T 115: a link's index follows from its speed ratio r = mean speed / free-flow
 * travel speed (the speed limit slowed by the mean red time at the link's end, so an uncongested
 * signalised street reads as free), piecewise linear inside five equal bands:
 *
 * | r            | index  | level                    |
 * |--------------|--------|--------------------------|
 * | ≥ 0.9        | 0–2    | 畅通 free                |
 * | 0.7 – 0.9    | 2–4    | 基本畅通 light           |
 * | 0.5 – 0.7    | 4–6    | 轻度拥堵 moderate        |
 * | 0.3 – 0.5    | 6–8    | 中度拥堵 heavy           |
 * | < 0.3        | 8–10   | 严重拥堵 severe          |
 *
 * (r = 1 → 0, r = 0.9 → 2, …, r = 0.3 → 8, r = 0 → 10; between 0.9 and 1 it falls from 2 to 0.)
 * A district's or the city's index is the mean of its links' indices weighted by vehicle-kilometres
 * (vehicles on the link × its length), so busy roads count for what they carry; with no vehicles
 * it is 0.
 */
export function linkIndex(speedRatio: number): number {
  const r = Math.min(1, Math.max(0, speedRatio));
  if (r >= 0.9) return (1 - r) * 20;
  if (r >= 0.3) return 2 + (0.9 - r) * 10;
  return 8 + ((0.3 - r) / 0.3) * 2;
}

/** The level of an index: bands [0,2) free, [2,4) light, [4,6) moderate, [6,8) heavy, [8,10] severe. */
export function congestionLevel(index: number): CongestionLevel {
  return CONGESTION_LEVELS[Math.min(4, Math.max(0, Math.floor(index / 2)))];
}

/** Chinese names of the five levels, as command-centre screens show them. */
export const CONGESTION_LEVEL_ZH: Record<CongestionLevel, string> = {
  free: '畅通',
  light: '基本畅通',
  moderate: '轻度拥堵',
  heavy: '中度拥堵',
  severe: '严重拥堵',
};
