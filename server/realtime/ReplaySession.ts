import type { CityModel } from '../city/CityModel.ts';
import type { AirSummary } from '../protocol/AirSummary.ts';
import type { EmergencySummary } from '../protocol/EmergencySummary.ts';
import type { FloodSummary } from '../protocol/FloodSummary.ts';
import type { Ack, InjectAnswer } from '../protocol/controls.ts';
import { parseServerEvent, type RunStateEvent } from '../protocol/events.ts';
import type { TrafficSummary } from '../protocol/TrafficSummary.ts';
import type { Replay } from '../store/Replay.ts';
import type { RecordedEvent, RunInfo } from '../store/RunStore.ts';
import { deliver, fail, type CatchUp, type PointSample, type RunControl, type RunSession, type RunSummary, type SessionHost } from './RunSession.ts';
import { AirStream, type AirPoint } from './streams/AirStream.ts';
import { GridStream } from './streams/GridStream.ts';
import type { EmergencyPoint } from './streams/emergencyFigures.ts';
import { EmergencyStream } from './streams/EmergencyStream.ts';
import { SummaryStream } from './streams/SummaryStream.ts';
import { ObjectStream } from './streams/ObjectStream.ts';
import type { OutputStream, StreamOutput } from './streams/OutputStream.ts';
import { TrafficStream, type LinkNow, type TrafficPoint } from './streams/TrafficStream.ts';

/** Event types of the figure streams, whose latest a seek looks up. */
const FIGURE_EVENTS = ['traffic', 'air', 'flood', 'emergency'] as const;

/**
 * A recording played back at any speed: its frames go out exactly as recorded, each to the stream
 * of its frame kind (objects, links, grids), and its events (figures to their streams, the rest
 * as they were, runState aside). Each tick sends at most one object frame, first: several volatile
 * frames in one tick would find the transport busy and be dropped, so a fast replay's clock waits
 * for its frames. Link and grid frames are reliable and go out as they come due.
 */
export class ReplaySession implements RunSession {
  readonly id: string;
  readonly kind = 'replay' as const;
  readonly city: CityModel | undefined;
  readonly owner: string | null;
  readonly awaited = false;
  stopped = false;
  private readonly host: SessionHost;
  private readonly info: RunInfo;
  private readonly replay: Replay;
  private readonly durationMs: number;
  private clockMs = 0;
  private speed: number | 'max';
  private playing = true;
  private finished = false;
  private readonly objectStream: ObjectStream;
  private readonly trafficStream: TrafficStream;
  private readonly gridStream: GridStream;
  private readonly airStream: AirStream;
  private readonly floodStream: SummaryStream<'flood'>;
  private readonly emergencyStream: EmergencyStream;
  /** Every stream, objects first. */
  private readonly streams: OutputStream[];

  constructor(host: SessionHost, id: string, info: RunInfo, city: CityModel | undefined, speed: number | 'max', owner: string | null) {
    this.host = host;
    this.id = id;
    this.owner = owner;
    this.info = info;
    this.city = city;
    this.speed = speed;
    this.replay = host.store.openReplay(info.id);
    this.durationMs = info.durationMs ?? info.lastSimTimeMs;
    // Replays record nothing.
    const out: StreamOutput = { send: (m) => deliver(this.host.sink, this.id, m), recordFrame: () => {}, recordEvent: () => {} };
    const rates = host.rates;
    this.objectStream = new ObjectStream(out, { frameIntervalMs: rates.frameIntervalMs, keyframeEveryMs: rates.keyframeEveryMs });
    this.trafficStream = new TrafficStream(out, new Uint8Array(0), rates.trafficIntervalMs);
    this.gridStream = new GridStream(out, undefined, rates.gridIntervalMs);
    this.airStream = new AirStream(out, undefined, rates.gridIntervalMs);
    this.floodStream = new SummaryStream(out, 'flood', undefined, rates.gridIntervalMs);
    this.emergencyStream = new EmergencyStream(out, 'emergency', undefined, rates.trafficIntervalMs);
    this.streams = [this.objectStream, this.trafficStream, this.gridStream, this.airStream, this.floodStream, this.emergencyStream];
  }

  /** The RunStore run it plays. */
  get storeRunId(): number {
    return this.info.id;
  }

  state(): RunStateEvent {
    return {
      type: 'runState',
      runId: this.id,
      scenarioId: this.info.scenarioId,
      status: this.stopped ? 'stopped' : this.finished ? 'finished' : this.playing ? 'playing' : 'paused',
      speed: this.speed,
      simTimeMs: this.clockMs,
    };
  }

  summary(): RunSummary {
    const title = this.host.scenarios.find((sc) => sc.id === this.info.scenarioId)?.title ?? null;
    return { state: this.state(), title, kind: 'replay', owner: this.owner, storeRunId: this.info.id, seed: null, durationMs: this.durationMs, startEpochMs: this.info.startEpochMs };
  }

  announceState(): RunStateEvent {
    const state = this.state();
    this.host.sink.event(this.id, state);
    return state;
  }

