import type { z } from 'zod';
import type { CityModel } from '../city/CityModel.ts';
import type { OutputDeclaration, OutputKind, OutputTypes } from './outputs.ts';
import type { Rng } from './random.ts';

/** The outcome of a request from outside (an inject, a clock command): ok, or a code and a message naming the field and value. */
export type SimResult = { ok: true } | { ok: false; code: string; message: string };

/** What applyInject answers: ok with the id of what it started when it starts something (a release), or a failure. */
export type InjectResult = { ok: true; id?: string } | { ok: false; code: string; message: string };

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
  /**
   * False when the run restores a checkpoint over the engine's state right after (a fork): the
   * engine skips any warm-up (sim time run before time 0), whose result would be thrown away.
   * True or absent otherwise.
   */
  warmUp?: boolean;
  /**
   * Another engine's output, by id and kind, or undefined when no engine of the run publishes it.
   * Only ids the engine lists in `reads`; each is current as of this step (its publisher steps
   * first) and read-only: valid until the next step.
   */
  read<K extends OutputKind>(id: string, kind: K): OutputTypes[K] | undefined;
  /**
   * Asks another engine to do something (an inject kind it handles, e.g. "traffic.close_link"):
   * the run applies it after every engine has stepped, in the order sent. Not recorded on the
   * timeline: re-simulating the same steps sends it again.
   */
  command(kind: string, params: unknown): void;
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
  /** Sets the engine up; a warm-up (sim time run before time 0) is left to warmUp when the engine has one. */
  init(ctx: EngineContext): void;
  /**
   * Engines with a warm-up run it here in slices, so making a run never blocks its caller for
   * long: does at least one piece of work, then more while `more()` is true, and answers true once
   * the warm-up is done (at once when the context's warmUp is false). The run calls it after every
   * engine's init, in registration order, until true, and steps no engine before; the same pieces
   * in any number of slices give the same state as one call.
   */
  warmUp?(more: () => boolean): boolean;
  /** Advances one step; `simTimeMs` is the time the step ends at, milliseconds since the run's start. */
  step(simTimeMs: number): void;
  /** A copy of the state (later steps must not change it). */
  snapshot(): EngineSnapshot;
  /** Restores a snapshot taken by this engine, in this run. */
  restore(snapshot: EngineSnapshot): void;
  applyInject(kind: string, params: unknown, simTimeMs: number): InjectResult;
  /** What the engine publishes for other engines and for clients: ids unique within a run, e.g. "traffic.links". */
  readonly publishes: readonly OutputDeclaration[];
  /** Ids of other engines' outputs this engine reads: the run steps their publishers before it. */
  readonly reads?: readonly string[];
  /** One of its declared outputs now; valid (and unchanged) until the next step. Summaries are fresh objects. */
  output(id: string): OutputTypes[OutputKind];
  /** What the engine knows of one of its objects now (for the inspector), or undefined when it has no such object. */
  describeObject?(id: number): ObjectDescription | undefined;
  /**
   * Engines with fields over the city (air, water): their values now at local point (x, y), zM
   * metres above the ground, by layer id (e.g. "pm25" in µg/m³), computed exactly rather than
   * read off a grid.
   */
  sampleAt?(x: number, y: number, zM: number): Record<string, number>;
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
