import type { CityModel } from '../city/CityModel.ts';
import { createObjectState, type ObjectState } from '../protocol/ObjectState.ts';
import type { Engine, EngineSnapshot, ObjectDescription, InjectResult, SimResult } from './Engine.ts';
import { mergeObjectStates } from './mergeObjectStates.ts';
import type { OutputKind, OutputTypes } from './outputs.ts';
import { stepOrder } from './stepOrder.ts';
import { createRng, type Rng } from './random.ts';
import { SimClock, type SimSpeed } from './SimClock.ts';

/** An inject planned at a time, in milliseconds since the run's start. */
export interface TimelineInject {
  atMs: number;
  kind: string;
  params: unknown;
}

export interface RunOptions {
  /** Names the run in messages and to clients; the run itself does not use it. */
  id?: string;
  city: CityModel;
  seed: number;
  /** Epoch milliseconds of time 0, e.g. Date.parse("2026-03-16T07:00:00+08:00"). */
  startEpochMs: number;
  /** A multiple of stepMs. */
  durationMs: number;
  /** Sim milliseconds per step; 100 by default. */
  stepMs?: number;
  /** A checkpoint is kept each time the clock reaches a multiple of this; 5 sim minutes by default. */
  checkpointEveryMs?: number;
  /** advance() steps at most this many times per call; 2000 by default. */
  maxStepsPerAdvance?: number;
  /** Injects the scenario plans; each is applied when the clock reaches its time. */
  timeline?: readonly TimelineInject[];
  /**
   * The run is another's fork: startFrom moves it to a fork point before anything else. Its engines
   * skip their warm-up (EngineContext.warmUp), since the point's states replace theirs at once.
   */
  fork?: boolean;
}

/** How long an inject made with Run.inject lasts across restarts: the day it was made, or every day. */
export type InjectRepeat = 'day' | 'daily';

/** Something that happened in a run that clients may want to hear about. Replays during a seek report nothing. */
export type RunEvent =
  | { type: 'inject'; timeMs: number; kind: string; params: unknown; source: 'timeline' | 'live'; result: InjectResult }
  | { type: 'command'; timeMs: number; from: string; kind: string; params: unknown; result: InjectResult }
  | { type: 'ended'; timeMs: number };

/** One output of a run's engines, as `Run.outputs()` lists it. */
export interface RunOutput {
  id: string;
  kind: OutputKind;
  /** The engine publishing it. */
  engine: string;
}

/** Where a run's clock stands. */
export interface RunStatus {
  id: string;
  timeMs: number;
  epochMs: number;
  startEpochMs: number;
  durationMs: number;
  stepMs: number;
  playing: boolean;
  speed: SimSpeed;
  ended: boolean;
  /** Set while a requested seek is still re-simulating (see requestSeek); null otherwise. */
  seekingToMs: number | null;
}

interface TimelineEntry extends TimelineInject {
  source: 'timeline' | 'live';
  /** A live inject kept by restart() (made again every day); other live injects last for their day. */
  daily?: true;
  /** Added to this run beyond its scenario's timeline by startFrom (a fork's history and changes): a fork of it replays them too. */
  carried?: true;
}

interface Checkpoint {
  timeMs: number;
  rngState: number;
  engines: EngineSnapshot[];
}

/**
 * Where a copy of a run can start (see Run.forkPoint and Run.startFrom): its latest checkpoint and
 * the injects it has beyond its scenario's timeline (made live, or carried in when it was itself a
 * fork), which the copy replays to share its history. Opaque to callers.
 */
export interface ForkPoint {
  readonly timeMs: number;
  readonly checkpoint: Readonly<Checkpoint>;
  /** The run's state at time 0 (its checkpoint 0): a fork's own, whose engines never warmed up. */
  readonly start: Readonly<Checkpoint>;
  readonly injects: readonly TimelineInject[];
}

/** Checkpoints older than this many intervals are thinned to one in THIN_TO_COUNT. */
const THIN_AFTER_COUNT = 12;
const THIN_TO_COUNT = 6;

