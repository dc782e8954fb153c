import type { CityModel } from '../city/CityModel.ts';
import type { AirSummary } from '../protocol/AirSummary.ts';
import type { EmergencySummary } from '../protocol/EmergencySummary.ts';
import type { FloodSummary } from '../protocol/FloodSummary.ts';
import type { Ack, InjectAnswer } from '../protocol/controls.ts';
import type { RunStateEvent, ServerEvent } from '../protocol/events.ts';
import type { ObjectState } from '../protocol/ObjectState.ts';
import type { TrafficSummary } from '../protocol/TrafficSummary.ts';
import { createScenarioRun } from '../scenario/createScenarioRun.ts';
import type { Scenario } from '../scenario/Scenario.ts';
import type { EngineRegistry, ObjectDescription } from '../sim/Engine.ts';
import type { ForkPoint, Run, TimelineInject } from '../sim/Run.ts';
import { Recorder } from './Recorder.ts';
import { deliver, fail, type CatchUp, type PointSample, type RunControl, type RunSession, type RunSummary, type SessionHost } from './RunSession.ts';
import { emergencyAlerts, floodAlerts } from './streams/alerts.ts';
import { AirStream, type AirPoint } from './streams/AirStream.ts';
import type { EmergencyPoint } from './streams/emergencyFigures.ts';
import { EmergencyStream } from './streams/EmergencyStream.ts';
import { GridStream } from './streams/GridStream.ts';
import { SummaryStream } from './streams/SummaryStream.ts';
import { ObjectStream } from './streams/ObjectStream.ts';
import type { OutputStream, StreamOutput } from './streams/OutputStream.ts';
import { linkNow, TrafficStream, type LinkNow, type TrafficPoint } from './streams/TrafficStream.ts';

/** Extra settings of a run: who starts it, and what the what-if comparison sets. */
export interface CreateRunExtras {
  /** The account that starts it; null (the default) for runs the server starts. Limits count runs per owner. */
  owner?: string | null;
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

/** How the manager starts a sim session. */
export interface SimSessionOptions {
  id: string;
  seed: number | undefined;
  /** The object frames' stream id. */
  streamId: number;
  /** The live baseline: restarts at its end, cannot be stopped, records in segments of `liveSegmentMs`. */
  live: boolean;
  liveSegmentMs: number;
  maxStepsPerTick: number;
  registry: EngineRegistry;
  /** Lanes per link of the city, for link frames. */
  lanes: Uint8Array;
  /**
   * A clock (epoch ms) the run keeps in step with instead of playing at its speed: each tick it
   * steps up to that time, never beyond (the live baseline on the wall clock). Such a live run does
   * not restart at its end: its owner starts the next day's (LiveBaseline).
   */
  followsClock?: () => number;
}

/**
 * A simulated run: a Run of a scenario, its recording (Recorder) and its streams, one per kind of
 * output its engines publish (moving objects; link figures and the traffic summary; each set of
 * grids; the air summary). Each tick advances the run by the wall time elapsed within a step
 * budget, then lets every stream send what is due, object frames first.
 */
export class SimSession implements RunSession {
  readonly id: string;
  readonly kind: 'live' | 'scenario';
  readonly city: CityModel;
  readonly scenario: Scenario;
  readonly run: Run;
  readonly owner: string | null;
  stopped = false;
  private readonly host: SessionHost;
  private readonly recorder: Recorder;
  private readonly objectStream: ObjectStream;
  private readonly trafficStream: TrafficStream | undefined;
  private readonly airStream: AirStream | undefined;
  private readonly floodStream: SummaryStream<'flood'> | undefined;
  private readonly emergencyStream: EmergencyStream | undefined;
  /** Every stream but the objects', in the order they send: traffic, grids, air (which travels with its grids). */
  private readonly streams: OutputStream[];
  private readonly liveSegmentMs: number;
  private readonly maxStepsPerTick: number;
  private readonly followsClock: (() => number) | undefined;
  private pauseAtMs: number | undefined;
  private onPaused: ((runId: string) => void) | undefined;
  private injectCount = 0;
  /**
   * True while the run's engines warm up (Run.warmUp), a slice each tick: the run is `starting` and
   * sends and records nothing; it plays once warm (or stays paused if paused meanwhile).
   */
  private starting: boolean;
  /** A starting run was paused (or played again): what it does once warm. */
  private playWhenWarm = true;

