import { z } from 'zod';
import { EmergencySummary, IncidentKind, UnitKind } from './EmergencySummary.ts';
import { CongestionLevel } from './TrafficSummary.ts';

const Name = z.strictObject({ zh: z.string(), en: z.string() });
const Index = z.number().min(0).max(10);
const Count = z.number().int().nonnegative();

/** One point of a 24-hour trend: a figure at a sim time (ms since the run's start), one per 5 sim minutes. */
export const TrendPoint = z.strictObject({ simTimeMs: z.number().int().nonnegative(), value: z.number() });
export type TrendPoint = z.infer<typeof TrendPoint>;

/** A congested road of the dashboard: a link's index and speed now, and the middle of its centre line (WGS84). */
export const WorstRoad = z.strictObject({ linkId: z.string(), name: z.string(), index: Index, speedKmh: z.number().nonnegative(), lon: z.number(), lat: z.number() });
export type WorstRoad = z.infer<typeof WorstRoad>;

/** A unit on its way, with the time left to its ETA (predicted at dispatch), seconds. */
export const ResponderEta = z.strictObject({ unitId: z.string(), kind: UnitKind, incidentId: z.string(), etaS: z.number().nonnegative() });

/**
 * The leaders' dashboard (领导驾驶舱) of a run now: `GET /api/runs/:id/dashboard`. Each block is
 * null when the run's engines do not make it (no traffic engine: no traffic), or before their
 * first figures. The trends are the last 24 sim hours, one point per 5 sim minutes. Masked like
 * the emergency summary (server/auth/masking.ts): a screen without a layer's field gets that block
 * null (units: responders; shelters; beds: hospitals; incidents: incidents and responders and
 * shelters) with its trend empty, and `withheld` names what was cut — shown as withheld, never as 0.
 */
export const Dashboard = z.strictObject({
  runId: z.string(),
  simTimeMs: z.number().int().nonnegative(),
  /** Epoch ms of sim time 0: the wall time shown is startEpochMs + simTimeMs. */
  startEpochMs: z.number().int(),
  traffic: z
    .strictObject({
      index: Index,
      level: CongestionLevel,
      meanSpeedKmh: z.number().nonnegative(),
      vehicles: Count,
      /** The most congested links now, worst first (at most 5). */
      worstRoads: z.array(WorstRoad),
    })
    .nullable(),
  air: z
    .strictObject({
      /** Citywide AQI and its level (1–6, HJ 633), and the primary pollutant (null when the AQI is 50 or less). */
      aqi: Count,
      level: z.number().int().min(1).max(6),
      primaryPollutant: z.string().nullable(),
      weather: z.strictObject({ temperatureC: z.number(), windFromDeg: z.number(), windSpeedMs: z.number().nonnegative(), cloudOktas: z.number().min(0).max(8) }),
    })
    .nullable(),
  /** Incidents not yet closed, highest response level first. */
  incidents: z.array(z.strictObject({ id: z.string(), kind: IncidentKind, level: z.enum(['I', 'II', 'III', 'IV']), status: z.enum(['active', 'contained']), lon: z.number(), lat: z.number(), title: Name })).nullable(),
  responders: z.strictObject({ enRoute: Count, onScene: Count, etas: z.array(ResponderEta) }).nullable(),
  shelters: z.strictObject({ occupancy: Count, capacity: Count }).nullable(),
  hospitals: z.strictObject({ freeBeds: Count, beds: Count }).nullable(),
  trends: z.strictObject({
    trafficIndex: z.array(TrendPoint),
    aqi: z.array(TrendPoint),
    /** Incidents open (not closed). */
    incidents: z.array(TrendPoint),
    respondersEnRoute: z.array(TrendPoint),
    shelterOccupancy: z.array(TrendPoint),
    freeBeds: z.array(TrendPoint),
  }),
  withheld: EmergencySummary.shape.withheld,
});
export type Dashboard = z.infer<typeof Dashboard>;
