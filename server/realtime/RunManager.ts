import { fileURLToPath } from 'node:url';
import type { CityModel } from '../city/CityModel.ts';
import type { AirSummary } from '../protocol/AirSummary.ts';
import type { EmergencySummary } from '../protocol/EmergencySummary.ts';
import type { FloodSummary } from '../protocol/FloodSummary.ts';
import type { Ack, InjectAnswer } from '../protocol/controls.ts';
import type { RunStateEvent } from '../protocol/events.ts';
import type { ObjectState } from '../protocol/ObjectState.ts';
import type { TrafficSummary } from '../protocol/TrafficSummary.ts';
import { loadScenarios } from '../scenario/loadScenarios.ts';
import type { Scenario } from '../scenario/Scenario.ts';
import type { EngineRegistry, ObjectDescription } from '../sim/Engine.ts';
import { engineRegistry } from '../sim/engineRegistry.ts';
import type { ForkPoint, Run } from '../sim/Run.ts';
import type { PruneOptions, RunStore } from '../store/RunStore.ts';
import { airAtPoint, type AirAtPoint, type PlaceQuery } from './airAtPoint.ts';
import { IdleRuns } from './IdleRuns.ts';
import { LiveBaseline, type LiveClock } from './LiveBaseline.ts';
import { ReplaySession } from './ReplaySession.ts';
import { fail, type CatchUp, type RunControl, type RunSession, type RunSink, type RunSummary, type SessionHost } from './RunSession.ts';
import { SimSession, type CreateRunExtras } from './SimSession.ts';
import type { AirPoint } from './streams/AirStream.ts';
import type { EmergencyPoint } from './streams/emergencyFigures.ts';
import type { LinkFigures, TrafficPoint } from './streams/TrafficStream.ts';

export type { CreateRunExtras } from './SimSession.ts';
export type { CatchUp, RunControl, RunSink, RunSummary } from './RunSession.ts';
export type { AirAtPoint, PlaceQuery } from './airAtPoint.ts';
export type { AirPoint } from './streams/AirStream.ts';
export type { EmergencyPoint } from './streams/emergencyFigures.ts';
export type { LiveClock } from './LiveBaseline.ts';
export { TRAFFIC_HISTORY_EVERY_MS, TRAFFIC_HISTORY_POINTS, type LinkFigures, type TrafficPoint } from './streams/TrafficStream.ts';

export interface RunManagerOptions {
  cities: readonly CityModel[];
  store: RunStore;
  /** Scenario folder, the repository's `scenarios` by default; ignored when `scenarios` is given. */
  scenariosDir?: string;
  /** Already loaded scenarios (tests). */
  scenarios?: Scenario[];
  /** Engines scenarios may name (the server's engineRegistry by default; tests add their own). */
  registry?: EngineRegistry;
  /** Least wall time between two link frames and traffic summaries of a run (1000 ms). */
  trafficIntervalMs?: number;
  /** Least wall time between two grid updates (a frame per layer) and air summaries of a run (1000 ms). */
  gridIntervalMs?: number;
  /** The scenario of the always-on live baseline (`weekday` by default); null for none. */
  liveScenarioId?: string | null;
  /**
   * What the live baseline's clock follows (LiveBaseline): 'wall', today's time of day in
   * Asia/Shanghai (the server's default, via config.liveClock), or 'scenario', its scenario's own
   * date and time (the default here: tests and bench stay deterministic).
   */
  liveClock?: LiveClock;
  /** Epoch milliseconds now, the time the live baseline follows with liveClock 'wall' (Date.now by default; tests drive their own). */
  wallClock?: () => number;
  /** Timer period, wall ms (25 by default: short ticks, so the server answers between them). */
  tickMs?: number;
  /** Least wall time between two frames of a run (100 ms: at most 10 frames per second). */
  frameIntervalMs?: number;
  /** A keyframe is broadcast each time this much sim time has passed since the last one (10 s). */
  keyframeEveryMs?: number;
  /** Steps one run may take per tick (400). */
  maxStepsPerTick?: number;
  /**
   * Wall time all runs together may spend stepping per tick, so 'max' speed cannot block the server
   * (12 ms, about half of each tick): each run steps until its share is spent, and a run whose step
   * overran the tick's budget leaves the runs after it none (they go first on later ticks).
   */
  stepBudgetMs?: number;
  /**
   * Wall time runs still warming up (status `starting`: Run.warmUp) may spend per tick, together,
   * after the others stepped (stepBudgetMs by default): a new run's warm-up is spread over ticks
   * instead of blocking the server, and the live baseline and playing runs keep their budget.
   */
  warmUpBudgetMs?: number;
  /** Runs and replays besides the live baseline that may be open at once (8). */
  maxRuns?: number;
  /** Runs and replays one account may have open at once (3). */
  maxRunsPerUser?: number;
  /**
   * A run or replay (the live baseline aside) that nobody has watched for this long, or that has
   * finished this long ago, is stopped, its recording finished and kept (10 min, wall ms).
   */
  idleRunMs?: number;
  /** The wall clock, ms (performance.now by default; tests drive their own). */
  now?: () => number;
  /** The live baseline's recording is cut into segments of this much sim time, each starting with a keyframe (1 h). */
  liveSegmentMs?: number;
  /** Recordings are pruned to these limits every 5 minutes (default: 8 GiB); null never prunes. */
  retention?: PruneOptions | null;
  log?: (line: string) => void;
}

