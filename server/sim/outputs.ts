import type { AirSummary } from '../protocol/AirSummary.ts';
import type { LinkState } from '../protocol/LinkState.ts';
import type { ObjectState } from '../protocol/ObjectState.ts';
import type { ScalarGrid } from '../protocol/ScalarGridCodec.ts';
import type { TrafficSummary } from '../protocol/TrafficSummary.ts';

/**
 * What road traffic did on each link over the last window: vehicle-metres driven and
 * vehicle-seconds stood still by object kind (link k, kind j at `[k * kinds + j]`). Emission
 * models read it: running emissions per kilometre, idling ones per second stopped.
 */
export interface LinkActivity {
  /** Sim time the window ends at, ms since the run's start; -1 before the first window closed. */
  windowEndMs: number;
  windowMs: number;
  /** Object kinds per link (ObjectKind values 0 … kinds − 1). */
  kinds: number;
  metres: Float32Array;
  stoppedSeconds: Float32Array;
}

/** Scalar grids over the city, one per layer id (pollutants, water depth…), all on one raster. */
export interface GridSet {
  /** Sim time the grids were computed at; -1 before the first. */
  simTimeMs: number;
  grids: readonly ScalarGrid[];
}

/**
 * The kinds of output an engine may publish, with their types. The realtime layer streams the
 * kinds it knows (objects, links, grids, summaries); the rest are for other engines.
 */
export interface OutputTypes {
  /** Moving objects; a run merges every engine's into one state. */
  objects: ObjectState;
  /** Per-link figures indexed like the city's links. */
  links: LinkState;
  linkActivity: LinkActivity;
  grids: GridSet;
  trafficSummary: TrafficSummary;
  airSummary: AirSummary;
}

export type OutputKind = keyof OutputTypes;

/** One output an engine publishes: an id unique within the run and its kind. */
export interface OutputDeclaration {
  id: string;
  kind: OutputKind;
}
