import { FrameKind, peekFrameKind } from '../../protocol/frameHeader.ts';
import { decodeLinkFrame, encodeLinkFrame } from '../../protocol/LinkFrameCodec.ts';
import type { LinkState } from '../../protocol/LinkState.ts';
import { TrafficSummary } from '../../protocol/TrafficSummary.ts';
import type { Run } from '../../sim/Run.ts';
import { congestionLevel } from '../../sim/traffic/performanceIndex.ts';
import type { ReplayFrame } from '../../store/Replay.ts';
import type { RecordedEvent } from '../../store/RunStore.ts';
import { History, HISTORY_EVERY_MS, HISTORY_POINTS } from './History.ts';
import { ownBytes, type OutputStream, type StreamMessage, type StreamOutput } from './OutputStream.ts';
import { Throttle } from './Throttle.ts';

/** Sim time between two points of a run's traffic history. */
export const TRAFFIC_HISTORY_EVERY_MS = HISTORY_EVERY_MS;
/** Points a run's traffic history keeps: 24 hours of them. */
export const TRAFFIC_HISTORY_POINTS = HISTORY_POINTS;

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

/** What a link's figures are now, without the link's own description. */
export type LinkNow = Omit<LinkFigures, 'runId' | 'id' | 'name' | 'class' | 'lanes'>;

/** `value` to `digits` decimals: figures for people, free of float noise. */
function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Link k's figures in a traffic engine's link state at `simTimeMs`, rounded for people. */
export function linkNow(links: LinkState, simTimeMs: number, k: number): LinkNow {
  const index = round(links.index[k], 2);
  return {
    simTimeMs,
    speedKmh: round(links.speed[k] * 3.6, 1),
    densityVehPerKm: round(links.density[k], 1),
    flowVph: round(links.flow[k], 0),
    queueM: round(links.queue[k], 1),
    index,
    level: congestionLevel(index),
    closedLanes: links.closedLanes[k],
  };
}

/**
 * Road traffic (runs whose engines publish `links` and a `trafficSummary`): at most once per
 * traffic interval of wall time and once per sim time, one link frame (fresh bytes) and the
 * summary, recorded as a `grid` frame of layer `links` (complete: a replay can start from one) and
 * an event of type `traffic`. Keeps the 5-minute history of the index, mean speed and vehicles.
 */
export class TrafficStream implements OutputStream {
  private readonly out: StreamOutput;
  /** Lanes per link of the run's city, to tell a whole closure in link frames (empty for replays). */
  private readonly lanes: Uint8Array;
  private readonly throttle: Throttle;
  private readonly history = new History<TrafficPoint>();
  /** Replays: the last link frame replayed (what a joining client gets and the link API reads). */
  private lastFrame: Uint8Array | undefined;
  /** The last summary sent (what HTTP answers while a seek is under way, and for replays). */
  private lastSummary: TrafficSummary | undefined;

  constructor(out: StreamOutput, lanes: Uint8Array, intervalMs: number) {
    this.out = out;
    this.lanes = lanes;
    this.throttle = new Throttle(intervalMs);
  }

  send(run: Run, now: number, force: boolean): void {
    const t = run.timeMs;
    let summary: TrafficSummary | undefined;
    if (this.history.wants(t)) {
      summary = run.firstOutput('trafficSummary') as TrafficSummary;
      this.addPoint(summary);
    }
    if (!this.throttle.waited(now, force) || !this.throttle.isNew(t)) return;
    summary ??= run.firstOutput('trafficSummary') as TrafficSummary;
    // Encoded once per broadcast into fresh bytes: the socket layer serialises them later.
    const bytes = encodeLinkFrame(run.firstOutput('links') as LinkState, t, this.lanes);
    this.throttle.sent(now, t);
    this.lastSummary = summary;
    this.out.recordFrame({ simTimeMs: t, kind: 'grid', layer: 'links', bytes });
    this.out.recordEvent({ simTimeMs: t, type: 'traffic', data: summary });
    this.out.send({ type: 'links', bytes });
    this.out.send({ type: 'traffic', summary });
  }

  replayFrame(frame: ReplayFrame): boolean {
    if (peekFrameKind(frame.bytes) !== FrameKind.linkState) return false;
    this.lastFrame = frame.bytes;
    this.out.send({ type: 'links', bytes: ownBytes(frame.bytes) });
    return true;
  }

  replayEvent(event: RecordedEvent): boolean {
    if (event.type !== 'traffic') return false;
    const parsed = TrafficSummary.safeParse(event.data);
    if (!parsed.success) return true;
    this.lastSummary = parsed.data;
    if (this.history.wants(parsed.data.simTimeMs)) this.addPoint(parsed.data);
    this.out.send({ type: 'traffic', summary: parsed.data });
    return true;
  }

  /** A fresh link frame and the summary of the run now (sim runs), or the last replayed ones. */
  catchUp(run: Run | undefined): StreamMessage[] {
    const out: StreamMessage[] = [];
    if (!run) {
      if (this.lastFrame) out.push({ type: 'links', bytes: ownBytes(this.lastFrame) });
      if (this.lastSummary) out.push({ type: 'traffic', summary: this.lastSummary });
      return out;
    }
    const links = run.firstOutput('links');
    if (links) out.push({ type: 'links', bytes: encodeLinkFrame(links, run.timeMs, this.lanes) });
    const summary = run.firstOutput('trafficSummary');
    if (summary) out.push({ type: 'traffic', summary });
    return out;
  }

  afterSeek(targetMs: number): void {
    this.history.forgetAfter(targetMs);
    this.throttle.reset();
  }

  /** The latest figures: asked afresh of the run (when given: a sim run neither stopped nor seeking), else the last sent or replayed. */
  summary(run: Run | undefined): TrafficSummary | undefined {
    return run ? run.firstOutput('trafficSummary') : this.lastSummary;
  }

  /** The history, oldest first. */
  points(): TrafficPoint[] {
    return this.history.list();
  }

  /** Replays: link k's figures as the last replayed link frame carries them (the rest null); undefined before one. */
  replayedLink(k: number, lanes: number): LinkNow | undefined {
    const frame = this.lastFrame && decodeLinkFrame(this.lastFrame);
    if (!frame?.ok || frame.frame.count <= k) return undefined;
    const f = frame.frame;
    const index = Number.isNaN(f.index[k]) ? null : f.index[k];
    return {
      simTimeMs: f.simTimeMs,
      speedKmh: Number.isNaN(f.speedKmh[k]) ? null : f.speedKmh[k],
      densityVehPerKm: null,
      flowVph: null,
      queueM: null,
      index,
      level: index === null ? null : congestionLevel(index),
      closedLanes: f.closed[k] ? lanes : null,
    };
  }

  private addPoint(summary: TrafficSummary): void {
    this.history.add({ simTimeMs: summary.simTimeMs, index: summary.index, meanSpeedKmh: summary.meanSpeedKmh, vehicles: summary.vehicles });
  }
}
