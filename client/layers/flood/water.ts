/** What both views need to drape the water on the ground with the air layer's heat-map machinery. */
import type { HeatMapChoice, Subscribable } from '../air/HeatMapSource.ts';
import { WATER_DEPTH_LAYER } from './floodColors.ts';

/** Metres above the terrain: over the ground tiles and their road surfaces, under the air's heat map (4 m). */
export const WATER_LIFT_M = 2;

/** The water shows one grid, never another: a choice that never changes. */
export const WATER_CHOICE: HeatMapChoice & Subscribable = { get: () => WATER_DEPTH_LAYER, subscribe: () => () => {} };
