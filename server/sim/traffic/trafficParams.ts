import { z } from 'zod';
import { TripTable } from './tripFiles/TripTable.ts';

const LocalName = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
/** A place: a road node id, or local east/north metres (the nearest node is used). */
const Place = z.union([
  z.string().min(1).describe('Road node id, e.g. "N00123"'),
  z.object({ x: z.number().describe('East, metres from the city origin'), y: z.number().describe('North, metres from the city origin') }).strict(),
]);
export type Place = z.infer<typeof Place>;

const SignalPlan = z
  .object({
    nodeId: z.string().min(1).describe('Signalised road node id, e.g. "N00123"'),
    cycleS: z.number().describe('Cycle length, seconds'),
    greenSplits: z.array(z.number().positive()).min(1).max(4).describe('Share of the green time of each phase (north–south first), e.g. [0.6, 0.4]'),
  })
  .strict();

/** Scenario parameters of the traffic engine. */
export const TrafficParams = z
  .object({
    dailyTrips: z.number().int().min(0).max(5_000_000).default(580_000).describe('Vehicle trips on an ordinary weekday, all purposes'),
    demandScale: z.number().min(0).max(5).default(1).describe('Multiplies the demand; 1 is an ordinary weekday'),
    maxVehicles: z.number().int().min(100).max(400_000).default(120_000).describe('Most vehicles on the network at once; more trips wait to depart'),
    stepSeconds: z.number().min(0.1).max(1).default(0.5).describe('Time step of the vehicle dynamics, seconds'),
    busLines: z.number().int().min(0).max(60).default(14).describe('Bus lines generated on the arterial roads'),
    busHeadwaySeconds: z.number().min(60).max(3600).default(480).describe('Minutes between buses of a line in each direction, seconds'),
    warmUpMinutes: z.number().min(0).max(240).default(0).describe('Sim minutes run before the start so the network is not empty'),
    signalPlans: z.array(SignalPlan).default([]).describe('Signal plans that replace the derived ones'),
    odPairs: z
      .array(z.object({ id: z.string().min(1), name: LocalName, from: Place, to: Place }).strict())
      .optional()
      .describe('Named origin–destination pairs whose travel time is reported; defaults to pairs between landmarks'),
    trips: z
      .union([z.string().min(1), z.instanceof(TripTable).meta({ description: 'The file read (the scenario loader puts it in place of the path)', not: {} })])
      .optional()
      .describe(
        'Trip file, a path relative to the scenario file: a SUMO route file (.rou.xml: trips, vehicles with routes, flows) or a CSV (.csv: depart,from,to …); departures in seconds from the start day\'s midnight. Adds to the generated demand (dailyTrips: 0 for these trips only)',
      ),
  })
  .strict();
export type TrafficParams = z.infer<typeof TrafficParams>;

const Tag = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - (1–64)');
const LinkId = z.string().min(1).describe('Directed road link id, e.g. "L000123"');

/** Parameters of each inject kind the traffic engine handles. */
export const TrafficInjects = {
  'traffic.close_link': z
    .object({
      linkId: LinkId,
      lanes: z.number().int().min(1).optional().describe('Lanes to close from the kerb; all lanes when left out'),
      durationS: z.number().positive().optional().describe('How long, seconds; until opened when left out'),
    })
    .strict(),
  'traffic.open_link': z.object({ linkId: LinkId }).strict(),
  'traffic.signal_plan': SignalPlan,
  'traffic.scale_demand': z.object({ factor: z.number().min(0).max(5).describe('Multiplies the demand from now on; 1 is normal') }).strict(),
  'traffic.special_event': z
    .object({
      at: Place.describe('Where people leave from (a stadium, a concert hall)'),
      vehicles: z.number().int().min(1).max(50_000).describe('Vehicles leaving'),
      durationS: z.number().min(60).max(4 * 3600).default(1800).describe('Over how long, seconds'),
    })
    .strict(),
  'traffic.emergency_vehicle': z
    .object({
      from: Place,
      to: Place,
      tag: Tag.optional().describe('Names the unit so its progress shows in traffic.tagged; a tagged unit waits for room to start instead of being refused'),
      fromLinkId: LinkId.optional().describe('The link it sets off on (a station’s gate), instead of the first link out of `from`'),
      toLinkId: LinkId.optional().describe('The link it drives to the end of (the scene), instead of the first link into `to`'),
    })
    .strict(),
  'traffic.trips': z
    .object({
      from: Place,
      to: Place,
      vehicles: z.number().int().min(1).max(50_000).describe('Car trips from `from` to `to`, joining the waiting list now'),
      tag: Tag.optional().describe('Names the group so its progress shows in traffic.tagged'),
    })
    .strict()
    .describe('Car trips between two places (an evacuation)'),
} as const;
export type TrafficInjectKind = keyof typeof TrafficInjects;
