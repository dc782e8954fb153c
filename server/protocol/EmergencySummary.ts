import { z } from 'zod';

const Name = z.strictObject({ zh: z.string(), en: z.string() });
const Level = z.enum(['I', 'II', 'III', 'IV']);
/** Polygons in local metres: each polygon is rings of [x, y], the outer ring first, rings closed. */
const LocalMultiPolygon = z.array(z.array(z.array(z.tuple([z.number(), z.number()]))));

export const INCIDENT_KINDS = ['fire', 'chemical', 'flood'] as const;
export const IncidentKind = z.enum(INCIDENT_KINDS);
export type IncidentKind = z.infer<typeof IncidentKind>;

export const UNIT_KINDS = ['fire', 'ambulance', 'police'] as const;
export const UnitKind = z.enum(UNIT_KINDS);
export type UnitKind = z.infer<typeof UnitKind>;

/** Areas an incident has: threat zones by AEGL level (toxic), and the zones ordered evacuated or sheltered in place. */
export const ZONE_KINDS = ['aegl3', 'aegl2', 'aegl1', 'evacuation', 'shelterInPlace'] as const;
export const ZoneKind = z.enum(ZONE_KINDS);
export type ZoneKind = z.infer<typeof ZoneKind>;

export const Zone = z.strictObject({
  kind: ZoneKind,
  polygons: LocalMultiPolygon,
  areaM2: z.number().nonnegative(),
  /** People in the buildings inside it now. */
  people: z.number().int().nonnegative(),
  /** Threat zones: the farthest reach from the source, metres. */
  reachM: z.number().nonnegative().optional(),
});
export type Zone = z.infer<typeof Zone>;

/** A responding unit: `dispatchedAtMs` and `arrivedAtMs` in sim ms since the run's start; `etaS` predicted at dispatch. */
export const Unit = z.strictObject({
  id: z.string(),
  kind: UnitKind,
  /** The station, hospital or police station it came from. */
  station: z.string(),
  stationName: Name,
  /** Its vehicle's object id in object frames, once on the road (-1 before). */
  objectId: z.number().int(),
  state: z.enum(['waiting', 'enRoute', 'onScene', 'toHospital', 'done', 'failed']),
  dispatchedAtMs: z.number().int().nonnegative(),
  etaS: z.number().nonnegative(),
  arrivedAtMs: z.number().int().nonnegative().nullable(),
  /** Where it is now (local metres), when on the road. */
  x: z.number().nullable(),
  y: z.number().nullable(),
  /** Its route on the road network from the station, as link ids. */
  routeLinkIds: z.array(z.string()),
});
export type Unit = z.infer<typeof Unit>;

export const Casualties = z.strictObject({
  deaths: z.number().int().nonnegative(),
  seriouslyInjured: z.number().int().nonnegative(),
  minorInjured: z.number().int().nonnegative(),
  /** Taken to hospital so far, and waiting at the scene for an ambulance. */
  transported: z.number().int().nonnegative(),
  waiting: z.number().int().nonnegative(),
});
export type Casualties = z.infer<typeof Casualties>;

export const TimelineEntry = z.strictObject({
  simTimeMs: z.number().int().nonnegative(),
  /** An i18n key (emergency.timeline.*) and its parameters. */
  key: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const Incident = z.strictObject({
  id: z.string(),
  kind: IncidentKind,
  name: Name,
  x: z.number(),
  y: z.number(),
  startedAtMs: z.number().int().nonnegative(),
  status: z.enum(['active', 'contained', 'closed']),
  /** Response level I–IV by the national thresholds for its kind, and why. */
  level: Level,
  levelBasis: z.string(),
  /** People in its threat or evacuation zones now (or on the burning floors). */
  peopleAffected: z.number().int().nonnegative(),
  zones: z.array(Zone),
  units: z.array(Unit),
  casualties: Casualties,
  /** Hospitals its casualties went to, with how many each. */
  hospitals: z.array(z.strictObject({ id: z.string(), patients: z.number().int().nonnegative() })),
  /** The first fire engine's time from dispatch to the scene, and the standard (建标152-2017: 5 minutes). */
  responseTimeS: z.number().nonnegative().nullable(),
  responseStandardS: z.number().positive(),
  /** Fires: the building, its floors and which are burning; chemical releases: the chemical and rate. */
  buildingId: z.string().optional(),
  floors: z.number().int().positive().optional(),
  burningFloors: z.array(z.number().int()).optional(),
  chemical: z.string().optional(),
  kgPerS: z.number().nonnegative().optional(),
  timeline: z.array(TimelineEntry),
});
export type Incident = z.infer<typeof Incident>;

export const Evacuation = z.strictObject({
  id: z.string(),
  incidentId: z.string().nullable(),
  order: z.enum(['evacuate', 'shelterInPlace']),
  orderedAtMs: z.number().int().nonnegative(),
  /** People ordered out (or in), by car and on foot. */
  people: z.number().int().nonnegative(),
  byCar: z.number().int().nonnegative(),
  onFoot: z.number().int().nonnegative(),
  /** Out of the zone so far, and at a shelter. */
  leftZone: z.number().int().nonnegative(),
  atShelter: z.number().int().nonnegative(),
  /** People no shelter had room for: they leave the zone for elsewhere (family, friends). */
  noShelter: z.number().int().nonnegative(),
  /** When the last person left the zone, or null while some are in it. */
  clearAtMs: z.number().int().nonnegative().nullable(),
  shelters: z.array(z.strictObject({ id: z.string(), people: z.number().int().nonnegative() })),
});
export type Evacuation = z.infer<typeof Evacuation>;

export const Place = z.strictObject({ id: z.string(), name: Name, x: z.number(), y: z.number() });

/** Emergencies in a run now: what the emergency engine publishes (about every 10 sim seconds) and `GET /api/runs/:id/incidents` answers. */
export const EmergencySummary = z.strictObject({
  simTimeMs: z.number().int().nonnegative(),
  incidents: z.array(Incident),
  evacuations: z.array(Evacuation),
  shelters: z.array(Place.extend({ capacity: z.number().int().nonnegative(), occupancy: z.number().int().nonnegative() })),
  hospitals: z.array(Place.extend({ beds: z.number().int().nonnegative(), bedsFree: z.number().int().nonnegative() })),
  stations: z.array(Place.extend({ kind: UnitKind, units: z.number().int().nonnegative(), available: z.number().int().nonnegative() })),
  /** What-if figures: the mean response time of arrived fire engines (s), the longest zone clearance (s), people in AEGL-2 zones now. */
  figures: z.strictObject({
    meanResponseS: z.number().nonnegative().nullable(),
    clearanceS: z.number().nonnegative().nullable(),
    peopleInAegl2: z.number().int().nonnegative(),
    casualties: z.number().int().nonnegative(),
  }),
  /**
   * Fields this screen's grants mask (server/auth/masking.ts): `casualties` (counts read 0),
   * `beds`, `units`, `shelters`, or `incidents` (the whole layer). Absent when nothing is masked; a
   * client shows these as withheld, never as zero.
   */
  withheld: z.array(z.enum(['incidents', 'units', 'shelters', 'beds', 'casualties'])).optional(),
});
export type EmergencySummary = z.infer<typeof EmergencySummary>;
