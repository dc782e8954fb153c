import type { AirSummary } from '../protocol/AirSummary.ts';
import type { EmergencySummary } from '../protocol/EmergencySummary.ts';
import type { FloodSummary } from '../protocol/FloodSummary.ts';
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

/**
 * Water on each road link (the flood engine's, for traffic and responders): the deepest water
 * along the link, metres, indexed like the city's links.
 */
export interface LinkWater {
  simTimeMs: number;
  depthM: Float32Array;
}

/** Travel times of every link now (traffic's route costs), seconds, Infinity where barred; indexed like the city's links. */
export interface LinkCosts {
  simTimeMs: number;
  /** For cars. */
  car: Float32Array;
  /** For emergency vehicles (they pass water cars may not). */
  emergency: Float32Array;
}

/** One tag's vehicles (an emergency unit, or a group of evacuee trips). */
export interface TagProgress {
  /** Vehicles asked for. */
  vehicles: number;
  departed: number;
  arrived: number;
  /** Given up: no open way, or the waiting list was full. */
  failed: number;
  /** A unit's object id once it set off, else -1. */
  objectId: number;
  /** A unit on the road: where it is (local metres) and the metres left on its route; NaN otherwise. */
  x: number;
  y: number;
  remainingM: number;
  /** A unit's route length when it set off, metres. */
  routeM: number;
  /** When the first vehicle set off and the last arrived, ms since the run's start; -1 before. */
  departedMs: number;
  arrivedMs: number;
}

/** Vehicles started by other engines under a tag (`traffic.emergency_vehicle` / `traffic.trips` with `tag`), by tag. */
export interface TaggedTrips {
  simTimeMs: number;
  tags: ReadonlyMap<string, TagProgress>;
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
  /** Grids over part of the city (a release's close-up): for engines, not streamed. */
  localGrids: GridSet;
  trafficSummary: TrafficSummary;
  airSummary: AirSummary;
  linkWater: LinkWater;
  linkCosts: LinkCosts;
  taggedTrips: TaggedTrips;
  floodSummary: FloodSummary;
  emergencySummary: EmergencySummary;
}

export type OutputKind = keyof OutputTypes;

/** One output an engine publishes: an id unique within the run and its kind. */
export interface OutputDeclaration {
  id: string;
  kind: OutputKind;
}
