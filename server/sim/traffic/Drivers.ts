import type { Rng } from '../random.ts';
import { IDM_A, IDM_T } from './idm.ts';
import type { VehicleStore } from './VehicleStore.ts';

/** Spread of each driver's maximum acceleration and desired time gap around their kind's mean: uniform within ± this share. */
const ACC_SPREAD = 0.4;
const GAP_SPREAD = 0.5;
/** Reaction time of a standing driver when the way ahead clears (green, or the car ahead moving off), uniform, seconds. */
const REACT_MIN_S = 0.3;
const REACT_MAX_S = 1.1;

/** Draws the driver of vehicle i (of `kind`) from the run's stream: maximum acceleration, desired time gap, reaction time. */
export function drawDriver(st: VehicleStore, i: number, kind: number, rng: Rng): void {
  st.vAccMax[i] = IDM_A[kind] * rng.range(1 - ACC_SPREAD, 1 + ACC_SPREAD);
  st.vGapT[i] = IDM_T[kind] * rng.range(1 - GAP_SPREAD, 1 + GAP_SPREAD);
  st.vReact[i] = rng.range(REACT_MIN_S, REACT_MAX_S);
  st.vGo[i] = 0;
}