const EMPTY_OBJECTS = createObjectState(0);

/**
 * A run: a scenario's engines, a seed and its own clock. Pure: it owns no wall time or I/O; the
 * realtime layer calls advance() from a timer. Same options and the same calls give the same states.
 */
export class Run {
  readonly id: string;
  readonly city: CityModel;
  readonly seed: number;
  readonly checkpointEveryMs: number;
  readonly maxStepsPerAdvance: number;
  private readonly clock: SimClock;
  private readonly rng: Rng;
  private readonly engines: Engine[] = [];
  /** The engines in the order they step: publishers before the engines that read them. */
  private order: Engine[] = [];
  private readonly injectOwners = new Map<string, Engine>();
  private readonly outputOwners = new Map<string, { engine: Engine; kind: OutputKind }>();
  /** Commands engines sent during the current step, applied after it. */
  private commands: { from: string; kind: string; params: unknown }[] = [];
  private readonly timeline: TimelineEntry[];
  /** Index of the first timeline entry not yet applied. */
  private nextInject = 0;
  private readonly checkpoints = new Map<number, Checkpoint>();
  /** Checkpoint 0 as it was before a live inject at time 0 replaced it: restart() goes back to it. */
  private zeroBeforeLive: Checkpoint | undefined;
  private readonly fork: boolean;
  /** Engines whose warm-up is done, from the first registered (see warmUp). */
  private warmed = 0;
  /** Set by the first warmUp call: registration is over. */
  private warmUpBegun = false;
  private started = false;
  /** Target of a seek still being re-simulated; events are not reported until it is reached. */
  private seekTarget: number | undefined;
  private disposed = false;
  private events: RunEvent[] = [];
  private merged: ObjectState | undefined;

  constructor(options: RunOptions) {
    this.id = options.id ?? 'run';
    this.city = options.city;
    this.seed = options.seed;
    const stepMs = options.stepMs ?? 100;
    this.clock = new SimClock(options.startEpochMs, options.durationMs, stepMs);
    this.checkpointEveryMs = options.checkpointEveryMs ?? 5 * 60_000;
    if (!Number.isSafeInteger(this.checkpointEveryMs) || this.checkpointEveryMs <= 0 || this.checkpointEveryMs % stepMs !== 0) {
      throw new Error(`Run: checkpointEveryMs must be a positive multiple of stepMs (${stepMs}), got ${this.checkpointEveryMs}`);
    }
    this.maxStepsPerAdvance = options.maxStepsPerAdvance ?? 2000;
    if (!Number.isSafeInteger(this.maxStepsPerAdvance) || this.maxStepsPerAdvance <= 0) {
      throw new Error(`Run: maxStepsPerAdvance must be a positive integer, got ${this.maxStepsPerAdvance}`);
    }
    this.rng = createRng(options.seed);
    this.fork = options.fork ?? false;
    // Stable sort by time keeps the file's order for injects at the same time.
    this.timeline = (options.timeline ?? []).map((t) => {
      if (!Number.isSafeInteger(t.atMs) || t.atMs < 0 || t.atMs > options.durationMs) {
        throw new Error(`Run: inject "${t.kind}" at ${t.atMs} ms is outside the run (0 to ${options.durationMs} ms)`);
      }
      return { ...t, source: 'timeline' as const };
    });
    this.timeline.sort((a, b) => a.atMs - b.atMs);
  }

