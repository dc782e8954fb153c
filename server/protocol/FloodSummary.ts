import { z } from 'zod';

/** Rainstorm warning signals (暴雨预警信号) of the China Meteorological Administration, lowest first. */
export const RAIN_WARNINGS = ['blue', 'yellow', 'orange', 'red'] as const;
export const RainWarning = z.enum(RAIN_WARNINGS);
export type RainWarning = z.infer<typeof RainWarning>;

/**
 * Water depths at which a road changes state, metres (REFERENCES.md, after Kramer et al., TRB):
 * cars slow from 0.15 m and are barred from 0.3 m; emergency vehicles pass up to 0.6 m. The flood
 * engine reports links by them and the traffic engine drives by them.
 */
export const SLOW_DEPTH_M = 0.15;
export const CLOSED_DEPTH_M = 0.3;
export const IMPASSABLE_DEPTH_M = 0.6;

/** A road link under water: cars are barred from `closed` links (≥ 0.3 m), emergency vehicles too past 0.6 m. */
export const FloodedLink = z.strictObject({
  linkId: z.string(),
  name: z.string(),
  /** The deepest water along the link, metres. */
  depthM: z.number().nonnegative(),
  /** slow (≥ 0.15 m), closed to cars (≥ 0.3 m) or impassable (≥ 0.6 m, emergency vehicles too). */
  state: z.enum(['slow', 'closed', 'impassable']),
});
export type FloodedLink = z.infer<typeof FloodedLink>;

/**
 * The water over the city now, as the flood engine publishes it (once a sim minute) and
 * `GET /api/runs/:id/flood` answers it. Volumes are cumulative since the run's start, m³; the
 * balance holds: rainM3 = waterM3 + drainedM3 + infiltratedM3 + outflowM3 (+ the water on the grid
 * at the start, none in the flood engine: the river and reservoir are sinks at their normal level,
 * not water of the model's own).
 */
export const FloodSummary = z.strictObject({
  simTimeMs: z.number().int().nonnegative(),
  rainM3: z.number().nonnegative(),
  /** On the grid now (standing and flowing on the ground). */
  waterM3: z.number().nonnegative(),
  /** Taken by the storm drains from built-up land. */
  drainedM3: z.number().nonnegative(),
  /** Soaked up by parks and woods. */
  infiltratedM3: z.number().nonnegative(),
  /** Left through the river, the reservoir and the domain's edge. */
  outflowM3: z.number().nonnegative(),
  /** The deepest water on the grid now, metres. */
  maxDepthM: z.number().nonnegative(),
  /** Cells with water ≥ 0.15 m (outside the river and reservoir). */
  floodedCells: z.number().int().nonnegative(),
  /** The flood grid's cell, metres (a flooded cell is cellM² of ground). */
  cellM: z.number().positive(),
  /** Rain falling now, mm/h (the mean over the rain's area). */
  rainMmPerH: z.number().nonnegative(),
  /** Rain fallen since the run's start, mm (the most anywhere). */
  rainMm: z.number().nonnegative(),
  /** The highest rainstorm warning the rain so far has raised, or null. */
  warning: RainWarning.nullable(),
  /** Links with water ≥ 0.15 m, deepest first: the MAX_FLOODED_LINKS deepest (all of them are counted in linkCounts). */
  closedLinks: z.array(FloodedLink),
  /** Links by water state now, and the road closed to cars (closed or impassable), km of directed links. */
  linkCounts: z.strictObject({ slow: z.number().int().nonnegative(), closed: z.number().int().nonnegative(), impassable: z.number().int().nonnegative() }),
  closedKm: z.number().nonnegative(),
  /** Buildings with water ≥ 0.15 m at their door (a cell beside their footprint). */
  wetBuildings: z.number().int().nonnegative(),
});
export type FloodSummary = z.infer<typeof FloodSummary>;

/** The summary lists at most this many flooded links (a heavy storm floods thousands; every screen gets the summary each minute). */
export const MAX_FLOODED_LINKS = 200;
