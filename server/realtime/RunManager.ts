import { fileURLToPath } from 'node:url';
import type { CityModel } from '../city/CityModel.ts';
import type { Ack } from '../protocol/controls.ts';
import { parseServerEvent, type RunStateEvent, type ServerEvent } from '../protocol/events.ts';
import { encodeLinkFrame, decodeLinkFrame } from '../protocol/LinkFrameCodec.ts';
import type { LinkState } from '../protocol/LinkState.ts';
import { ObjectFrameEncoder } from '../protocol/ObjectFrameEncoder.ts';
import type { ObjectState } from '../protocol/ObjectState.ts';
import type { ProtocolError } from '../protocol/ProtocolError.ts';
import { TrafficSummary } from '../protocol/TrafficSummary.ts';
import { createScenarioRun } from '../scenario/createScenarioRun.ts';
import { loadScenarios } from '../scenario/loadScenarios.ts';
import type { Scenario } from '../scenario/Scenario.ts';
import type { EngineRegistry, ObjectDescription } from '../sim/Engine.ts';
import { engineRegistry } from '../sim/engineRegistry.ts';
import type { ForkPoint, Run, TimelineInject } from '../sim/Run.ts';
import { congestionLevel } from '../sim/traffic/performanceIndex.ts';
import type { Replay, ReplayFrame } from '../store/Replay.ts';
import type { PruneOptions, RunStore } from '../store/RunStore.ts';

/** Where frames and events go; attachRealtime plugs Socket.IO in, tests may plug anything. */
export interface RunSink {
  /** A binary object frame every member of the run's room should get (fresh bytes; never reused). */
  frame(runId: string, bytes: Uint8Array): void;
  /** A JSON event every member of the run's room must get, in order. */
  event(runId: string, event: ServerEvent): void;
  /**
   * Traffic runs: a link frame for the room (fresh bytes; never reused), at most once per traffic
   * interval, and at once when the run pauses (before its runState event); never twice for one sim time.
   */
  links?(runId: string, bytes: Uint8Array): void;
  /** Traffic runs: the city-level figures, sent with each link frame. */
  traffic?(runId: string, summary: TrafficSummary): void;
}

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
  /** The scenario of the always-on live baseline (`weekday` by default); null for none. */
  liveScenarioId?: string | null;
  /** Timer period, wall ms (50 by default). */
  tickMs?: number;
  /** Least wall time between two frames of a run (100 ms: at most 10 frames per second). */
  frameIntervalMs?: number;
  /** A keyframe is broadcast each time this much sim time has passed since the last one (10 s). */
  keyframeEveryMs?: number;
  /** Steps one run may take per tick (400). */
  maxStepsPerTick?: number;
  /** Wall time all runs together may spend stepping per tick, so 'max' speed cannot block the server (25 ms). */
  stepBudgetMs?: number;
  /** Runs besides the live baseline that may exist at once (8). */
  maxRuns?: number;
  /** The live baseline's recording is cut into segments of this much sim time, each starting with a keyframe (1 h). */
  liveSegmentMs?: number;
  /** Recordings are pruned to these limits every 5 minutes (default: 8 GiB); null never prunes. */
  retention?: PruneOptions | null;
  log?: (line: string) => void;
}

/** The id of the live baseline run. */
export const LIVE_RUN_ID = 'live';

/** Sim time between two points of a run's traffic history. */
export const TRAFFIC_HISTORY_EVERY_MS = 5 * 60_000;
/** Points a run's traffic history keeps: 24 hours of them. */
export const TRAFFIC_HISTORY_POINTS = 288;

/** One point of a run's traffic history (the 24-hour index chart). */
export interface TrafficPoint {
  simTimeMs: number;
  index: number;
  meanSpeedKmh: number;
  vehicles: number;
}

/** GET /api/runs/:id/links/:linkId: one link's figures now. Replays know only what link frames carry (the rest is null). */
export interface LinkFigures {
  runId: string;
  simTimeMs: number;
  id: string;
  name: string;
  class: string;
  lanes: number;
  speedKmh: number | null;
  densityVehPerKm: number | null;
  flowVph: number | null;
  queueM: number | null;
  index: number | null;
  level: TrafficSummary['level'] | null;
  closedLanes: number | null;
}

/** Extra settings of a run started by the what-if comparison. */
export interface CreateRunExtras {
  /**
   * Injects added to the scenario's timeline (validated by the caller against the scenario's
   * engines); with `from`, those due at or before its time are made as the run starts.
   */
  timeline?: readonly TimelineInject[];
  /** The run pauses when its clock reaches this sim time (rounded up to a step) and calls onPaused. */
  pauseAtMs?: number;
  /** Called once, right after the run paused at pauseAtMs (or passed it, after a seek), in the same turn. */
  onPaused?: (runId: string) => void;
  /** Another run's fork point (RunManager.forkPoint): the run starts there instead of at 0. */
  from?: ForkPoint;
  /** The speed the run starts at (1 by default). */
  speed?: number | 'max';
}

