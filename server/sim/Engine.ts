import type { z } from 'zod';
import type { CityModel } from '../city/CityModel.ts';
import type { LinkState } from '../protocol/LinkState.ts';
import type { ObjectState } from '../protocol/ObjectState.ts';
import type { TrafficSummary } from '../protocol/TrafficSummary.ts';
import type { Rng } from './random.ts';

/** The outcome of a request from outside (an inject, a clock command): ok, or a code and a message naming the field and value. */
export type SimResult = { ok: true } | { ok: false; code: string; message: string };

/** What applyInject answers. */
export type InjectResult = SimResult;

/** Plain data (numbers, strings, arrays, typed arrays, plain objects) that is enough to restore an engine. */
export type EngineSnapshot = unknown;

/** What a run gives an engine once, when it is registered. */
export interface EngineContext {
  city: CityModel;
  /** The engine's parameters from the scenario, already checked against paramsSchema when there is one. */
  params: unknown;
  /** The engine's own stream, forked from the run's seed by the engine's name; the engine saves its state in snapshots. */
  rng: Rng;
  /** Milliseconds of sim time per step. */
  stepMs: number;
  /** Epoch milliseconds of the run's start (time 0). */
  startEpochMs: number;
}

/**
 * A simulation engine (traffic, environment, emergency…), registered with a run as a plugin.
 * Engines are deterministic: the same context and the same calls give the same states.
 */
export interface Engine {
  /** Unique within a run, e.g. "road_walker"; scenarios name engines by it. */
  readonly name: string;
  /** Inject kinds this engine handles, e.g. "road_walker.close_link". */
  readonly injects: readonly string[];
  /** Checks scenario parameters before a run is made (a bad file gets a message, not a crash). */
  readonly paramsSchema?: z.ZodType;
  /** Checks each inject kind's parameters before a run is made. */
  readonly injectSchemas?: Readonly<Record<string, z.ZodType>>;
  init(ctx: EngineContext): void;
  /** Advances one step; `simTimeMs` is the time the step ends at, milliseconds since the run's start. */
  step(simTimeMs: number): void;
  /** A copy of the state (later steps must not change it). */
  snapshot(): EngineSnapshot;
  /** Restores a snapshot taken by this engine, in this run. */
  restore(snapshot: EngineSnapshot): void;
  applyInject(kind: string, params: unknown, simTimeMs: number): InjectResult;
  /** The moving objects now; the run may read it until the next step. */
  objects?(): ObjectState;
  /** Traffic engines: per-link figures now, indexed like the city's links; the run may read it until the next step. */
  links?(): LinkState;
  /** What the engine knows of one of its objects now (for the inspector), or undefined when it has no such object. */
  describeObject?(id: number): ObjectDescription | undefined;
  /** Traffic engines: the city-level figures now (a fresh object). */
  trafficSummary?(): TrafficSummary;
  dispose(): void;
}

/** One moving object as the inspector shows it: plain JSON. */
export interface ObjectDescription {
  id: number;
  /** ObjectKind name: car, bus, truck, emergency… */
  kind: string;
  speedKmh: number;
  /** Where it is: the road link id and street name. */
  linkId?: string;
  street?: string;
  /** Where it is going: the destination link id and street name. */
  destinationLinkId?: string;
  destinationStreet?: string;
  /** Minutes since it set off. */
  travellingMinutes?: number;
}

/** Engines by name, so scenarios can name them. */
export type EngineRegistry = ReadonlyMap<string, () => Engine>;