  /**
   * Registers and initialises an engine with its scenario parameters (null means defaults).
   * Throws on a second engine of the same name, a second handler of an inject kind, bad
   * parameters (validate scenarios first) or once the run has started.
   */
  register(engine: Engine, params: unknown = {}): void {
    if (this.started || this.warmUpBegun) throw new Error(`Run ${this.id}: cannot register engine "${engine.name}" after the run has started (or begun warming up)`);
    if (this.engines.some((e) => e.name === engine.name)) throw new Error(`Run ${this.id}: engine "${engine.name}" is already registered`);
    for (const kind of engine.injects) {
      const owner = this.injectOwners.get(kind);
      if (owner) throw new Error(`Run ${this.id}: inject kind "${kind}" is handled by both "${owner.name}" and "${engine.name}"`);
    }
    for (const { id } of engine.publishes) {
      const owner = this.outputOwners.get(id);
      if (owner) throw new Error(`Run ${this.id}: output "${id}" is published by both "${owner.engine.name}" and "${engine.name}"`);
    }
    let checked: unknown = params ?? {};
    if (engine.paramsSchema) {
      const parsed = engine.paramsSchema.safeParse(checked);
      if (!parsed.success) throw new Error(`Run ${this.id}: bad parameters for engine "${engine.name}": ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      checked = parsed.data;
    }
    this.engines.push(engine);
    for (const kind of engine.injects) this.injectOwners.set(kind, engine);
    for (const { id, kind } of engine.publishes) this.outputOwners.set(id, { engine, kind });
    const reads = new Set(engine.reads ?? []);
    engine.init({
      city: this.city,
      params: checked,
      rng: this.rng.fork(engine.name),
      stepMs: this.clock.stepMs,
      startEpochMs: this.clock.startEpochMs,
      warmUp: !this.fork,
      read: <K extends OutputKind>(id: string, kind: K): OutputTypes[K] | undefined => {
        if (!reads.has(id)) throw new Error(`Run ${this.id}: engine "${engine.name}" reads output "${id}" without declaring it in reads`);
        const owner = this.outputOwners.get(id);
        if (!owner) return undefined;
        if (owner.kind !== kind) throw new Error(`Run ${this.id}: engine "${engine.name}" reads "${id}" as ${kind}, but "${owner.engine.name}" publishes ${owner.kind}`);
        return owner.engine.output(id) as OutputTypes[K];
      },
      command: (kind, params) => {
        this.commands.push({ from: engine.name, kind, params });
      },
    });
  }

  /**
   * Advances the engines' warm-ups (Engine.warmUp: sim time they run before time 0), in
   * registration order, while `more()` is true (each engine still warming does at least one piece of work), so a caller
   * can spread them over its timer's turns; true once every engine is warm. Ends registration. The
   * state reached is the same however it is sliced; any other use of the run (stepping, outputs,
   * play) finishes a warm-up still under way at once, as one call with no limit would.
   */
  warmUp(more: () => boolean = () => true): boolean {
    if (this.disposed) throw new Error(`Run ${this.id}: used after dispose()`);
    this.warmUpBegun = true;
    while (this.warmed < this.engines.length) {
      const engine = this.engines[this.warmed];
      if (engine.warmUp && !engine.warmUp(more)) return false;
      this.warmed++;
    }
    return true;
  }

  /** True until every engine's warm-up is done (see warmUp). */
  get warming(): boolean {
    return this.warmed < this.engines.length;
  }

  /** Names of the registered engines, in registration order. */
  get engineNames(): string[] {
    return this.engines.map((e) => e.name);
  }

  /** True when a registered engine handles this inject kind. */
  handles(kind: string): boolean {
    return this.injectOwners.has(kind);
  }

  get stepMs(): number {
    return this.clock.stepMs;
  }

  get timeMs(): number {
    return this.clock.timeMs;
  }

  status(): RunStatus {
    const c = this.clock;
    return {
      id: this.id,
      timeMs: c.timeMs,
      epochMs: c.epochMs,
      startEpochMs: c.startEpochMs,
      durationMs: c.durationMs,
      stepMs: c.stepMs,
      playing: c.playing,
      speed: c.speed,
      ended: c.ended,
      seekingToMs: this.seekTarget ?? null,
    };
  }

  play(): SimResult {
    this.start();
    if (this.clock.ended) return { ok: false, code: 'run_ended', message: `Run ${this.id}: the run has reached its end; seek back to play again` };
    this.clock.playing = true;
    this.clock.resetOwed();
    return { ok: true };
  }

  pause(): SimResult {
    this.clock.playing = false;
    this.clock.resetOwed();
    return { ok: true };
  }

  /** Sets the speed: 0.5 to 3600 sim seconds per wall second, or 'max'. A bad value changes nothing. */
  setSpeed(speed: SimSpeed): SimResult {
    return this.clock.setSpeed(speed);
  }

  /**
   * Steps as many times as `wallMs` of elapsed wall time calls for at the current speed, at most
   * `maxSteps` (at 'max' speed exactly that many). `capped` says the run fell behind real speed.
   * While a requested seek is under way it re-simulates towards the target instead (up to
   * `maxSteps`, whether playing or not) and `seeking` is true. `more`, asked before each step, may
   * end the call early (the caller's time is up): the steps not taken stay owed.
   */
  advance(wallMs: number, maxSteps = this.maxStepsPerAdvance, more: () => boolean = () => true): { steps: number; capped: boolean; seeking: boolean } {
    this.start();
    if (this.seekTarget !== undefined) {
      const due = Math.min(maxSteps, (this.seekTarget - this.clock.timeMs) / this.clock.stepMs);
      let steps = 0;
      for (; steps < due && more(); steps++) this.stepOnce();
      return { steps, capped: false, seeking: this.seekTarget !== undefined };
    }
    const due = this.clock.dueSteps(wallMs, maxSteps);
    let steps = 0;
    for (; steps < due.steps && more(); steps++) this.stepOnce();
    this.clock.owe(due.steps - steps);
    return { steps, capped: due.capped, seeking: false };
  }

  /**
   * Steps towards sim time `targetMs` whatever the speed, never past it nor the end: at most
   * `maxSteps`, while `more()` allows (a run following a clock, such as the live baseline on the
   * wall clock, catches up after falling behind). Only while playing and not seeking.
   */
  advanceTo(targetMs: number, maxSteps = this.maxStepsPerAdvance, more: () => boolean = () => true): { steps: number } {
    this.start();
    const clock = this.clock;
    if (!clock.playing || this.seekTarget !== undefined) return { steps: 0 };
    const due = Math.min(maxSteps, Math.floor((Math.min(targetMs, clock.durationMs) - clock.timeMs) / clock.stepMs));
    let steps = 0;
    for (; steps < due && more(); steps++) this.stepOnce();
    clock.resetOwed();
    return { steps };
  }

  /** Advances one step, whatever the play state; false at the end of the run. */
  stepOnce(): boolean {
    this.start();
    const clock = this.clock;
    if (clock.ended) return false;
    const t = clock.timeMs + clock.stepMs;
    for (const engine of this.order) engine.step(t);
    clock.timeMs = t;
    this.applyCommands();
    this.applyDueInjects();
    if (t % this.checkpointEveryMs === 0 && !this.checkpoints.has(t)) this.saveCheckpoint();
    if (this.seekTarget !== undefined && t >= this.seekTarget) {
      this.seekTarget = undefined;
      clock.resetOwed();
    }
    if (clock.ended) {
      clock.playing = false;
      clock.resetOwed();
      this.emit({ type: 'ended', timeMs: t });
    }
    return true;
  }

  /**
   * Moves the clock to `timeMs` (since the run's start, rounded down to a step) before returning:
   * backwards by restoring the nearest earlier checkpoint and re-simulating, injects included;
   * forwards by stepping. Play state and speed are kept; the steps replayed report no events.
   * A far target can take long: the realtime layer should prefer requestSeek.
   */
  seek(timeMs: number): SimResult {
    const result = this.requestSeek(timeMs);
    while (this.seekTarget !== undefined) this.stepOnce();
    return result;
  }

  /**
   * Starts a seek without finishing it: restores the nearest checkpoint at once, then each
   * advance() re-simulates up to its step budget until the target is reached (status().seekingToMs).
   */
  requestSeek(timeMs: number): SimResult {
    this.start();
    const clock = this.clock;
    if (typeof timeMs !== 'number' || !Number.isFinite(timeMs) || timeMs < 0 || timeMs > clock.durationMs) {
      return {
        ok: false,
        code: 'seek_out_of_range',
        message: `Run ${this.id}: seek time must be from 0 to ${clock.durationMs} ms since the start, got ${String(timeMs)}`,
      };
    }
    const target = Math.floor(timeMs / clock.stepMs) * clock.stepMs;
    let at = Math.floor(target / this.checkpointEveryMs) * this.checkpointEveryMs;
    while (!this.checkpoints.has(at)) at -= this.checkpointEveryMs;
    if (target < clock.timeMs || at > clock.timeMs) this.restoreCheckpoint(this.checkpoints.get(at) as Checkpoint);
    this.seekTarget = clock.timeMs < target ? target : undefined;
    clock.resetOwed();
    if (clock.ended) clock.playing = false;
    return { ok: true };
  }

  /**
   * The latest checkpoint at or before now with the injects beyond the scenario's, for starting
   * another run of the same scenario and seed there (a what-if from the present rather than from the start).
   */
  forkPoint(): ForkPoint {
    this.start();
    let at = -1;
    for (const t of this.checkpoints.keys()) if (t <= this.clock.timeMs && t > at) at = t;
    const checkpoint = this.checkpoints.get(at) as Checkpoint;
    const injects = this.timeline.filter((e) => e.source === 'live' || e.carried).map(({ atMs, kind, params }) => ({ atMs, kind, params }));
    return { timeMs: at, checkpoint, start: this.checkpoints.get(0) as Checkpoint, injects };
  }

  /**
   * Moves a run that has not been stepped yet to another run's fork point (same scenario, seed and
   * engines). The point's injects join the timeline, so seeks back before the point
   * re-simulate from the start and arrive at the same states. `changes` are the fork's own: those
   * due at or before the point are made as it starts and listed at its time, later ones when the
   * clock reaches them; none is listed as live. A bad change is answered and changes nothing.
   */
  startFrom(point: ForkPoint, changes: readonly TimelineInject[] = []): SimResult {
    const clock = this.clock;
    const where = `Run ${this.id}: startFrom`;
    const c = point.checkpoint;
    if (c.engines.length !== this.engines.length || point.start.engines.length !== this.engines.length) {
      return { ok: false, code: 'bad_request', message: `${where}: the fork point has ${c.engines.length} engine states for ${this.engines.length} engines` };
    }
    this.start(point.start);
    if (clock.timeMs !== 0) return { ok: false, code: 'already_started', message: `${where}: the run has already stepped to ${clock.timeMs} ms` };
    const zero = this.checkpoints.get(0) as Checkpoint;
    // A refused fork is left at time 0 as if it had not been asked (a fork's engines never warmed up: restored).
    const refuse = (code: string, message: string): SimResult => {
      this.restoreCheckpoint(zero);
      return { ok: false, code, message };
    };
    if (c.timeMs > clock.durationMs) return refuse('bad_request', `${where}: ${c.timeMs} ms is past the run's end`);
    const checked = this.checkInjects(where, 'injects', point.injects) ?? this.checkInjects(where, 'changes', changes);
    if (checked && !checked.ok) return refuse(checked.code, checked.message);

    this.restoreCheckpoint(c);
    // The checkpoint holds every inject up to its time, but not the fork's changes due then.
    const now: TimelineInject[] = [];
    for (const [k, change] of changes.entries()) {
      if (change.atMs > c.timeMs) continue;
      const result = (this.injectOwners.get(change.kind) as Engine).applyInject(change.kind, change.params, c.timeMs);
      if (!result.ok) return refuse(result.code, `${where}: changes[${k}].params (${change.kind}): ${result.message}`);
      now.push(change);
    }

    const later = [...point.injects, ...changes.filter((change) => change.atMs > c.timeMs)];
    this.timeline.push(...later.map(({ atMs, kind, params }) => ({ atMs, kind, params, source: 'timeline' as const, carried: true as const })));
    this.timeline.sort((a, b) => a.atMs - b.atMs);
    this.nextInject = this.injectsUpTo(c.timeMs);
    // After the injects the checkpoint holds, as a seek back replaying them from 0 would apply them.
    this.timeline.splice(this.nextInject, 0, ...now.map(({ kind, params }) => ({ atMs: c.timeMs, kind, params, source: 'timeline' as const, carried: true as const })));
    this.nextInject += now.length;
    for (const { kind, params } of now) this.emit({ type: 'inject', timeMs: c.timeMs, kind, params, source: 'timeline', result: { ok: true } });
    // A checkpoint with the changes in, so seeks inside the fork restore it rather than re-simulate from 0.
    this.saveCheckpoint();
    clock.resetOwed();
    return { ok: true };
  }

  /**
   * Applies an inject now (from a drill director, say) and adds it to the run's timeline so a
   * seek back replays it. `repeat` says whether restart() keeps it ('daily') or drops it ('day',
   * the default). Bad kinds or parameters are answered, not thrown.
   */
  inject(kind: string, params: unknown, repeat: InjectRepeat = 'day'): InjectResult {
    this.start();
    const owner = this.injectOwners.get(kind);
    if (!owner) {
      return { ok: false, code: 'unknown_inject', message: `Run ${this.id}: ${this.unknownKind(kind)}` };
    }
    if (this.clock.ended) return { ok: false, code: 'run_ended', message: `Run ${this.id}: the run has reached its end` };
    if (this.seekTarget !== undefined) return { ok: false, code: 'seeking', message: `Run ${this.id}: a seek is under way; inject when it has finished` };
    const t = this.clock.timeMs;
    const result = owner.applyInject(kind, params, t);
    if (result.ok) {
      // Every entry at or before now is applied, so the new one goes right after them.
      this.timeline.splice(this.nextInject, 0, { atMs: t, kind, params, source: 'live', ...(repeat === 'daily' ? { daily: true as const } : {}) });
      this.nextInject++;
      // Checkpoints from now on were taken without this inject.
      for (const at of [...this.checkpoints.keys()]) if (at >= t && at > 0) this.checkpoints.delete(at);
      if (t === 0) {
        this.zeroBeforeLive ??= this.checkpoints.get(0);
        this.saveCheckpoint();
      }
    }
    this.emit({ type: 'inject', timeMs: t, kind, params, source: 'live', result });
    return result;
  }

  /**
   * Starts the run over at time 0 (the live baseline's next day). Live injects made for the day
   * leave the timeline (and the checkpoints taken with them go), 'daily' ones stay and are made
   * again when the clock reaches their times; the scenario's own injects stay. Play state and
   * speed are kept.
   */
  restart(): void {
    this.start();
    let firstDroppedMs = Infinity;
    for (let k = this.timeline.length - 1; k >= 0; k--) {
      const e = this.timeline[k];
      if (e.source !== 'live' || e.daily) continue;
      this.timeline.splice(k, 1);
      firstDroppedMs = Math.min(firstDroppedMs, e.atMs);
    }
    for (const at of [...this.checkpoints.keys()]) if (at >= firstDroppedMs && at > 0) this.checkpoints.delete(at);
    this.seekTarget = undefined;
    const pristine = this.zeroBeforeLive;
    if (!pristine) {
      this.restoreCheckpoint(this.checkpoints.get(0) as Checkpoint);
    } else {
      // Checkpoint 0 was taken with live injects made at time 0: start from the one before them and make the daily ones again.
      this.zeroBeforeLive = undefined;
      this.checkpoints.set(0, pristine);
      this.restoreCheckpoint(pristine);
      const firstLive = this.timeline.findIndex((e) => e.atMs > 0 || e.source === 'live');
      this.nextInject = firstLive < 0 ? this.timeline.length : firstLive;
      if (this.timeline[this.nextInject]?.atMs === 0) {
        this.zeroBeforeLive = pristine;
        this.applyDueInjects();
        this.saveCheckpoint();
      }
    }
    this.clock.resetOwed();
  }

  /** The injects applied so far and those still to come, in order. */
  injects(): { atMs: number; kind: string; params: unknown; source: 'timeline' | 'live'; applied: boolean }[] {
    return this.timeline.map((e, k) => ({ atMs: e.atMs, kind: e.kind, params: e.params, source: e.source, applied: k < this.nextInject }));
  }

  /** The moving objects of every engine now, sorted by id; valid until the next step. */
  objects(): ObjectState {
    this.start();
    const states: ObjectState[] = [];
    for (const [id, owner] of this.outputOwners) if (owner.kind === 'objects') states.push(owner.engine.output(id) as ObjectState);
    if (states.length === 0) return EMPTY_OBJECTS;
    if (states.length === 1) return states[0];
    this.merged = mergeObjectStates(states, this.merged);
    return this.merged;
  }

  /** Every output the run's engines publish, in registration order (of `kind` only, when given). */
  outputs(kind?: OutputKind): RunOutput[] {
    const out: RunOutput[] = [];
    for (const [id, owner] of this.outputOwners) if (kind === undefined || owner.kind === kind) out.push({ id, kind: owner.kind, engine: owner.engine.name });
    return out;
  }

  /** Output `id` now if it is of `kind`, or undefined when the run has no such output; valid until the next step. */
  output<K extends OutputKind>(id: string, kind: K): OutputTypes[K] | undefined {
    this.start();
    const owner = this.outputOwners.get(id);
    return owner && owner.kind === kind ? (owner.engine.output(id) as OutputTypes[K]) : undefined;
  }

  /** The first output of `kind` now (a run has at most one traffic summary, say), or undefined. */
  firstOutput<K extends OutputKind>(kind: K): OutputTypes[K] | undefined {
    const first = this.outputs(kind)[0];
    return first && this.output(first.id, kind);
  }

  /** What the run's engines know of object `id` now, or undefined. */
  describeObject(id: number): ObjectDescription | undefined {
    this.start();
    for (const engine of this.engines) {
      const d = engine.describeObject?.(id);
      if (d) return d;
    }
    return undefined;
  }

  /** Every field engine's values at local point (x, y), zM above the ground, now (see Engine.sampleAt); {} when none has fields. */
  sampleAt(x: number, y: number, zM: number): Record<string, number> {
    this.start();
    const out: Record<string, number> = {};
    for (const engine of this.engines) if (engine.sampleAt) Object.assign(out, engine.sampleAt(x, y, zM));
    return out;
  }

  /** Returns and forgets the events since the last call. */
  drainEvents(): RunEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  /** Times of the checkpoints kept, ascending (for diagnostics). */
  checkpointTimes(): number[] {
    return [...this.checkpoints.keys()].sort((a, b) => a - b);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clock.playing = false;
    for (const engine of this.engines) engine.dispose();
    this.checkpoints.clear();
  }

  /**
   * Seals registration on first use: finishes the engines' warm-up (see warmUp), applies injects due at time 0 and keeps checkpoint 0; a fork
   * (RunOptions.fork) takes `forkStart`, the forked run's time-0 state, as its checkpoint 0 instead.
   */
  private start(forkStart?: Checkpoint): void {
    if (this.disposed) throw new Error(`Run ${this.id}: used after dispose()`);
    if (this.started) return;
    this.warmUp();
    if (this.fork && !forkStart) throw new Error(`Run ${this.id}: a fork's engines skipped their warm-up; startFrom must come before any other use`);
    for (const entry of this.timeline) {
      if (!this.injectOwners.has(entry.kind)) throw new Error(`Run ${this.id}: no registered engine handles inject kind "${entry.kind}" (validate the scenario against the run's engines first)`);
    }
    this.order = stepOrder(this.engines, (id) => this.outputOwners.get(id)?.engine, `Run ${this.id}`);
    this.started = true;
    if (this.fork) {
      this.checkpoints.set(0, forkStart as Checkpoint);
      return;
    }
    this.applyDueInjects();
    this.saveCheckpoint();
  }

  private applyDueInjects(): void {
    const t = this.clock.timeMs;
    while (this.nextInject < this.timeline.length && this.timeline[this.nextInject].atMs <= t) {
      const entry = this.timeline[this.nextInject++];
      const result = (this.injectOwners.get(entry.kind) as Engine).applyInject(entry.kind, entry.params, t);
      this.emit({ type: 'inject', timeMs: t, kind: entry.kind, params: entry.params, source: entry.source, result });
    }
  }

  /** Applies what engines asked of each other during the step, in the order asked (kinds no engine handles are dropped). */
  private applyCommands(): void {
    if (this.commands.length === 0) return;
    const commands = this.commands;
    this.commands = [];
    const t = this.clock.timeMs;
    for (const c of commands) {
      const owner = this.injectOwners.get(c.kind);
      const result: InjectResult = owner
        ? owner.applyInject(c.kind, c.params, t)
        : { ok: false, code: 'unknown_inject', message: `Run ${this.id}: command from "${c.from}": ${this.unknownKind(c.kind)}` };
      this.emit({ type: 'command', timeMs: t, from: c.from, kind: c.kind, params: c.params, result });
    }
  }

  private emit(event: RunEvent): void {
    if (this.seekTarget === undefined) this.events.push(event);
  }

  private saveCheckpoint(): void {
    const now = this.clock.timeMs;
    this.checkpoints.set(now, {
      timeMs: now,
      rngState: this.rng.getState(),
      engines: this.engines.map((e) => e.snapshot()),
    });
    // A day of a busy city's checkpoints would fill memory (a traffic snapshot is megabytes): keep
    // every one of the last THIN_AFTER_COUNT, older ones only on whole multiples of THIN_TO_COUNT
    // intervals, so a seek re-simulates at most that many intervals.
    const every = this.checkpointEveryMs;
    for (const at of this.checkpoints.keys()) {
      if (at > 0 && at < now - THIN_AFTER_COUNT * every && (at / every) % THIN_TO_COUNT !== 0) this.checkpoints.delete(at);
    }
  }

  private restoreCheckpoint(checkpoint: Checkpoint): void {
    this.commands = [];
    this.clock.timeMs = checkpoint.timeMs;
    this.rng.setState(checkpoint.rngState);
    this.engines.forEach((e, k) => e.restore(checkpoint.engines[k]));
    this.nextInject = this.injectsUpTo(checkpoint.timeMs);
  }

  /** How many timeline entries are due at or before `timeMs` (the timeline is sorted by time). */
  private injectsUpTo(timeMs: number): number {
    let k = 0;
    while (k < this.timeline.length && this.timeline[k].atMs <= timeMs) k++;
    return k;
  }

  /** A failure naming the first inject of `field` whose kind no engine handles or whose time is outside the run. */
  private checkInjects(where: string, field: string, injects: readonly TimelineInject[]): SimResult | undefined {
    for (const [k, inject] of injects.entries()) {
      if (!this.injectOwners.has(inject.kind)) return { ok: false, code: 'unknown_inject', message: `${where}: ${field}[${k}].kind: ${this.unknownKind(inject.kind)}` };
      const { atMs } = inject;
      if (!Number.isSafeInteger(atMs) || atMs < 0 || atMs > this.clock.durationMs) {
        return { ok: false, code: 'bad_request', message: `${where}: ${field}[${k}].atMs: must be an integer from 0 to ${this.clock.durationMs} ms, got ${String(atMs)}` };
      }
    }
    return undefined;
  }

  private unknownKind(kind: unknown): string {
    return `no engine of this run handles inject kind ${JSON.stringify(kind)} (handled: ${[...this.injectOwners.keys()].join(', ')})`;
  }
}
