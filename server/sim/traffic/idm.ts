// Intelligent Driver Model (Treiber, Hennecke & Helbing 2000) in its IDM+ form (Schakel, van Arem
// & Netten 2010: the free-road and interaction terms combined by min instead of summed, which gives
// the road capacities measured on real roads), per kind: car, bus, truck, emergency.
// Each driver draws their own maximum acceleration, desired time gap and reaction time at departure
// around these means (Drivers.ts); docs/traffic-model.md gives every value and where it comes from.
export const IDM_A = Float32Array.of(2.0, 1.0, 0.9, 2.5); // mean max acceleration, m/s²
export const IDM_B = Float32Array.of(2.0, 1.5, 1.5, 3.0); // comfortable deceleration, m/s²
export const IDM_T = Float32Array.of(1.2, 1.5, 1.7, 0.9); // mean desired time gap, s
export const VEHICLE_LENGTH = Float32Array.of(4.6, 12, 10, 5.6); // metres, including the gap to the bumper ahead's rear
export const IDM_S0 = 2; // jam distance, m
export const MAX_DECEL = 9; // physical braking limit, m/s²
/** The gap a vehicle with nothing ahead drives behind, m. */
export const FREE_GAP = 1e4;

/**
 * IDM+ acceleration of a driver with maximum acceleration a, desired time gap tGap and comfortable
 * deceleration b at speed v (desired v0) behind something at gap s moving at vLead.
 */
export function idm(a: number, tGap: number, b: number, v: number, v0: number, s: number, vLead: number): number {
  const sStar = IDM_S0 + Math.max(0, v * tGap + (v * (v - vLead)) / (2 * Math.sqrt(a * b)));
  const r = v / v0;
  const g = sStar / Math.max(s, 0.01);
  return a * Math.min(1 - r * r * r * r, 1 - g * g);
}
