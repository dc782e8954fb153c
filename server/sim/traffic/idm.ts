// Intelligent Driver Model (Treiber, Hennecke & Helbing 2000) per kind: car, bus, truck, emergency.
export const IDM_A = Float32Array.of(1.5, 1.0, 0.9, 2.5); // max acceleration, m/s²
export const IDM_B = Float32Array.of(2.0, 1.5, 1.5, 3.0); // comfortable deceleration, m/s²
export const IDM_T = Float32Array.of(1.4, 1.6, 1.8, 1.0); // time headway, s
export const VEHICLE_LENGTH = Float32Array.of(4.6, 12, 10, 5.6); // metres, including the gap to the bumper ahead's rear
export const IDM_S0 = 2; // jam distance, m
export const MAX_DECEL = 9; // physical braking limit, m/s²
/** The gap a vehicle with nothing ahead drives behind, m. */
export const FREE_GAP = 1e4;

/** IDM acceleration of a vehicle of `kind` at speed v behind something at gap s moving at vLead. */
export function idm(kind: number, v: number, v0: number, s: number, vLead: number): number {
  const a = IDM_A[kind];
  const sStar = IDM_S0 + Math.max(0, v * IDM_T[kind] + (v * (v - vLead)) / (2 * Math.sqrt(a * IDM_B[kind])));
  const r = v / v0;
  const g = sStar / Math.max(s, 0.01);
  return a * (1 - r * r * r * r - g * g);
}
