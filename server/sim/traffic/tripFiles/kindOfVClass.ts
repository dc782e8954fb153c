import { ObjectKind } from '../../../protocol/ObjectState.ts';

const BUS = new Set(['bus', 'coach', 'trolleybus']);
const TRUCK = new Set(['truck', 'trailer', 'delivery']);
/** SUMO's road motor vehicles the engine drives as cars (it has no model of its own for them). */
const CAR = new Set(['passenger', 'private', 'taxi', 'hov', 'evehicle', 'authority', 'army', 'vip', 'emergency', 'motorcycle', 'moped', 'custom1', 'custom2', 'ignoring']);

/**
 * The engine's vehicle kind for a SUMO vehicle class (https://sumo.dlr.de/docs/Vehicle_Type_Parameter_Defaults.html):
 * buses and coaches drive as buses, trucks, trailers and delivery vans as trucks, other road motor
 * vehicles as cars; undefined for what does not drive on the engine's roads (bicycles, pedestrians,
 * trams, trains, ships), which the files' readers leave out.
 */
export function kindOfVClass(vClass: string): number | undefined {
  if (CAR.has(vClass)) return ObjectKind.car;
  if (BUS.has(vClass)) return ObjectKind.bus;
  if (TRUCK.has(vClass)) return ObjectKind.truck;
  return undefined;
}
