import { fileURLToPath } from 'node:url';
import type { CityModel } from '../city/CityModel.ts';
import type { Ack } from '../protocol/controls.ts';
import { parseServerEvent, type RunStateEvent, type ServerEvent } from '../protocol/events.ts';
import { ObjectFrameEncoder } from '../protocol/ObjectFrameEncoder.ts';
import type { ObjectState } from '../protocol/ObjectState.ts';
import type { ProtocolError } from '../protocol/ProtocolError.ts';
import { createScenarioRun } from '../scenario/createScenarioRun.ts';
import { loadScenarios } from '../scenario/loadScenarios.ts';
import type { Scenario } from '../scenario/Scenario.ts';
import type { Run } from '../sim/Run.ts';
import type { Replay, ReplayFrame } from '../store/Replay.ts';
import type { PruneOptions, RunStore } from '../store/RunStore.ts';

/** Where frames and events go; attachRealtime plugs Socket.IO in, tests may plug anything. */
export interface RunSink {
  /** A binary object frame every member of the run's room should get (fresh bytes; never reused). */
  frame(runId: string, bytes: Uint8Array): void;
  /** A JSON event every member of the run's room must get, in order. */
  event(runId: string, event: ServerEvent): void;
}

export interface RunManagerOptions {
  cities: readonly CityModel[];
  store: RunStore;
  /** Scenario folder, the repository's `scenarios` by default; ignored when `scenarios` is given. */
  scenariosDir?: string;
  /** Already loaded scenarios (tests). */
  scenarios?: Scenario[];
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

interface SimEntry {
  type: 'sim';
  id: string;
  scenario: Scenario;
  run: Run;
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
      const loaded = loadScenarios(options.scenariosDir ?? fileURLToPath(new URL('../../scenarios', import.meta.url)));
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

  /** Starts (playing, at speed 1) a run of a scenario, with its own seed or the scenario's. */
  createRun(request: { scenarioId: string; seed?: number }): Ack<RunStateEvent> {
    const others = [...this.entries.values()].filter((e) => e.id !== LIVE_RUN_ID && !e.stopped).length;
    if (others >= this.maxRuns) return fail('too_many_runs', `RunManager: ${others} runs are already open (at most ${this.maxRuns}); stop one first`);
    this.forgetOldStopped();
    const id = `${request.scenarioId}-${this.nextRunNumber++}`;
    return this.createSim(request.scenarioId, request.seed, id);
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

  private createSim(scenarioId: string, seed: number | undefined, id: string): Ack<RunStateEvent> {
    const scenario = this.scenarios.find((s) => s.id === scenarioId);
    if (!scenario) return fail('unknown_scenario', `RunManager: scenarioId: no scenario ${JSON.stringify(scenarioId)} (known: ${this.scenarios.map((s) => s.id).join(', ') || 'none'})`);
    const city = this.cities.get(scenario.city);
    if (!city) return fail('unknown_city', `RunManager: scenario ${scenario.id} runs in city ${JSON.stringify(scenario.city)}, which this server does not serve`);
    const made = createScenarioRun(scenario, city, { id, seed });
    if (!made.ok) return fail(made.code, made.message);
    const run = made.run;
    run.play();
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
      segmentStartMs: 0,
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
        break;
      case 'speed':
        result = run.setSpeed(c.factor);
        break;
      case 'seek': {
        const before = run.timeMs;
        result = run.requestSeek(c.simTimeMs);
        if (result.ok) {
          e.needKeyframe = true;
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
    const maxSteps = Math.max(1, Math.min(this.maxStepsPerTick, run.maxStepsPerAdvance, Math.floor(budgetMs / e.msPerStep)));
    const before = performance.now();
    const { steps } = run.advance(wallMs, maxSteps);
    if (steps > 0) e.msPerStep = 0.8 * e.msPerStep + (0.2 * (performance.now() - before)) / steps;
    // The frame goes before this tick's events: a volatile frame emitted right after another
    // message in the same tick finds the transport busy and is dropped.
    this.sendFrame(e, now);
    this.drainSimEvents(e);
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
      }
      const after = e.replay.peekSimTimeMs();
      // More frames are due: the clock waits at this one's time and they go out on the next ticks.
      if (after !== undefined && after <= target) clock = f.simTimeMs;
    }
    e.clockMs = Math.max(from, clock);
    for (const rec of from < e.clockMs ? this.store.eventsBetween(e.replayOf, from, e.clockMs) : []) {
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

/** FNV-1a of a string: a uint32 stream id. */
function hashId(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
