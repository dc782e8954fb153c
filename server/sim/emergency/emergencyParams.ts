import { z } from 'zod';
import { ChemicalId } from '../../protocol/aegl.ts';

const Counts = z.strictObject({
  fire: z.number().int().min(0).max(50).optional().describe('Fire engines'),
  ambulance: z.number().int().min(0).max(50).optional().describe('Ambulances'),
  police: z.number().int().min(0).max(50).optional().describe('Police cars'),
});

/** Scenario parameters of the emergency engine. */
export const EmergencyParams = z
  .strictObject({
    units: z
      .strictObject({
        fireStation: z.number().int().min(0).max(50).default(4).describe('Fire engines at each fire station'),
        hospital: z.number().int().min(0).max(50).default(3).describe('Ambulances at each hospital'),
        police: z.number().int().min(0).max(50).default(3).describe('Police cars at each police station'),
      })
      .default({ fireStation: 4, hospital: 3, police: 3 })
      .describe('Units each station holds'),
    stationUnits: z.record(z.string(), z.number().int().min(0).max(50)).default({}).describe('Units at particular stations, by POI id (overrides `units`)'),
    autoDispatch: z.boolean().default(true).describe('Dispatch the nearest units to each new incident at once (off: operators dispatch by emergency.dispatch)'),
    carShare: z.number().min(0).max(1).default(0.4).describe('Share of evacuees who leave by car'),
    peoplePerCar: z.number().min(1).max(7).default(2.2).describe('Evacuees per car'),
  })
  .describe('Emergency engine parameters');
export type EmergencyParams = z.infer<typeof EmergencyParams>;

const Point = z.strictObject({ x: z.number().describe('East, metres from the city origin'), y: z.number().describe('North, metres from the city origin') });
const Ring = z.array(z.tuple([z.number(), z.number()])).min(3);

/** The zone an evacuation or shelter-in-place order covers. */
const OrderZone = z.union([
  z.strictObject({ incidentId: z.string().min(1), aegl: z.union([z.literal(1), z.literal(2), z.literal(3)]).describe('The incident’s AEGL threat zone') }),
  z.strictObject({ incidentId: z.string().min(1).optional(), polygon: Ring.describe('A drawn zone, local metres') }),
  z.strictObject({ incidentId: z.string().min(1).optional(), x: z.number(), y: z.number(), radiusM: z.number().positive().max(10_000) }),
]);

/** Parameters of each inject kind the emergency engine handles. */
export const EmergencyInjects = {
  'emergency.fire': z
    .strictObject({
      buildingId: z.string().min(1).describe('The burning building, e.g. "B012345"'),
      floor: z.number().int().min(1).optional().describe('Floor the fire starts on (1 = ground); a middle floor when left out'),
    })
    .describe('A building fire'),
  'emergency.chemical_release': z
    .strictObject({
      at: Point.describe('Where the leak is'),
      chemical: ChemicalId.describe('What leaks'),
      kgPerS: z.number().positive().max(1000).describe('Release rate, kg/s'),
      durationS: z.number().positive().max(24 * 3600).describe('How long it leaks, s'),
      heightM: z.number().min(0).max(200).default(1).describe('Height of the leak above ground, m'),
    })
    .describe('A toxic gas release'),
  'emergency.dispatch': z
    .strictObject({
      incidentId: z.string().min(1),
      units: Counts.refine((c) => (c.fire ?? 0) + (c.ambulance ?? 0) + (c.police ?? 0) > 0, { message: 'ask for at least one unit' }),
    })
    .describe('Sends more units to an incident: the nearest available by travel time now'),
  'emergency.evacuate': z
    .strictObject({
      zone: OrderZone,
      order: z.enum(['evacuate', 'shelterInPlace']).default('evacuate'),
    })
    .describe('Orders the people in a zone out to shelters (by car and on foot), or to shelter in place'),
  'emergency.close': z.strictObject({ incidentId: z.string().min(1) }).describe('Closes an incident: its units are free again'),
} as const;
export type EmergencyInjectKind = keyof typeof EmergencyInjects;