/** What GET /api/runs and the socket API say about a run. */
export interface RunSummary {
  state: RunStateEvent;
  /** The scenario's title, when its scenario is loaded. */
  title: { zh: string; en: string } | null;
  kind: 'live' | 'scenario' | 'replay';
  /** The RunStore run recording it (for a replay: the recording it plays). */
  storeRunId: number;
  seed: number | null;
  durationMs: number;
  /** Epoch ms of sim time 0. */
  startEpochMs: number;
}

/** A control a client (socket or HTTP) may apply to a run. */
export type RunControl =
  | { action: 'play' }
  | { action: 'pause' }
  | { action: 'stop' }
  | { action: 'speed'; factor: number | 'max' }
  | { action: 'seek'; simTimeMs: number }
  | { action: 'inject'; kind: string; params: Record<string, unknown> };

/** A run's traffic stream: what was sent last and the history of its figures. */
interface TrafficTrack {
  /** Lanes per link of the run's city, to tell a whole closure in link frames. */
  lanes: Uint8Array;
  lastSentWallMs: number;
  lastSentSimMs: number;
  /** Replays: the last link frame replayed (what a joining client gets). */
  lastFrame?: Uint8Array;
  /** The last summary sent (what HTTP answers while a seek is under way). */
  lastSummary?: TrafficSummary;
  history: TrafficPoint[];
  /** The history bucket (sim time / TRAFFIC_HISTORY_EVERY_MS) of the last point. */
  historyBucket: number;
}

interface SimEntry {
  type: 'sim';
  id: string;
  scenario: Scenario;
  run: Run;
  /** Null when no engine of the run publishes links and a traffic summary. */
  traffic: TrafficTrack | null;
  pauseAtMs?: number;
  onPaused?: (runId: string) => void;
  encoder: ObjectFrameEncoder;
  /** The RunStore run of the latest recording segment. */
  storeRunId: number;
  /** False once the run ended or stopped (its recording is finished) until a seek starts a new one. */
  recording: boolean;
  stopped: boolean;
  lastSentWallMs: number;
  lastSentSimMs: number;
  lastKeyframeSimMs: number;
  needKeyframe: boolean;
  injectCount: number;
  /** Sim time the current recording segment starts at. */
  segmentStartMs: number;
  /** Measured wall ms per step (moving average), to size each tick's step budget. */
  msPerStep: number;
}

interface ReplayEntry {
  type: 'replay';
  id: string;
  scenarioId: string;
  replayOf: number;
  replay: Replay;
  startEpochMs: number;
  durationMs: number;
  clockMs: number;
  speed: number | 'max';
  playing: boolean;
  stopped: boolean;
  finished: boolean;
  /** The last keyframe and the deltas since: what a client joining the replay needs. */
  catchUp: Uint8Array[];
  /** What the recording holds of traffic (its link frames and summaries). */
  traffic: TrafficTrack;
}

type Entry = SimEntry | ReplayEntry;

const fail = (code: string, message: string): { ok: false; error: ProtocolError } => ({ ok: false, error: { code, message } });

/** Sequence number of an object frame (bytes 20–23, little-endian). */
function frameSequence(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(20, true);
}

/** Turns a recorded frame's bytes into a Uint8Array of its own, so nobody shares a buffer. */
function ownBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/**
 * Owns the server's runs: the always-on live baseline, planners' what-if runs and replays of
 * recordings. One timer advances every playing run by the wall time elapsed (with a step budget),
 * encodes at most one frame per run per frame interval (a delta from the last frame SENT, so any
 * speed coalesces to ≤ 10 Hz), records exactly those bytes into the RunStore and hands them to the
 * sink. Sim times in the protocol are milliseconds since the run's start.
 */
export class RunManager {
  readonly scenarios: readonly Scenario[];
  readonly scenarioErrors: readonly string[];
  private readonly cities: Map<string, CityModel>;
  private readonly store: RunStore;
  private readonly entries = new Map<string, Entry>();
  private readonly tickMs: number;
  private readonly frameIntervalMs: number;
  private readonly keyframeEveryMs: number;
  private readonly maxStepsPerTick: number;
  private readonly stepBudgetMs: number;
  private readonly maxRuns: number;
  private readonly liveSegmentMs: number;
  private readonly trafficIntervalMs: number;
  /** Engines the scenarios may name (what-if validation asks it for inject schemas). */
  readonly registry: EngineRegistry;
  /** Per city: link ids to their index in `roads.links`, and lanes per link. */
  private readonly cityLinks = new Map<string, { index: Map<string, number>; lanes: Uint8Array }>();
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly log: (line: string) => void;
  private sink: RunSink = { frame: () => {}, event: () => {} };
  private timer: NodeJS.Timeout | undefined;
  private lastTickMs = performance.now();
  private nextRunNumber = 1;
  private closed = false;