  /**
   * Makes the scenario's run (from a fork point, at a speed, with extra injects) and starts it:
   * playing at once when its engines have no warm-up (a fork's never has), else `starting` until
   * the ticks have warmed it up. A refusal starts nothing.
   */
  static start(host: SessionHost, scenario: Scenario, city: CityModel, options: SimSessionOptions, extras: CreateRunExtras = {}): Ack<SimSession> {
    const startMs = extras.from?.timeMs ?? 0;
    if (extras.pauseAtMs !== undefined && !(Number.isSafeInteger(extras.pauseAtMs) && extras.pauseAtMs > startMs && extras.pauseAtMs <= scenario.durationMs)) {
      return fail('bad_request', `RunManager: pauseAtMs must be an integer from ${startMs + 1} to ${scenario.durationMs} ms (after the start, within the scenario), got ${extras.pauseAtMs}`);
    }
    // A fork's changes go to startFrom: those due at its start are made there, not as live injects.
    const made = createScenarioRun(scenario, city, { id: options.id, seed: options.seed, registry: options.registry, timeline: extras.from ? [] : extras.timeline, fork: extras.from !== undefined });
    if (!made.ok) return fail(made.code, made.message);
    const run = made.run;
    const moved = extras.from ? run.startFrom(extras.from, extras.timeline) : { ok: true as const };
    const set = moved.ok && extras.speed !== undefined ? run.setSpeed(extras.speed) : { ok: true as const };
    const refused = !moved.ok ? moved : !set.ok ? set : undefined;
    if (refused) {
      run.dispose();
      return fail(refused.code, refused.message);
    }
    // Engines without a warm-up are done at once; the others have done a first piece.
    if (run.warmUp(() => false)) run.play();
    return { ok: true, result: new SimSession(host, scenario, city, run, options, startMs, extras) };
  }

  private constructor(host: SessionHost, scenario: Scenario, city: CityModel, run: Run, options: SimSessionOptions, startMs: number, extras: CreateRunExtras) {
    this.host = host;
    this.id = options.id;
    this.kind = options.live ? 'live' : 'scenario';
    this.scenario = scenario;
    this.city = city;
    this.run = run;
    this.owner = extras.owner ?? null;
    this.liveSegmentMs = options.liveSegmentMs;
    this.maxStepsPerTick = options.maxStepsPerTick;
    this.followsClock = options.followsClock;
    this.pauseAtMs = extras.pauseAtMs;
    this.onPaused = extras.onPaused;
    this.starting = run.warming;
    this.recorder = new Recorder(host.store, scenario, run, startMs);
    const out: StreamOutput = {
      send: (m) => deliver(this.host.sink, this.id, m),
      recordFrame: (f) => this.recorder.frame(f),
      recordEvent: (e) => this.recorder.event(e),
    };
    const rates = host.rates;
    this.objectStream = new ObjectStream(out, { streamId: options.streamId, frameIntervalMs: rates.frameIntervalMs, keyframeEveryMs: rates.keyframeEveryMs });
    const hasTraffic = run.outputs('links').length > 0 && run.outputs('trafficSummary').length > 0;
    this.trafficStream = hasTraffic ? new TrafficStream(out, options.lanes, rates.trafficIntervalMs) : undefined;
    const air = run.outputs('airSummary')[0];
    const airGrids = air && run.outputs('grids').find((o) => o.engine === air.engine);
    this.airStream = air && new AirStream(out, air.id, rates.gridIntervalMs, airGrids?.id);
    const grids = run.outputs('grids').map((o) => new GridStream(out, o.id, rates.gridIntervalMs));
    // Alerts go to the room and into the recording as events, like any other.
    const alert = (e: ServerEvent): void => this.emitEvent(e);
    const flood = run.outputs('floodSummary')[0];
    this.floodStream = flood && new SummaryStream(out, 'flood', flood.id, rates.gridIntervalMs, (now, before, t) => floodAlerts(this.id, now, before, t).forEach(alert));
    const emergency = run.outputs('emergencySummary')[0];
    this.emergencyStream = emergency && new EmergencyStream(out, 'emergency', emergency.id, rates.trafficIntervalMs, (now, before, t) => emergencyAlerts(this.id, now, before, t).forEach(alert));
    this.streams = [
      ...(this.trafficStream ? [this.trafficStream] : []),
      ...grids,
      ...(this.airStream ? [this.airStream] : []),
      ...(this.floodStream ? [this.floodStream] : []),
      ...(this.emergencyStream ? [this.emergencyStream] : []),
    ];
  }

  /** The RunStore run of the latest recording segment. */
  get storeRunId(): number {
    return this.recorder.storeRunId;
  }