  control(c: RunControl): Ack<RunStateEvent | InjectAnswer> {
    switch (c.action) {
      case 'play':
        if (this.finished) return fail('run_ended', `RunManager: replay ${this.id} has reached its end; seek back to play again`);
        this.playing = true;
        break;
      case 'pause':
        this.playing = false;
        break;
      case 'speed':
        this.speed = c.factor;
        break;
      case 'seek':
        if (c.simTimeMs > this.durationMs) return fail('seek_out_of_range', `RunManager: seek time must be from 0 to ${this.durationMs} ms since the start, got ${c.simTimeMs}`);
        this.seek(c.simTimeMs);
        break;
      case 'stop':
        this.stop();
        break;
      case 'inject':
        return fail('replay_readonly', `RunManager: ${this.id} is a replay; injects change only live runs`);
    }
    return { ok: true, result: this.state() };
  }

  tick(wallMs: number): void {
    if (!this.playing) return;
    const from = this.clockMs;
    const target = this.speed === 'max' ? this.durationMs : Math.min(this.durationMs, this.clockMs + Math.round(wallMs * this.speed));
    let clock = target;
    let sent = 0;
    let lastMs = from;
    for (let next = this.replay.peek(); next !== undefined && next.simTimeMs <= target; next = this.replay.peek()) {
      // An object frame (volatile) only as the tick's first message.
      if (next.kind !== 'grid' && sent > 0) break;
      const f = this.replay.next();
      if (!f) break;
      for (const s of this.streams) if (s.replayFrame(f)) break;
      sent++;
      lastMs = f.simTimeMs;
    }
    // More frames are due: the clock waits at the last one sent and they go out on the next ticks.
    const after = this.replay.peekSimTimeMs();
    if (sent > 0 && after !== undefined && after <= target) clock = lastMs;
    this.clockMs = Math.max(from, clock);
    // At the end the events of the last instant go too (a summary recorded with the last frame).
    const until = this.clockMs >= this.durationMs ? this.clockMs + 1 : this.clockMs;
    for (const rec of from < this.clockMs ? this.host.store.eventsBetween(this.info.id, from, until) : []) this.replayEvent(rec);
    if (this.clockMs >= this.durationMs && this.replay.peekSimTimeMs() === undefined && this.host.store.getRun(this.info.id).status !== 'running') {
      this.playing = false;
      this.finished = true;
      this.announceState();
    }
  }

  flood(): Ack<FloodSummary> {
    const summary = this.floodStream.current(undefined);
    return summary ? { ok: true, result: summary } : fail('no_flood', `RunManager: replay ${this.id} has replayed no flood figures yet`);
  }

  emergency(): Ack<{ summary: EmergencySummary; history: EmergencyPoint[] }> {
    const summary = this.emergencyStream.current(undefined);
    return summary ? { ok: true, result: { summary, history: this.emergencyStream.points() } } : fail('no_emergency', `RunManager: replay ${this.id} has replayed no emergency figures yet`);
  }

  catchUp(): CatchUp {
    const sequence = this.objectStream.sequence(undefined);
    if (this.stopped) return { messages: [], sequence };
    return { messages: this.streams.flatMap((s) => s.catchUp(undefined)), sequence };
  }

  traffic(): Ack<{ summary: TrafficSummary; history: TrafficPoint[] }> {
    const summary = this.trafficStream.summary(undefined);
    if (!summary) return fail('no_traffic', `RunManager: run ${this.id} has no traffic figures yet`);
    return { ok: true, result: { summary, history: this.trafficStream.points() } };
  }

  /** The last traffic figures replayed. */
  trafficSummary(): TrafficSummary | undefined {
    return this.trafficStream.summary(undefined);
  }

  air(): Ack<{ summary: AirSummary; history: AirPoint[] }> {
    const summary = this.airStream.current(undefined);
    if (!summary) return fail('no_air', `RunManager: replay ${this.id} has replayed no air figures yet`);
    return { ok: true, result: { summary, history: this.airStream.points() } };
  }

  link(k: number, lanes: number): Ack<LinkNow> {
    const link = this.trafficStream.replayedLink(k, lanes);
    return link ? { ok: true, result: link } : fail('no_traffic', `RunManager: replay ${this.id} has replayed no link figures yet`);
  }

  /** The latest replayed grids' cells containing the point (grids are at ground level: `heightM` is not used). */
  sampleAt(x: number, y: number): Ack<PointSample> {
    const sample = this.gridStream.sampleAt(x, y);
    if (!sample) return fail('no_air', `RunManager: replay ${this.id} has replayed no grids yet`);
    // The AQI layer is a figure of the others, not a concentration.
    const { aqi: _aqi, ...concentrations } = sample.values;
    return { ok: true, result: { simTimeMs: sample.simTimeMs, concentrations, source: 'grid' } };
  }

  stop(): void {
    this.stopped = true;
    this.playing = false;
    this.objectStream.forget();
  }

  /** Moves the clock: the replay restarts at each layer's last complete frame, and the screens get the figures in force at the target. */
  private seek(targetMs: number): void {
    this.replay.seek(targetMs);
    this.clockMs = targetMs;
    for (const s of this.streams) s.afterSeek(targetMs);
    this.finished = false;
    for (const type of FIGURE_EVENTS) {
      // Events at the target itself go out as the clock moves on from it.
      const rec = this.host.store.lastEvent(this.info.id, type, targetMs - 1);
      if (rec) this.replayEvent(rec);
    }
  }

  private replayEvent(rec: RecordedEvent): void {
    for (const s of this.streams) if (s.replayEvent(rec)) return;
    const parsed = parseServerEvent(rec.data);
    if (parsed.ok && parsed.event.type !== 'runState') this.host.sink.event(this.id, { ...parsed.event, runId: this.id });
  }
}