  constructor(options: RunManagerOptions) {
    this.store = options.store;
    this.cities = new Map(options.cities.map((c) => [c.id, c]));
    this.tickMs = options.tickMs ?? 50;
    this.frameIntervalMs = options.frameIntervalMs ?? 100;
    this.keyframeEveryMs = options.keyframeEveryMs ?? 10_000;
    this.maxStepsPerTick = options.maxStepsPerTick ?? 400;
    this.stepBudgetMs = options.stepBudgetMs ?? 25;
    this.maxRuns = options.maxRuns ?? 8;
    this.liveSegmentMs = options.liveSegmentMs ?? 3_600_000;
    this.trafficIntervalMs = options.trafficIntervalMs ?? 1000;
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
    const liveId = options.liveScenarioId === undefined ? 'weekday' : options.liveScenarioId;
    if (liveId !== null) {
      const created = this.createSim(liveId, undefined, LIVE_RUN_ID);
      if (!created.ok) this.log(`RunManager: no live baseline: ${created.error.message}`);
    }
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  /** Sends frames and events to `sink` from now on. */
  setSink(sink: RunSink): void {
    this.sink = sink;
  }

  /** Every run, the live baseline first. */
  list(): RunSummary[] {
    return [...this.entries.values()].map((e) => this.summary(e));
  }

  get(runId: string): RunSummary | undefined {
    const e = this.entries.get(runId);
    return e && this.summary(e);
  }

  /** Runs that may still be started besides those open (maxRuns less the open runs, live baseline aside). */
  freeRunSlots(): number {
    return Math.max(0, this.maxRuns - this.openRuns());
  }

  /** Starts (playing, at speed 1) a run of a scenario, with its own seed or the scenario's. */
  createRun(request: { scenarioId: string; seed?: number }, extras: CreateRunExtras = {}): Ack<RunStateEvent> {
    const others = this.openRuns();
    if (others >= this.maxRuns) return fail('too_many_runs', `RunManager: ${others} runs are already open (at most ${this.maxRuns}); stop one first`);
    this.forgetOldStopped();
    const id = `${request.scenarioId}-${this.nextRunNumber++}`;
    return this.createSim(request.scenarioId, request.seed, id, extras);
  }

  /** Starts a replay of a recorded run (a RunStore id), playing at `speed`. */
  createReplay(request: { replayOf: number; speed?: number | 'max' }): Ack<RunStateEvent> {
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
    this.forgetOldStopped();
    const id = `replay-${info.id}-${this.nextRunNumber++}`;
    const entry: ReplayEntry = {
      type: 'replay',
      id,
      scenarioId: info.scenarioId,
      replayOf: info.id,
      replay: this.store.openReplay(info.id),
      startEpochMs: info.startEpochMs,
      durationMs: info.durationMs ?? info.lastSimTimeMs,
      clockMs: 0,
      speed,
      playing: true,
      stopped: false,
      finished: false,
      catchUp: [],
      traffic: { lanes: new Uint8Array(0), lastSentWallMs: -Infinity, lastSentSimMs: -1, history: [], historyBucket: -1 },
    };
    this.entries.set(id, entry);
    return { ok: true, result: this.state(entry) };
  }

  /** Applies a control; a refused one changes nothing and the run goes on. */
  control(runId: string, control: RunControl): Ack<RunStateEvent | { injectId: string }> {
    const entry = this.entries.get(runId);
    if (!entry) return fail('not_found', `RunManager: no run ${JSON.stringify(runId)}`);
    if (entry.stopped) return fail('run_stopped', `RunManager: run ${runId} was stopped`);
    const result = entry.type === 'sim' ? this.controlSim(entry, control) : this.controlReplay(entry, control);
    if (!result.ok) return result;
    if (control.action !== 'inject') this.sink.event(runId, this.recordState(entry));
    return result;
  }

  /** A live run's moving objects now (valid until its next step); undefined for replays and stopped runs. */
  objects(runId: string): ObjectState | undefined {
    const e = this.entries.get(runId);
    return e?.type === 'sim' && !e.stopped ? e.run.objects() : undefined;
  }

  /**
   * The traffic figures of a run now (a sim run's engine is asked afresh unless a seek is under
   * way) and its history, one point per 5 sim minutes; refused for unknown runs and runs without
   * a traffic engine.
   */
  traffic(runId: string): Ack<{ summary: TrafficSummary; history: TrafficPoint[] }> {
    const e = this.entries.get(runId);
    if (!e) return fail('not_found', `RunManager: no run ${JSON.stringify(runId)}`);
    const summary = this.currentSummary(e);
    if (!summary) {
      if (e.type === 'sim' && !e.traffic) return fail('no_traffic', `RunManager: run ${runId} has no traffic engine`);
      return fail('no_traffic', `RunManager: run ${runId} has no traffic figures yet`);
    }
    return { ok: true, result: { summary, history: (e.traffic as TrafficTrack).history.slice() } };
  }

  /** What a sim run's engines know of moving object `objectId` now (the vehicle inspector). */
  describeObject(runId: string, objectId: number): Ack<ObjectDescription & { runId: string; simTimeMs: number }> {
    const e = this.entries.get(runId);
    if (!e) return fail('not_found', `RunManager: no run ${JSON.stringify(runId)}`);
    if (e.type !== 'sim' || e.stopped) return fail('not_found', `RunManager: run ${runId} is a replay or stopped; only running runs describe their objects`);
    const d = e.run.describeObject(objectId);
    if (!d) return fail('not_found', `RunManager: no object ${objectId} in run ${runId} now`);
    return { ok: true, result: { runId, simTimeMs: e.run.timeMs, ...d } };
  }

  /**
   * Where a copy of a running sim run can start: its latest checkpoint (at most one checkpoint
   * interval before now) and its injects beyond the scenario's (live, or a fork's); see CreateRunExtras.from.
   */
  forkPoint(runId: string): Ack<{ scenarioId: string; seed: number; point: ForkPoint }> {
    const e = this.entries.get(runId);
    if (!e) return fail('not_found', `RunManager: no run ${JSON.stringify(runId)}`);
    if (e.type !== 'sim' || e.stopped) return fail('bad_request', `RunManager: run ${runId} is a replay or stopped; only a running sim run can be forked`);
    if (e.run.status().seekingToMs !== null) return fail('seeking', `RunManager: run ${runId} is seeking; fork it when the seek has finished`);
    return { ok: true, result: { scenarioId: e.scenario.id, seed: e.run.seed, point: e.run.forkPoint() } };
  }

  /** A link's figures now, by its id in the run's city; refused for an unknown run or link. */
  link(runId: string, linkId: string): Ack<LinkFigures> {
    const e = this.entries.get(runId);
    if (!e) return fail('not_found', `RunManager: no run ${JSON.stringify(runId)}`);
    const city = this.cities.get(e.type === 'sim' ? e.scenario.city : (this.scenarios.find((s) => s.id === e.scenarioId)?.city ?? ''));
    if (!city) return fail('not_found', `RunManager: run ${runId} runs in a city this server does not serve`);
    const k = this.linksOf(city.id).index.get(linkId);
    if (k === undefined) return fail('not_found', `RunManager: no link ${JSON.stringify(linkId)} in city ${JSON.stringify(city.id)}`);
    const link = city.roads.links[k];
    const base = { runId, id: link.id, name: link.name, class: link.class, lanes: link.lanes };
    if (e.type === 'sim') {
      const links = !e.stopped && e.run.status().seekingToMs === null ? e.run.firstOutput('links') : undefined;
      if (!links) return fail('no_traffic', `RunManager: run ${runId} has no link figures now (no traffic engine, stopped or seeking)`);
      const index = round(links.index[k], 2);
      return {
        ok: true,
        result: {
          ...base,
          simTimeMs: e.run.timeMs,
          speedKmh: round(links.speed[k] * 3.6, 1),
          densityVehPerKm: round(links.density[k], 1),
          flowVph: round(links.flow[k], 0),
          queueM: round(links.queue[k], 1),
          index,
          level: congestionLevel(index),
          closedLanes: links.closedLanes[k],
        },
      };
    }
    const frame = e.traffic.lastFrame && decodeLinkFrame(e.traffic.lastFrame);
    if (!frame?.ok || frame.frame.count <= k) return fail('no_traffic', `RunManager: replay ${runId} has replayed no link figures yet`);
    const f = frame.frame;
    const index = Number.isNaN(f.index[k]) ? null : f.index[k];
    return {
      ok: true,
      result: {
        ...base,
        simTimeMs: f.simTimeMs,
        speedKmh: Number.isNaN(f.speedKmh[k]) ? null : f.speedKmh[k],
        densityVehPerKm: null,
        flowVph: null,
        queueM: null,
        index,
        level: index === null ? null : congestionLevel(index),
        closedLanes: f.closed[k] ? link.lanes : null,
      },
    };
  }

  /** A run's traffic figures now (see traffic()); undefined for unknown runs and runs without traffic. */
  trafficSummary(runId: string): TrafficSummary | undefined {
    const e = this.entries.get(runId);
    return e && this.currentSummary(e);
  }

  /** What a client joining a traffic run (or asking for a keyframe) needs to colour the roads at once: a fresh link frame and the summary. */
  trafficCatchUp(runId: string): { links?: Uint8Array; summary?: TrafficSummary } {
    const e = this.entries.get(runId);
    if (!e?.traffic) return {};
    if (e.type === 'replay') return { links: e.traffic.lastFrame && ownBytes(e.traffic.lastFrame), summary: e.traffic.lastSummary };
    const run = e.run;
    if (e.stopped || run.status().seekingToMs !== null) return {};
    const links = run.firstOutput('links');
    return { links: links && encodeLinkFrame(links, run.timeMs, e.traffic.lanes), summary: run.firstOutput('trafficSummary') };
  }

  /** The run's state as the `runState` event. */
  runState(runId: string): RunStateEvent | undefined {
    const e = this.entries.get(runId);
    return e && this.state(e);
  }

  /**
   * What a client joining (or lost) needs to decode the next broadcast frame: a snapshot keyframe
   * (live runs) or the last keyframe and deltas since (replays); empty before the first frame.
   */
  catchUp(runId: string): { frames: Uint8Array[]; sequence: number } | undefined {
    const e = this.entries.get(runId);
    if (!e) return undefined;
    if (e.type === 'sim') {
      if (e.encoder.sequence === 0 || e.stopped) return { frames: [], sequence: e.encoder.sequence };
      return { frames: [e.encoder.snapshotKeyframe()], sequence: e.encoder.sequence };
    }
    const frames = e.catchUp.map(ownBytes);
    return { frames, sequence: frames.length ? frameSequence(frames[frames.length - 1]) : 0 };
  }

  /** Stops the timer, finishes every recording (flushed), disposes the runs. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    clearInterval(this.pruneTimer);
    for (const e of this.entries.values()) {
      if (e.type === 'sim' && !e.stopped) this.finishSim(e);
    }
    this.entries.clear();
  }

  /** Advances every playing run and broadcasts what is due (the timer calls it; tests may too). */
  tick(): void {
    const now = performance.now();
    const wallMs = now - this.lastTickMs;
    this.lastTickMs = now;
    const active = [...this.entries.values()].filter((e) => !e.stopped);
    const budgetMs = this.stepBudgetMs / Math.max(1, active.length);
    for (const e of active) {
      if (e.type === 'sim') this.tickSim(e, wallMs, now, budgetMs);
      else this.tickReplay(e, wallMs);
    }
  }

  /** Stopped runs stay listed (their recordings stay in the store) until 16 newer ones have stopped. */
  private forgetOldStopped(): void {
    const stopped = [...this.entries.values()].filter((e) => e.stopped);
    for (const e of stopped.slice(0, Math.max(0, stopped.length - 16))) this.entries.delete(e.id);
  }

  private openRuns(): number {
    return [...this.entries.values()].filter((e) => e.id !== LIVE_RUN_ID && !e.stopped).length;
  }

  private linksOf(cityId: string): { index: Map<string, number>; lanes: Uint8Array } {
    let found = this.cityLinks.get(cityId);
    if (!found) {
      const links = (this.cities.get(cityId) as CityModel).roads.links;
      found = { index: new Map(links.map((l, k) => [l.id, k])), lanes: Uint8Array.from(links, (l) => Math.min(255, l.lanes)) };
      this.cityLinks.set(cityId, found);
    }
    return found;
  }

  /** The latest traffic summary: asked afresh of a sim run's engine, the last replayed one for replays. */
  private currentSummary(e: Entry): TrafficSummary | undefined {
    if (!e.traffic) return undefined;
    if (e.type === 'replay' || e.stopped || e.run.status().seekingToMs !== null) return e.traffic.lastSummary;
    return e.run.firstOutput('trafficSummary');
  }

  private createSim(scenarioId: string, seed: number | undefined, id: string, extras: CreateRunExtras = {}): Ack<RunStateEvent> {
    const scenario = this.scenarios.find((s) => s.id === scenarioId);
    if (!scenario) return fail('unknown_scenario', `RunManager: scenarioId: no scenario ${JSON.stringify(scenarioId)} (known: ${this.scenarios.map((s) => s.id).join(', ') || 'none'})`);
    const city = this.cities.get(scenario.city);
    if (!city) return fail('unknown_city', `RunManager: scenario ${scenario.id} runs in city ${JSON.stringify(scenario.city)}, which this server does not serve`);
    const startMs = extras.from?.timeMs ?? 0;
    if (extras.pauseAtMs !== undefined && !(Number.isSafeInteger(extras.pauseAtMs) && extras.pauseAtMs > startMs && extras.pauseAtMs <= scenario.durationMs)) {
      return fail('bad_request', `RunManager: pauseAtMs must be an integer from ${startMs + 1} to ${scenario.durationMs} ms (after the start, within the scenario), got ${extras.pauseAtMs}`);
    }
    // A fork's changes go to startFrom: those due at its start are made there, not as live injects.
    const made = createScenarioRun(scenario, city, { id, seed, registry: this.registry, timeline: extras.from ? [] : extras.timeline });
    if (!made.ok) return fail(made.code, made.message);
    const run = made.run;
    if (extras.from) {
      const moved = run.startFrom(extras.from, extras.timeline);
      if (!moved.ok) {
        run.dispose();
        return fail(moved.code, moved.message);
      }
    }
    if (extras.speed !== undefined) {
      const set = run.setSpeed(extras.speed);
      if (!set.ok) {
        run.dispose();
        return fail(set.code, set.message);
      }
    }
    run.play();
    const hasTraffic = run.outputs('links').length > 0 && run.outputs('trafficSummary').length > 0;
    const entry: SimEntry = {
      type: 'sim',
      id,
      scenario,
      run,
      // A stream id per run so a decoder never applies one run's delta to another's keyframe.
      encoder: new ObjectFrameEncoder({ streamId: hashId(`${id}#${this.nextRunNumber}`) }),
      storeRunId: this.startRecording(scenario, run),
      recording: true,
      stopped: false,
      lastSentWallMs: -Infinity,
      lastSentSimMs: -1,
      lastKeyframeSimMs: 0,
      needKeyframe: true,
      injectCount: 0,
      msPerStep: 1,
      segmentStartMs: startMs,
      traffic: hasTraffic ? { lanes: this.linksOf(city.id).lanes, lastSentWallMs: -Infinity, lastSentSimMs: -1, history: [], historyBucket: -1 } : null,
      pauseAtMs: extras.pauseAtMs,
      onPaused: extras.onPaused,
    };
    this.entries.set(id, entry);
    return { ok: true, result: this.recordState(entry) };
  }

  /** Recordings are not `keep`: retention may prune old ones (the baseline's come in segments for that). */
  private startRecording(scenario: Scenario, run: Run): number {
    return this.store.createRun({ scenarioId: scenario.id, seed: run.seed, city: scenario.city, startEpochMs: scenario.startEpochMs, params: { runId: run.id } }).id;
  }

  private controlSim(e: SimEntry, c: RunControl): Ack<RunStateEvent | { injectId: string }> {
    const run = e.run;
    let result: { ok: true } | { ok: false; code: string; message: string };
    switch (c.action) {
      case 'play':
        result = run.play();
        break;
      case 'pause':
        result = run.pause();
        this.flushTraffic(e);
        break;
      case 'speed':
        result = run.setSpeed(c.factor);
        break;
      case 'seek': {
        const before = run.timeMs;
        result = run.requestSeek(c.simTimeMs);
        if (result.ok) {
          e.needKeyframe = true;
          this.trafficAfterSeek(e.traffic, c.simTimeMs);
          // The store keeps each recording's sim time monotonic: going back starts a new recording.
          if (!e.recording || c.simTimeMs < before) this.newSegment(e, before, c.simTimeMs);
        }
        break;
      }
      case 'stop':
        if (e.id === LIVE_RUN_ID) return fail('live_protected', `RunManager: the live baseline cannot be stopped`);
        this.finishSim(e);
        return { ok: true, result: this.state(e) };
      case 'inject': {
        const r = run.inject(c.kind, c.params);
        if (!r.ok) return fail(r.code, r.message);
        this.drainSimEvents(e);
        return { ok: true, result: { injectId: `${e.id}-inject-${e.injectCount}` } };
      }
    }
    if (!result.ok) return fail(result.code, result.message);
    return { ok: true, result: this.state(e) };
  }

  private controlReplay(e: ReplayEntry, c: RunControl): Ack<RunStateEvent | { injectId: string }> {
    switch (c.action) {
      case 'play':
        if (e.finished) return fail('run_ended', `RunManager: replay ${e.id} has reached its end; seek back to play again`);
        e.playing = true;
        break;
      case 'pause':
        e.playing = false;
        break;
      case 'speed':
        e.speed = c.factor;
        break;
      case 'seek':
        if (c.simTimeMs > e.durationMs) return fail('seek_out_of_range', `RunManager: seek time must be from 0 to ${e.durationMs} ms since the start, got ${c.simTimeMs}`);
        e.replay.seek(c.simTimeMs);
        e.clockMs = c.simTimeMs;
        e.catchUp = [];
        this.trafficAfterSeek(e.traffic, c.simTimeMs);
        e.finished = false;
        break;
      case 'stop':
        e.stopped = true;
        e.playing = false;
        e.catchUp = [];
        break;
      case 'inject':
        return fail('replay_readonly', `RunManager: ${e.id} is a replay; injects change only live runs`);
    }
    return { ok: true, result: this.state(e) };
  }

  private tickSim(e: SimEntry, wallMs: number, now: number, budgetMs: number): void {
    const run = e.run;
    let maxSteps = Math.max(1, Math.min(this.maxStepsPerTick, run.maxStepsPerAdvance, Math.floor(budgetMs / e.msPerStep)));
    // A what-if run stops exactly at its comparison time, never a step beyond.
    if (e.pauseAtMs !== undefined && run.status().seekingToMs === null) maxSteps = Math.min(maxSteps, Math.max(0, Math.ceil((e.pauseAtMs - run.timeMs) / run.stepMs)));
    if (maxSteps > 0) {
      const before = performance.now();
      const { steps } = run.advance(wallMs, maxSteps);
      if (steps > 0) e.msPerStep = 0.8 * e.msPerStep + (0.2 * (performance.now() - before)) / steps;
    }
    // The frame goes before this tick's events: a volatile frame emitted right after another
    // message in the same tick finds the transport busy and is dropped.
    this.sendFrame(e, now);
    this.sendTraffic(e, now);
    this.drainSimEvents(e);
    if (e.pauseAtMs !== undefined && !e.stopped && run.status().seekingToMs === null && run.timeMs >= e.pauseAtMs) this.reachPauseAt(e);
  }

  /** A what-if run reached its comparison time: it pauses, says so, and tells its owner in the same turn. */
  private reachPauseAt(e: SimEntry): void {
    const onPaused = e.onPaused;
    e.pauseAtMs = undefined;
    e.onPaused = undefined;
    if (!e.run.status().ended) {
      e.run.pause();
      this.flushTraffic(e);
      this.sink.event(e.id, this.recordState(e));
    }
    onPaused?.(e.id);
  }

  /**
   * Traffic runs: samples the history each 5 sim minutes and, at most once per traffic interval
   * of wall time (`force`: now) and once per sim time, encodes one link frame and one summary,
   * records them and hands them to the sink.
   */
  private sendTraffic(e: SimEntry, now: number, force = false): void {
    const tr = e.traffic;
    const run = e.run;
    if (!tr || run.status().seekingToMs !== null) return;
    const t = run.timeMs;
    const bucket = Math.floor(t / TRAFFIC_HISTORY_EVERY_MS);
    let summary: TrafficSummary | undefined;
    if (bucket !== tr.historyBucket) {
      summary = run.firstOutput('trafficSummary') as TrafficSummary;
      this.addHistory(tr, summary);
    }
    if ((!force && now - tr.lastSentWallMs < this.trafficIntervalMs) || t === tr.lastSentSimMs) return;
    summary ??= run.firstOutput('trafficSummary') as TrafficSummary;
    // Encoded once per broadcast into fresh bytes: the socket layer serialises them later.
    const bytes = encodeLinkFrame(run.firstOutput('links') as LinkState, t, tr.lanes);
    tr.lastSentWallMs = now;
    tr.lastSentSimMs = t;
    tr.lastSummary = summary;
    if (e.id === LIVE_RUN_ID && e.recording && t - e.segmentStartMs >= this.liveSegmentMs) this.newSegment(e, t, t);
    if (e.recording) {
      // Recorded as 'grid': a complete frame a replay can start from.
      this.store.recordFrame(e.storeRunId, { simTimeMs: t, kind: 'grid', layer: 'links', bytes });
      this.store.recordEvent(e.storeRunId, { simTimeMs: t, type: 'traffic', data: summary });
    }
    this.sink.links?.(e.id, bytes);
    this.sink.traffic?.(e.id, summary);
  }

  /**
   * A run that pauses broadcasts the figures of its paused time now, unless the room already got
   * them: otherwise the wall-time throttle would send them up to a traffic interval later, after
   * the pause was announced and after screens that joined or asked for a keyframe since already
   * had them from their catch-up. Paused, the clock stays, so nothing more is broadcast.
   */
  private flushTraffic(e: SimEntry): void {
    this.sendTraffic(e, performance.now(), true);
  }

  private addHistory(tr: TrafficTrack, summary: TrafficSummary): void {
    tr.historyBucket = Math.floor(summary.simTimeMs / TRAFFIC_HISTORY_EVERY_MS);
    tr.history.push({ simTimeMs: summary.simTimeMs, index: summary.index, meanSpeedKmh: summary.meanSpeedKmh, vehicles: summary.vehicles });
    if (tr.history.length > TRAFFIC_HISTORY_POINTS) tr.history.splice(0, tr.history.length - TRAFFIC_HISTORY_POINTS);
  }

  /** After a seek the history keeps only what lies before the target, and the next figures go out at once. */
  private trafficAfterSeek(tr: TrafficTrack | null, targetMs: number): void {
    if (!tr) return;
    tr.history = tr.history.filter((p) => p.simTimeMs <= targetMs);
    const last = tr.history.at(-1);
    tr.historyBucket = last ? Math.floor(last.simTimeMs / TRAFFIC_HISTORY_EVERY_MS) : -1;
    tr.lastSentWallMs = -Infinity;
    tr.lastSentSimMs = -1;
  }

  private sendFrame(e: SimEntry, now: number): void {
    const run = e.run;
    if (run.status().seekingToMs !== null) return;
    const t = run.timeMs;
    if (now - e.lastSentWallMs >= this.frameIntervalMs && (t !== e.lastSentSimMs || e.needKeyframe)) {
      // The always-on baseline records in segments (each replayable alone) so retention can prune old ones.
      if (e.id === LIVE_RUN_ID && e.recording && t - e.segmentStartMs >= this.liveSegmentMs) this.newSegment(e, t, t);
      const key = e.needKeyframe || e.encoder.sequence === 0 || t - e.lastKeyframeSimMs >= this.keyframeEveryMs;
      const bytes = key ? e.encoder.encodeKeyframe(run.objects(), t) : e.encoder.encodeDelta(run.objects(), t);
      if (key) {
        e.lastKeyframeSimMs = t;
        e.needKeyframe = false;
      }
      e.lastSentWallMs = now;
      e.lastSentSimMs = t;
      if (e.recording) this.store.recordFrame(e.storeRunId, { simTimeMs: t, kind: key ? 'keyframe' : 'delta', layer: 'objects', bytes });
      this.sink.frame(e.id, bytes);
    }
  }

  private drainSimEvents(e: SimEntry): void {
    for (const ev of e.run.drainEvents()) {
      if (ev.type === 'inject') {
        if (!ev.result.ok) continue;
        e.injectCount++;
        const params: Record<string, string | number | boolean | null> = {};
        for (const [k, v] of Object.entries((ev.params ?? {}) as Record<string, unknown>)) {
          params[k] = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
        }
        this.emitEvent(e, {
          type: 'injectApplied',
          runId: e.id,
          simTimeMs: ev.timeMs,
          injectId: `${e.id}-inject-${e.injectCount}`,
          kind: ev.kind,
          params,
          source: ev.source === 'live' ? 'director' : 'scenario',
        });
      } else if (e.id === LIVE_RUN_ID) {
        // The baseline is always on: at its end it starts over, in a new recording.
        e.run.requestSeek(0);
        e.run.play();
        this.trafficAfterSeek(e.traffic, 0);
        this.newSegment(e, ev.timeMs, 0);
        this.sink.event(e.id, this.recordState(e));
      } else {
        this.sink.event(e.id, this.recordState(e));
        this.endRecording(e, ev.timeMs);
      }
    }
  }

  /**
   * Sends at most one recorded frame per tick, exactly as recorded: several volatile frames in one
   * tick would find the transport busy and be dropped, so a fast replay's clock waits for its frames.
   */
  private tickReplay(e: ReplayEntry, wallMs: number): void {
    if (!e.playing) return;
    const from = e.clockMs;
    const target = e.speed === 'max' ? e.durationMs : Math.min(e.durationMs, e.clockMs + Math.round(wallMs * e.speed));
    let clock = target;
    const due = e.replay.peekSimTimeMs();
    if (due !== undefined && due <= target) {
      const f = e.replay.next() as ReplayFrame;
      if (f.layer === 'objects') {
        if (f.kind === 'keyframe') e.catchUp = [];
        e.catchUp.push(f.bytes);
        this.sink.frame(e.id, ownBytes(f.bytes));
      } else if (f.layer === 'links') {
        e.traffic.lastFrame = f.bytes;
        this.sink.links?.(e.id, ownBytes(f.bytes));
      }
      const after = e.replay.peekSimTimeMs();
      // More frames are due: the clock waits at this one's time and they go out on the next ticks.
      if (after !== undefined && after <= target) clock = f.simTimeMs;
    }
    e.clockMs = Math.max(from, clock);
    // At the end the events of the last instant go too (a summary recorded with the last frame).
    const until = e.clockMs >= e.durationMs ? e.clockMs + 1 : e.clockMs;
    for (const rec of from < e.clockMs ? this.store.eventsBetween(e.replayOf, from, until) : []) {
      if (rec.type === 'traffic') {
        const summary = TrafficSummary.safeParse(rec.data);
        if (!summary.success) continue;
        e.traffic.lastSummary = summary.data;
        if (Math.floor(summary.data.simTimeMs / TRAFFIC_HISTORY_EVERY_MS) !== e.traffic.historyBucket) this.addHistory(e.traffic, summary.data);
        this.sink.traffic?.(e.id, summary.data);
        continue;
      }
      const parsed = parseServerEvent(rec.data);
      if (parsed.ok && parsed.event.type !== 'runState') this.sink.event(e.id, { ...parsed.event, runId: e.id });
    }
    if (e.clockMs >= e.durationMs && e.replay.peekSimTimeMs() === undefined && this.store.getRun(e.replayOf).status !== 'running') {
      e.playing = false;
      e.finished = true;
      this.sink.event(e.id, this.state(e));
    }
  }

  /** Stops a run for good: its recording is finished and kept, its engines are freed. */
  private finishSim(e: SimEntry): void {
    e.stopped = true;
    this.endRecording(e, e.run.timeMs);
    e.run.dispose();
  }

  /** Finishes the current recording (if any) at `endMs` and starts the next, from a keyframe at `startMs`. */
  private newSegment(e: SimEntry, endMs: number, startMs: number): void {
    this.endRecording(e, endMs);
    e.storeRunId = this.startRecording(e.scenario, e.run);
    e.recording = true;
    e.segmentStartMs = startMs;
    e.needKeyframe = true;
  }

  private endRecording(e: SimEntry, durationMs: number): void {
    if (!e.recording) return;
    e.recording = false;
    this.store.finishRun(e.storeRunId, { durationMs });
  }

  private emitEvent(e: SimEntry, event: ServerEvent): void {
    if (e.recording) this.store.recordEvent(e.storeRunId, { simTimeMs: event.simTimeMs, type: event.type, data: event });
    this.sink.event(e.id, event);
  }

  /** The run's state, recorded into its recording when it has one. */
  private recordState(e: Entry): RunStateEvent {
    const state = this.state(e);
    if (e.type === 'sim' && e.recording) this.store.recordEvent(e.storeRunId, { simTimeMs: state.simTimeMs, type: state.type, data: state });
    return state;
  }

  private state(e: Entry): RunStateEvent {
    if (e.type === 'replay') {
      return {
        type: 'runState',
        runId: e.id,
        scenarioId: e.scenarioId,
        status: e.stopped ? 'stopped' : e.finished ? 'finished' : e.playing ? 'playing' : 'paused',
        speed: e.speed,
        simTimeMs: e.clockMs,
      };
    }
    const s = e.run.status();
    return {
      type: 'runState',
      runId: e.id,
      scenarioId: e.scenario.id,
      status: e.stopped ? 'stopped' : s.ended ? 'finished' : s.playing ? 'playing' : 'paused',
      speed: s.speed,
      simTimeMs: s.seekingToMs ?? s.timeMs,
    };
  }

  private summary(e: Entry): RunSummary {
    if (e.type === 'replay') {
      const title = this.scenarios.find((sc) => sc.id === e.scenarioId)?.title ?? null;
      return { state: this.state(e), title, kind: 'replay', storeRunId: e.replayOf, seed: null, durationMs: e.durationMs, startEpochMs: e.startEpochMs };
    }
    const s = e.run.status();
    return {
      state: this.state(e),
      title: e.scenario.title,
      kind: e.id === LIVE_RUN_ID ? 'live' : 'scenario',
      storeRunId: e.storeRunId,
      seed: e.run.seed,
      durationMs: s.durationMs,
      startEpochMs: s.startEpochMs,
    };
  }
}

/** `value` to `digits` decimals: figures for people, free of float noise. */
function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** FNV-1a of a string: a uint32 stream id. */
function hashId(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