  /** Every RunStore run this run recorded into (a segment per backward seek, or per live segment). */
  get storeRunIds(): readonly number[] {
    return this.recorder.storeRunIds;
  }

  /** True while the run plays on towards the time a what-if comparison waits for (pauseAtMs). */
  get awaited(): boolean {
    return this.pauseAtMs !== undefined;
  }

  state(): RunStateEvent {
    const s = this.run.status();
    return {
      type: 'runState',
      runId: this.id,
      scenarioId: this.scenario.id,
      status: this.stopped ? 'stopped' : this.starting ? 'starting' : s.ended ? 'finished' : s.playing ? 'playing' : 'paused',
      speed: s.speed,
      simTimeMs: s.seekingToMs ?? s.timeMs,
    };
  }

  summary(): RunSummary {
    const s = this.run.status();
    return {
      state: this.state(),
      title: this.scenario.title,
      kind: this.kind,
      owner: this.owner,
      storeRunId: this.storeRunId,
      seed: this.run.seed,
      durationMs: s.durationMs,
      startEpochMs: s.startEpochMs,
    };
  }

  /** True while the run's engines warm up (status `starting`). */
  get warming(): boolean {
    return this.starting && !this.stopped;
  }

  /** The run's state, recorded into its recording when it has one (a starting run's is not: its recording begins when it plays). */
  recordState(): RunStateEvent {
    const state = this.state();
    if (this.warming) return state;
    this.recorder.event({ simTimeMs: state.simTimeMs, type: state.type, data: state });
    return state;
  }

  announceState(): RunStateEvent {
    const state = this.recordState();
    this.host.sink.event(this.id, state);
    return state;
  }

  control(c: RunControl): Ack<RunStateEvent | InjectAnswer> {
    const run = this.run;
    if (this.warming) {
      // Pause, play and speed are kept for when it is warm; a seek finishes the warm-up now (it
      // re-simulates anyway); an inject waits for the run to play.
      if (c.action === 'pause' || c.action === 'play') {
        this.playWhenWarm = c.action === 'play';
        return { ok: true, result: this.state() };
      }
      if (c.action === 'speed') {
        const set = run.setSpeed(c.factor);
        return set.ok ? { ok: true, result: this.state() } : fail(set.code, set.message);
      }
      if (c.action === 'seek') this.finishStarting(() => true);
      else if (c.action === 'inject') return fail('starting', `RunManager: run ${this.id} is still starting (its engines warm up); inject once it plays`);
    }
    let result: { ok: true } | { ok: false; code: string; message: string };
    switch (c.action) {
      case 'play':
        result = run.play();
        break;
      case 'pause':
        result = run.pause();
        this.flush();
        break;
      case 'speed':
        result = run.setSpeed(c.factor);
        break;
      case 'seek': {
        const before = run.timeMs;
        result = run.requestSeek(c.simTimeMs);
        if (result.ok) {
          this.afterSeek(c.simTimeMs);
          // The store keeps each recording's sim time monotonic: going back starts a new recording.
          if (!this.recorder.recording || c.simTimeMs < before) this.recorder.newSegment(before, c.simTimeMs);
        }
        break;
      }
      case 'stop':
        if (this.kind === 'live') return fail('live_protected', `RunManager: the live baseline cannot be stopped`);
        this.stop();
        return { ok: true, result: this.state() };
      case 'inject': {
        const r = run.inject(c.kind, c.params, c.repeat);
        if (!r.ok) return fail(r.code, r.message);
        this.drainEvents();
        return { ok: true, result: { injectId: `${this.id}-inject-${this.injectCount}`, ...(r.id ? { id: r.id } : {}) } };
      }
    }
    if (!result.ok) return fail(result.code, result.message);
    return { ok: true, result: this.state() };
  }