/** The id of the live baseline run. */
export const LIVE_RUN_ID = 'live';

/** Idle runs are looked for this often, wall ms. */
const IDLE_CHECK_EVERY_MS = 1000;

/** What RunManager.remove did. */
export interface RemovedRun {
  runId: string;
  kind: RunSummary['kind'];
  /** It was still open and was stopped first. */
  stopped: boolean;
  /** RunStore runs deleted: the segments of its recording; none when kept, and none for a replay (the recording it plays is not its own). */
  deletedRecordings: number[];
}

/** FNV-1a of a string: a uint32 stream id. */
function hashId(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Owns the server's runs: the always-on live baseline, planners' what-if runs and replays of
 * recordings, each a RunSession (SimSession or ReplaySession). One timer advances every playing
 * run by the wall time elapsed, sharing a step budget so 'max' speed never blocks the server; each
 * session then streams what is due (object frames, link figures, grids, summaries), records it
 * and hands it to the sink. Keeps the limits (open runs and replays, in all and per owner; stopped
 * runs listed), stops runs fallen idle (IdleRuns), removes runs with their recordings, and prunes the
 * store. Sim times in the protocol are milliseconds since the run's start.
 */
export class RunManager {
  readonly scenarios: readonly Scenario[];
  readonly scenarioErrors: readonly string[];
  /** Engines the scenarios may name (what-if validation asks it for inject schemas). */
  readonly registry: EngineRegistry;
  private readonly cities: Map<string, CityModel>;
  private readonly store: RunStore;
  private readonly host: SessionHost;
  private readonly sessions = new Map<string, RunSession>();
  private readonly maxStepsPerTick: number;
  private readonly stepBudgetMs: number;
  private readonly warmUpBudgetMs: number;
  private readonly maxRuns: number;
  private readonly maxRunsPerUser: number;
  private readonly idle: IdleRuns;
  private readonly now: () => number;
  private lastIdleCheckMs: number;
  private readonly liveSegmentMs: number;
  /** Per city: link ids to their index in `roads.links`, and lanes per link. */
  private readonly cityLinks = new Map<string, { index: Map<string, number>; lanes: Uint8Array }>();
  private readonly log: (line: string) => void;
  /** The live baseline's clock, when there is a live baseline. */
  private readonly live: LiveBaseline | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly pruneTimer: NodeJS.Timeout | undefined;
  private lastTickMs: number;
  /** Ticks so far: the order runs step in turns with it. */
  private tickCount = 0;
  private nextRunNumber = 1;
  private closed = false;

  constructor(options: RunManagerOptions) {
    this.store = options.store;
    this.cities = new Map(options.cities.map((c) => [c.id, c]));
    this.maxStepsPerTick = options.maxStepsPerTick ?? 400;
    this.stepBudgetMs = options.stepBudgetMs ?? 12;
    this.warmUpBudgetMs = options.warmUpBudgetMs ?? this.stepBudgetMs;
    this.maxRuns = options.maxRuns ?? 8;
    this.maxRunsPerUser = options.maxRunsPerUser ?? 3;
    this.idle = new IdleRuns(options.idleRunMs ?? 10 * 60_000);
    this.now = options.now ?? (() => performance.now());
    this.lastTickMs = this.lastIdleCheckMs = this.now();
    this.liveSegmentMs = options.liveSegmentMs ?? 3_600_000;
    this.registry = options.registry ?? engineRegistry;
    const retention = options.retention === undefined ? { maxBytes: 8 * 2 ** 30 } : options.retention;
    if (retention) {
      this.pruneTimer = setInterval(() => this.store.prune(retention), 5 * 60_000);
      this.pruneTimer.unref();
    }
    this.log = options.log ?? (() => {});
    if (options.scenarios) {
      this.scenarios = options.scenarios;
      this.scenarioErrors = [];
    } else {
      const loaded = loadScenarios(options.scenariosDir ?? fileURLToPath(new URL('../../scenarios', import.meta.url)), this.registry);
      this.scenarios = loaded.scenarios;
      this.scenarioErrors = loaded.errors;
      for (const e of loaded.errors) this.log(`RunManager: scenario not loaded: ${e}`);
    }
    this.host = {
      sink: { frame: () => {}, event: () => {} },
      store: this.store,
      scenarios: this.scenarios,
      rates: {
        frameIntervalMs: options.frameIntervalMs ?? 100,
        keyframeEveryMs: options.keyframeEveryMs ?? 10_000,
        trafficIntervalMs: options.trafficIntervalMs ?? 1000,
        gridIntervalMs: options.gridIntervalMs ?? 1000,
      },
    };
    const liveId = options.liveScenarioId === undefined ? 'weekday' : options.liveScenarioId;
    const liveScenario = liveId === null ? undefined : this.scenarios.find((s) => s.id === liveId);
    if (liveId !== null && !liveScenario) this.log(`RunManager: no live baseline: ${unknownScenario(liveId, this.scenarios).error.message}`);
    if (liveScenario) {
      this.live = new LiveBaseline({
        scenario: liveScenario,
        clock: options.liveClock ?? 'scenario',
        wallClock: options.wallClock ?? (() => Date.now()),
        start: (scenario, timeline, followsClock) => this.startSim(scenario, undefined, LIVE_RUN_ID, { timeline }, followsClock),
        log: this.log,
      });
      const created = this.live.start();
      if (created.ok) created.result.recordState();
      else this.log(`RunManager: no live baseline: ${created.error.message}`);
    }
    this.timer = setInterval(() => this.tick(), options.tickMs ?? 25);
    this.timer.unref();
  }

  /** Sends frames and events to `sink` from now on. */
  setSink(sink: RunSink): void {
    this.host.sink = sink;
  }

  /** How many sockets watch a run now (its room's size): runs nobody watches for idleRunMs are stopped. None until set. */
  setWatchers(count: (runId: string) => number): void {
    this.idle.setWatchers(count);
  }

  /** Someone read run `runId` now (an HTTP request): it counts as watched. Unknown ids are ignored. */
  touch(runId: string): void {
    if (this.sessions.has(runId)) this.idle.touch(runId, this.now());
  }

  /** Every run, the live baseline first. */
  list(): RunSummary[] {
    return [...this.sessions.values()].map((s) => s.summary());
  }

  get(runId: string): RunSummary | undefined {
    return this.sessions.get(runId)?.summary();
  }

  /** Runs or replays that may still be started (by `owner`, when given): maxRuns less those open (live baseline aside), and the owner's own limit. */
  freeRunSlots(owner: string | null = null): number {
    const open = this.openRuns();
    const free = this.maxRuns - open.length;
    return Math.max(0, owner === null ? free : Math.min(free, this.maxRunsPerUser - open.filter((s) => s.owner === owner).length));
  }

  /**
   * Starts (playing, at speed 1) a run of a scenario, with its own seed or the scenario's; `extras.owner` is who starts it.
   * Answered at once: a run whose engines warm up (traffic's warmUpMinutes) is `starting` until the
   * ticks have warmed it up, then plays and announces its runState.
   */
  createRun(request: { scenarioId: string; seed?: number }, extras: CreateRunExtras = {}): Ack<RunStateEvent> {
    const full = this.refuseMore(extras.owner ?? null);
    if (full) return full;
    this.forgetOldStopped();
    const id = `${request.scenarioId}-${this.nextRunNumber++}`;
    return this.createSim(request.scenarioId, request.seed, id, extras);
  }

  /** Starts a replay of a recorded run (a RunStore id), playing at `speed`, for `owner`; replays count against the run limits. */
  createReplay(request: { replayOf: number; speed?: number | 'max' }, owner: string | null = null): Ack<RunStateEvent> {
    if (!Number.isSafeInteger(request.replayOf)) return fail('bad_request', `RunManager: replayOf must be a recorded run id, got ${JSON.stringify(request.replayOf)}`);
    const speed = request.speed ?? 1;
    if (speed !== 'max' && !(typeof speed === 'number' && speed >= 0.5 && speed <= 3600)) {
      return fail('bad_request', `RunManager: speed must be from 0.5 to 3600 or "max", got ${JSON.stringify(speed)}`);
    }
    let info;
    try {
      info = this.store.getRun(request.replayOf);
    } catch {
      return fail('not_found', `RunManager: no recorded run ${request.replayOf}`);
    }
    const full = this.refuseMore(owner);
    if (full) return full;
    this.forgetOldStopped();
    const id = `replay-${info.id}-${this.nextRunNumber++}`;
    const session = new ReplaySession(this.host, id, info, this.cities.get(info.city), speed, owner);
    this.sessions.set(id, session);
    return { ok: true, result: session.state() };
  }

  /** Applies a control; a refused one changes nothing and the run goes on. */
  control(runId: string, control: RunControl): Ack<RunStateEvent | InjectAnswer> {
    const session = this.sessions.get(runId);
    if (!session) return this.noRun(runId);
    if (session.stopped) return fail('run_stopped', `RunManager: run ${runId} was stopped`);
    const refused = runId === LIVE_RUN_ID ? this.live?.refuse(control) : undefined;
    if (refused) return refused;
    const result = session.control(control);
    if (!result.ok) return result;
    if (runId === LIVE_RUN_ID) this.live?.applied(control, session);
    if (control.action !== 'inject') session.announceState();
    return result;
  }

  /**
   * Stops a run or replay if it is open and forgets it; with `deleteRecording` a sim run's recording
   * (every segment) is deleted from the store too. Refused for the live baseline ('live_protected')
   * and, to delete a recording someone is replaying, until that replay stops ('in_use').
   */
  remove(runId: string, options: { deleteRecording: boolean }): Ack<RemovedRun> {
    const s = this.sessions.get(runId);
    if (!s) return this.noRun(runId);
    if (s.kind === 'live') return fail('live_protected', `RunManager: the live baseline cannot be removed`);
    const recordings = options.deleteRecording && s instanceof SimSession ? [...s.storeRunIds] : [];
    for (const other of this.sessions.values()) {
      if (other instanceof ReplaySession && !other.stopped && recordings.includes(other.storeRunId)) {
        return fail('in_use', `RunManager: run ${runId}'s recording ${other.storeRunId} is being replayed (${other.id}); stop that replay first, or keep the recording`);
      }
    }
    const open = !s.stopped;
    if (open) {
      s.stop();
      s.announceState();
    }
    this.sessions.delete(runId);
    return { ok: true, result: { runId, kind: s.kind, stopped: open, deletedRecordings: recordings.filter((id) => this.store.deleteRun(id)) } };
  }

  /** A live run's moving objects now (valid until its next step); undefined for replays and stopped runs. */
  objects(runId: string): ObjectState | undefined {
    const s = this.sessions.get(runId);
    return s instanceof SimSession ? s.objects() : undefined;
  }

  /**
   * The traffic figures of a run now (a sim run's engine is asked afresh unless a seek is under
   * way) and its history, one point per 5 sim minutes; refused for unknown runs and runs without
   * a traffic engine.
   */
  traffic(runId: string): Ack<{ summary: TrafficSummary; history: TrafficPoint[] }> {
    return this.sessions.get(runId)?.traffic() ?? this.noRun(runId);
  }

  /** A run's traffic figures now (see traffic()); undefined for unknown runs and runs without traffic. */
  trafficSummary(runId: string): TrafficSummary | undefined {
    const s = this.sessions.get(runId);
    return s instanceof SimSession || s instanceof ReplaySession ? s.trafficSummary() : undefined;
  }

  /**
   * The air figures of a run now (asked afresh of a sim run's engine unless a seek is under way;
   * the last replayed for replays) and its history, one point per 5 sim minutes; refused for
   * unknown runs and runs without an environment engine or figures yet.
   */
  air(runId: string): Ack<{ summary: AirSummary; history: AirPoint[] }> {
    return this.sessions.get(runId)?.air() ?? this.noRun(runId);
  }

  /** The water over a run's city now (asked afresh of a sim run's flood engine; the last replayed for replays). */
  flood(runId: string): Ack<FloodSummary> {
    return this.sessions.get(runId)?.flood() ?? this.noRun(runId);
  }

  /** The emergencies of a run now, with its city (for places in lon/lat) and the 5-minute history of the dashboard's emergency figures. */
  emergency(runId: string): Ack<{ summary: EmergencySummary; history: EmergencyPoint[]; city: CityModel | undefined }> {
    const s = this.sessions.get(runId);
    if (!s) return this.noRun(runId);
    const e = s.emergency();
    return e.ok ? { ok: true, result: { ...e.result, city: s.city } } : e;
  }

  /** A run's air figures now (see air()); undefined when it has none. */
  airSummary(runId: string): AirSummary | undefined {
    const air = this.sessions.get(runId)?.air();
    return air?.ok ? air.result.summary : undefined;
  }

  /** The air at a point of a run's city now, `heightM` above the ground: concentrations and their AQI. */
  airAt(runId: string, place: PlaceQuery, heightM: number): Ack<AirAtPoint> {
    const s = this.sessions.get(runId);
    return s ? airAtPoint(s, place, heightM) : this.noRun(runId);
  }

  /** What a sim run's engines know of moving object `objectId` now (the vehicle inspector). */
  describeObject(runId: string, objectId: number): Ack<ObjectDescription & { runId: string; simTimeMs: number }> {
    const s = this.sessions.get(runId);
    if (!s) return this.noRun(runId);
    if (!(s instanceof SimSession)) return fail('not_found', `RunManager: run ${runId} is a replay or stopped; only running runs describe their objects`);
    return s.describeObject(objectId);
  }

  /**
   * Where a copy of a running sim run can start: its latest checkpoint (at most one checkpoint
   * interval before now) and its injects beyond the scenario's (live, or a fork's); see CreateRunExtras.from.
   */
  forkPoint(runId: string): Ack<{ scenarioId: string; seed: number; point: ForkPoint }> {
    const s = this.sessions.get(runId);
    if (!s) return this.noRun(runId);
    if (!(s instanceof SimSession)) return fail('bad_request', `RunManager: run ${runId} is a replay or stopped; only a running sim run can be forked`);
    return s.forkPoint();
  }

  /** A link's figures now, by its id in the run's city; refused for an unknown run or link. */
  link(runId: string, linkId: string): Ack<LinkFigures> {
    const s = this.sessions.get(runId);
    if (!s) return this.noRun(runId);
    const city = s.city;
    if (!city) return fail('not_found', `RunManager: run ${runId} runs in a city this server does not serve`);
    const k = this.linksOf(city).index.get(linkId);
    if (k === undefined) return fail('not_found', `RunManager: no link ${JSON.stringify(linkId)} in city ${JSON.stringify(city.id)}`);
    const link = city.roads.links[k];
    const now = s.link(k, link.lanes);
    if (!now.ok) return now;
    return { ok: true, result: { runId, id: link.id, name: link.name, class: link.class, lanes: link.lanes, ...now.result } };
  }

  /** A sim run's injects, applied and to come, in order (its scenario's, live ones, and those carried from the day before); [] for replays and unknown runs. */
  injects(runId: string): ReturnType<Run['injects']> {
    const s = this.sessions.get(runId);
    return s instanceof SimSession && !s.stopped ? s.run.injects() : [];
  }

  /** The city a run runs in, when this server serves it. */
  cityOf(runId: string): CityModel | undefined {
    return this.sessions.get(runId)?.city;
  }

  /** The run's state as the `runState` event. */
  runState(runId: string): RunStateEvent | undefined {
    return this.sessions.get(runId)?.state();
  }

  /**
   * What a client joining (or lost) needs, to send on its socket before the ack: object frames to
   * decode the next broadcast frame (a snapshot keyframe of a sim run, the last keyframe and
   * deltas since of a replay), then the latest link frame, traffic summary, frame of each grid
   * layer and air summary. Undefined for an unknown run.
   */
  catchUp(runId: string): CatchUp | undefined {
    return this.sessions.get(runId)?.catchUp();
  }

  /** Stops the timer, finishes every recording (flushed), disposes the runs. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    clearInterval(this.pruneTimer);
    for (const s of this.sessions.values()) if (!s.stopped) s.stop();
    this.sessions.clear();
  }

  /** Advances every playing run and broadcasts what is due, and about once a second stops idle runs (the timer calls it; tests may too). */
  tick(): void {
    const now = this.now();
    const wallMs = now - this.lastTickMs;
    this.lastTickMs = now;
    const active = [...this.sessions.values()].filter((s) => !s.stopped);
    // Each run goes first in turn, so one whose steps are long (a what-if at top speed) never always leaves the others nothing.
    const first = this.tickCount++ % Math.max(1, active.length);
    const order = [...active.slice(first), ...active.slice(0, first)];
    const warming = order.filter((s) => s instanceof SimSession && s.warming);
    this.tickShared(order.filter((s) => !warming.includes(s)), wallMs, now, this.stepBudgetMs);
    // Runs warming up have a budget of their own, after the others stepped.
    this.tickShared(warming, wallMs, now, this.warmUpBudgetMs);
    this.live?.tick(this.sessions.get(LIVE_RUN_ID));
    if (now - this.lastIdleCheckMs >= IDLE_CHECK_EVERY_MS) {
      this.lastIdleCheckMs = now;
      for (const { session, why } of this.idle.due(this.sessions.values(), now)) {
        session.stop();
        session.announceState();
        this.log(`RunManager: stopped ${session.id}: ${why}`);
      }
    }
  }

  /** Ticks `sessions` in turn, each with an equal share of what is left of `budgetMs`. */
  private tickShared(sessions: RunSession[], wallMs: number, now: number, budgetMs: number): void {
    const startedMs = performance.now();
    for (const [k, s] of sessions.entries()) {
      // A run may stop another as it ticks (a what-if ends both its runs).
      if (s.stopped) continue;
      const leftMs = budgetMs - (performance.now() - startedMs);
      s.tick(wallMs, now, Math.max(0, leftMs) / (sessions.length - k));
    }
  }

  private noRun(runId: string): { ok: false; error: { code: string; message: string } } {
    return fail('not_found', `RunManager: no run ${JSON.stringify(runId)}`);
  }

  /** Stopped runs stay listed (their recordings stay in the store) until 16 newer ones have stopped. */
  private forgetOldStopped(): void {
    const stopped = [...this.sessions.values()].filter((s) => s.stopped);
    for (const s of stopped.slice(0, Math.max(0, stopped.length - 16))) this.sessions.delete(s.id);
  }

  private openRuns(): RunSession[] {
    return [...this.sessions.values()].filter((s) => s.id !== LIVE_RUN_ID && !s.stopped);
  }

  /** A refusal when another run or replay of `owner` would pass maxRuns or maxRunsPerUser, else undefined. */
  private refuseMore(owner: string | null): { ok: false; error: { code: string; message: string } } | undefined {
    const open = this.openRuns();
    if (open.length >= this.maxRuns) return fail('too_many_runs', `RunManager: ${open.length} runs and replays are already open (at most ${this.maxRuns}); stop one first`);
    const mine = owner === null ? 0 : open.filter((s) => s.owner === owner).length;
    if (owner !== null && mine >= this.maxRunsPerUser) {
      return fail('too_many_runs', `RunManager: user ${JSON.stringify(owner)} already has ${mine} runs and replays open (at most ${this.maxRunsPerUser} per user); stop one first`);
    }
    return undefined;
  }

  private linksOf(city: CityModel): { index: Map<string, number>; lanes: Uint8Array } {
    let found = this.cityLinks.get(city.id);
    if (!found) {
      const links = city.roads.links;
      found = { index: new Map(links.map((l, k) => [l.id, k])), lanes: Uint8Array.from(links, (l) => Math.min(255, l.lanes)) };
      this.cityLinks.set(city.id, found);
    }
    return found;
  }

  private createSim(scenarioId: string, seed: number | undefined, id: string, extras: CreateRunExtras = {}): Ack<RunStateEvent> {
    const scenario = this.scenarios.find((s) => s.id === scenarioId);
    if (!scenario) return unknownScenario(scenarioId, this.scenarios);
    const made = this.startSim(scenario, seed, id, extras);
    return made.ok ? { ok: true, result: made.result.recordState() } : made;
  }

  /** Starts a sim session of `scenario` as run `id` and lists it; `followsClock` for the live baseline on the wall clock. */
  private startSim(scenario: Scenario, seed: number | undefined, id: string, extras: CreateRunExtras, followsClock?: () => number): Ack<SimSession> {
    const city = this.cities.get(scenario.city);
    if (!city) return fail('unknown_city', `RunManager: scenario ${scenario.id} runs in city ${JSON.stringify(scenario.city)}, which this server does not serve`);
    const made = SimSession.start(
      this.host,
      scenario,
      city,
      {
        id,
        seed,
        // A stream id per run (and per day of the live baseline) so a decoder never applies one run's delta to another's keyframe.
        streamId: hashId(followsClock ? `${id}@${scenario.startEpochMs}` : `${id}#${this.nextRunNumber}`),
        live: id === LIVE_RUN_ID,
        liveSegmentMs: this.liveSegmentMs,
        maxStepsPerTick: this.maxStepsPerTick,
        registry: this.registry,
        lanes: this.linksOf(city).lanes,
        followsClock,
      },
      extras,
    );
    if (made.ok) this.sessions.set(id, made.result);
    return made;
  }
}

function unknownScenario(scenarioId: string, scenarios: readonly Scenario[]): { ok: false; error: { code: string; message: string } } {
  return fail('unknown_scenario', `RunManager: scenarioId: no scenario ${JSON.stringify(scenarioId)} (known: ${scenarios.map((s) => s.id).join(', ') || 'none'})`);
}
