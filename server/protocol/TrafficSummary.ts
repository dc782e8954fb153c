import { z } from 'zod';

/** The five levels of the traffic performance index (交通运行指数), from free to jammed. */
export const CONGESTION_LEVELS = ['free', 'light', 'moderate', 'heavy', 'severe'] as const;
export const CongestionLevel = z.enum(CONGESTION_LEVELS);
export type CongestionLevel = z.infer<typeof CongestionLevel>;

const Index = z.number().min(0).max(10);

/** A traffic engine's city-level figures at one sim time (sent about once per sim-time second of wall time). */
export const TrafficSummary = z.strictObject({
  simTimeMs: z.number().int().nonnegative(),
  /** Citywide traffic performance index, 0–10, and its level. */
  index: Index,
  level: CongestionLevel,
  /** Mean speed of the vehicles on the network, km/h. */
  meanSpeedKmh: z.number().nonnegative(),
  /** Vehicles on the network now. */
  vehicles: z.number().int().nonnegative(),
  /** Trips that entered the network since the run's start. */
  departed: z.number().int().nonnegative(),
  /** Trips that reached their destination since the run's start. */
  arrived: z.number().int().nonnegative(),
  /** Vehicle-hours travelled since the run's start. */
  vehicleHours: z.number().nonnegative(),
  /** Total delay against free-flow speed since the run's start, vehicle-hours. */
  delayHours: z.number().nonnegative(),
  /** Index by district id. */
  districts: z.array(z.strictObject({ id: z.string(), index: Index })),
  /**
   * Travel time now (on current speeds) between named origin–destination pairs, seconds; `null`
   * when no open road leads from the one to the other (a closure or water cut it off): unreachable,
   * worse than any time.
   */
  odTimes: z.array(z.strictObject({ id: z.string(), name: z.strictObject({ zh: z.string(), en: z.string() }), seconds: z.number().nonnegative().nullable() })),
  /**
   * Links closed now and why: `closed` by an operator (a whole or part closure), `flood` by water
   * on the road (barred to cars; emergency vehicles pass while `emergencyPass`).
   */
  closures: z.array(
    z.strictObject({ linkId: z.string(), name: z.string(), reason: z.enum(['closed', 'flood']), lanes: z.number().int().positive(), emergencyPass: z.boolean() }),
  ),
  /** The most congested links now, worst first (at most 10). */
  worstLinks: z.array(z.strictObject({ linkId: z.string(), name: z.string(), index: Index, speedKmh: z.number().nonnegative() })),
});
export type TrafficSummary = z.infer<typeof TrafficSummary>;