  tick(wallMs: number, now: number, budgetMs: number): void {
    const run = this.run;
    if (this.starting) {
      // Warms up for at most the budget (see finishStarting: its state is announced once warm).
      const until = performance.now() + budgetMs;
      this.finishStarting(() => performance.now() < until);
      return;
    }
    let maxSteps = Math.min(this.maxStepsPerTick, run.maxStepsPerAdvance);
    // A what-if run stops exactly at its comparison time, never a step beyond.
    if (this.pauseAtMs !== undefined && !this.seeking()) maxSteps = Math.min(maxSteps, Math.max(0, Math.ceil((this.pauseAtMs - run.timeMs) / run.stepMs)));
    // Steps until the budget is spent (one long step may overrun it; those not taken stay owed).
    const until = performance.now() + budgetMs;
    const more = (): boolean => performance.now() < until;
    if (maxSteps > 0 && this.followsClock) run.advanceTo(this.followsClock() - this.scenario.startEpochMs, maxSteps, more);
    else if (maxSteps > 0) run.advance(wallMs, maxSteps, more);
    if (!this.seeking()) {
      // The always-on baseline records in segments (each replayable alone, from a keyframe) so retention can prune old ones.
      if (this.kind === 'live' && this.recorder.segmentDue(run.timeMs, this.liveSegmentMs)) {
        this.recorder.newSegment(run.timeMs, run.timeMs);
        this.objectStream.requestKeyframe(true);
      }
      // The object frame goes before this tick's other messages: a volatile frame emitted right
      // after another message in the same tick finds the transport busy and is dropped.
      this.objectStream.send(run, now);
      for (const s of this.streams) s.send(run, now, false);
    }
    this.drainEvents();
    if (this.pauseAtMs !== undefined && !this.stopped && !this.seeking() && run.timeMs >= this.pauseAtMs) this.reachPauseAt();
  }

  catchUp(): CatchUp {
    const sequence = this.objectStream.sequence(this.run);
    if (this.stopped || this.starting) return { messages: [], sequence };
    const messages = this.objectStream.catchUp(this.run);
    if (!this.seeking()) for (const s of this.streams) messages.push(...s.catchUp(this.run));
    return { messages, sequence };
  }

  traffic(): Ack<{ summary: TrafficSummary; history: TrafficPoint[] }> {
    if (!this.trafficStream) return fail('no_traffic', `RunManager: run ${this.id} has no traffic engine`);
    const summary = this.trafficSummary();
    if (!summary) return fail('no_traffic', `RunManager: run ${this.id} has no traffic figures yet`);
    return { ok: true, result: { summary, history: this.trafficStream.points() } };
  }

  /** The traffic figures now: asked afresh of the engine unless the run is stopped or seeking (then the last sent). */
  trafficSummary(): TrafficSummary | undefined {
    return this.trafficStream?.summary(this.liveRun());
  }

  air(): Ack<{ summary: AirSummary; history: AirPoint[] }> {
    if (!this.airStream) return fail('no_air', `RunManager: run ${this.id} has no environment engine`);
    const summary = this.airStream.current(this.liveRun());
    if (!summary) return fail('no_air', `RunManager: run ${this.id} has no air figures yet`);
    return { ok: true, result: { summary, history: this.airStream.points() } };
  }

  flood(): Ack<FloodSummary> {
    const summary = this.floodStream?.current(this.liveRun());
    if (!this.floodStream) return fail('no_flood', `RunManager: run ${this.id} has no flood engine`);
    return summary ? { ok: true, result: summary } : fail('no_flood', `RunManager: run ${this.id} has no flood figures yet`);
  }

  emergency(): Ack<{ summary: EmergencySummary; history: EmergencyPoint[] }> {
    const summary = this.emergencyStream?.current(this.liveRun());
    if (!this.emergencyStream) return fail('no_emergency', `RunManager: run ${this.id} has no emergency engine`);
    return summary ? { ok: true, result: { summary, history: this.emergencyStream.points() } } : fail('no_emergency', `RunManager: run ${this.id} has no emergency figures yet`);
  }

  link(k: number): Ack<LinkNow> {
    const links = this.liveRun()?.firstOutput('links');
    if (!links) return fail('no_traffic', `RunManager: run ${this.id} has no link figures now (no traffic engine, stopped or seeking)`);
    return { ok: true, result: linkNow(links, this.run.timeMs, k) };
  }

  sampleAt(x: number, y: number, heightM: number): Ack<PointSample> {
    if (this.stopped) return fail('no_air', `RunManager: run ${this.id} was stopped; only running runs sample the air`);
    if (this.starting) return this.refuseStarting('no_air');
    if (this.seeking()) return fail('seeking', `RunManager: run ${this.id} is seeking; ask again when the seek has finished`);
    const concentrations = this.run.sampleAt(x, y, heightM);
    if (Object.keys(concentrations).length === 0) return fail('no_air', `RunManager: run ${this.id} has no environment engine`);
    return { ok: true, result: { simTimeMs: this.run.timeMs, concentrations, source: 'exact' } };
  }

  /** The moving objects now (valid until the next step); undefined once stopped. */
  objects(): ObjectState | undefined {
    return this.stopped || this.starting ? undefined : this.run.objects();
  }

  /** What the run's engines know of moving object `objectId` now (the vehicle inspector). */
  describeObject(objectId: number): Ack<ObjectDescription & { runId: string; simTimeMs: number }> {
    if (this.stopped) return fail('not_found', `RunManager: run ${this.id} is a replay or stopped; only running runs describe their objects`);
    if (this.starting) return this.refuseStarting('not_found');
    const d = this.run.describeObject(objectId);
    if (!d) return fail('not_found', `RunManager: no object ${objectId} in run ${this.id} now`);
    return { ok: true, result: { runId: this.id, simTimeMs: this.run.timeMs, ...d } };
  }

  /** Where a copy of the run can start: its latest checkpoint and its injects beyond the scenario's. */
  forkPoint(): Ack<{ scenarioId: string; seed: number; point: ForkPoint }> {
    if (this.stopped) return fail('bad_request', `RunManager: run ${this.id} is a replay or stopped; only a running sim run can be forked`);
    if (this.seeking()) return fail('seeking', `RunManager: run ${this.id} is seeking; fork it when the seek has finished`);
    if (this.starting) return this.refuseStarting('starting');
    return { ok: true, result: { scenarioId: this.scenario.id, seed: this.run.seed, point: this.run.forkPoint() } };
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.recorder.end(this.run.timeMs);
    this.run.dispose();
  }

  private seeking(): boolean {
    return this.run.status().seekingToMs !== null;
  }

  /** The run when its engines may be asked afresh (not stopped, starting or seeking), else undefined. */
  private liveRun(): Run | undefined {
    return this.stopped || this.starting || this.seeking() ? undefined : this.run;
  }

  /** A starting run's answer to a question its engines can answer only once warm. */
  private refuseStarting(code: string): { ok: false; error: { code: string; message: string } } {
    return fail(code, `RunManager: run ${this.id} is still starting (its engines warm up); ask again once it plays`);
  }

  /** Warms the run up while `more()` says so; once warm it plays (unless paused meanwhile) and announces its state. */
  private finishStarting(more: () => boolean): void {
    if (!this.run.warmUp(more)) return;
    this.starting = false;
    if (this.playWhenWarm) this.run.play();
    this.announceState();
  }

  private afterSeek(targetMs: number): void {
    this.objectStream.afterSeek();
    for (const s of this.streams) s.afterSeek(targetMs);
  }

  /**
   * A run that pauses broadcasts the figures of its paused time now, unless the room already got
   * them: otherwise the wall-time throttle would send them up to an interval later, after the
   * pause was announced and after screens that joined or asked for a keyframe since already had
   * them from their catch-up. Paused, the clock stays, so nothing more is broadcast.
   */
  private flush(): void {
    if (this.seeking()) return;
    const now = performance.now();
    for (const s of this.streams) s.send(this.run, now, true);
  }

  /** A what-if run reached its comparison time: it pauses, says so, and tells its owner in the same turn. */
  private reachPauseAt(): void {
    const onPaused = this.onPaused;
    this.pauseAtMs = undefined;
    this.onPaused = undefined;
    if (!this.run.status().ended) {
      this.run.pause();
      this.flush();
      this.announceState();
    }
    onPaused?.(this.id);
  }

  private drainEvents(): void {
    for (const ev of this.run.drainEvents()) {
      if (ev.type === 'inject') {
        if (!ev.result.ok) continue;
        this.injectCount++;
        const params: Record<string, string | number | boolean | null> = {};
        for (const [k, v] of Object.entries((ev.params ?? {}) as Record<string, unknown>)) {
          params[k] = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
        }
        this.emitEvent({
          type: 'injectApplied',
          runId: this.id,
          simTimeMs: ev.timeMs,
          injectId: `${this.id}-inject-${this.injectCount}`,
          kind: ev.kind,
          params,
          source: ev.source === 'live' ? 'director' : 'scenario',
          ...(ev.result.id ? { resultId: ev.result.id } : {}),
        });
      } else if (ev.type === 'ended') {
        if (this.kind === 'live' && !this.followsClock) {
          // The baseline is always on: at its end it starts over (without the day's injects), in a new recording.
          this.run.restart();
          this.run.play();
          this.afterSeek(0);
          this.recorder.newSegment(ev.timeMs, 0);
          this.announceState();
        } else {
          this.announceState();
          this.recorder.end(ev.timeMs);
        }
      }
    }
  }

  private emitEvent(event: ServerEvent): void {
    this.recorder.event({ simTimeMs: event.simTimeMs, type: event.type, data: event });
    this.host.sink.event(this.id, event);
  }
}
