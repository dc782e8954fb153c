import type { CityModel } from '../city/CityModel.ts';
import type { AirSummary } from '../protocol/AirSummary.ts';
import type { EmergencySummary } from '../protocol/EmergencySummary.ts';
import type { FloodSummary } from '../protocol/FloodSummary.ts';
import type { Ack, InjectAnswer } from '../protocol/controls.ts';
import type { RunStateEvent, ServerEvent } from '../protocol/events.ts';
import type { ProtocolError } from '../protocol/ProtocolError.ts';
import type { TrafficSummary } from '../protocol/TrafficSummary.ts';
import type { Scenario } from '../scenario/Scenario.ts';
import type { InjectRepeat } from '../sim/Run.ts';
import type { RunStore } from '../store/RunStore.ts';
import type { AirPoint } from './streams/AirStream.ts';
import type { EmergencyPoint } from './streams/emergencyFigures.ts';
import type { StreamMessage } from './streams/OutputStream.ts';
import type { LinkNow, TrafficPoint } from './streams/TrafficStream.ts';

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
  /**
   * Runs with grids (environment): a scalar grid frame for the room (fresh bytes; never reused), one
   * per layer when the grids' sim time is new, at most once per grid interval and at once when the
   * run pauses (before its runState event).
   */
  grid?(runId: string, bytes: Uint8Array): void;
  /** Runs with an air summary (environment): the air over the city, sent with each grid update. */
  air?(runId: string, summary: AirSummary): void;
  /** Runs with a flood engine: the water over the city, about once a sim minute. */
  flood?(runId: string, summary: FloodSummary): void;
  /** Runs with an emergency engine: incidents, evacuations, shelters, hospitals, units. */
  emergency?(runId: string, summary: EmergencySummary): void;
}

/** Hands one stream message of run `runId` to the sink. */
export function deliver(sink: RunSink, runId: string, m: StreamMessage): void {
  switch (m.type) {
    case 'objects':
      return sink.frame(runId, m.bytes);
    case 'links':
      return sink.links?.(runId, m.bytes);
    case 'traffic':
      return sink.traffic?.(runId, m.summary);
    case 'grid':
      return sink.grid?.(runId, m.bytes);
    case 'air':
      return sink.air?.(runId, m.summary);
    case 'flood':
      return sink.flood?.(runId, m.summary);
    case 'emergency':
      return sink.emergency?.(runId, m.summary);
    case 'event':
      return sink.event(runId, m.event);
  }
}

/** What GET /api/runs and the socket API say about a run. */
export interface RunSummary {
  state: RunStateEvent;
  /** The scenario's title, when its scenario is loaded. */
  title: { zh: string; en: string } | null;
  kind: 'live' | 'scenario' | 'replay';
  /** The account that started it; null for the live baseline and runs the server started. */
  owner: string | null;
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
  /** `repeat`: whether the live baseline makes it again every day ('daily') or only today ('day', the default); see Run.restart. */
  | { action: 'inject'; kind: string; params: Record<string, unknown>; repeat?: InjectRepeat };

/** What a client joining a run (or asking for a keyframe) gets on its socket before the ack. */
export interface CatchUp {
  /** Object frames first (to decode the next broadcast delta), then the latest of every other stream. */
  messages: StreamMessage[];
  /** The object frame sequence the client holds after them (0 before the first frame). */
  sequence: number;
}

/** Concentrations at a point of a run's city now. */
export interface PointSample {
  simTimeMs: number;
  /** µg/m³ by layer id (CO mg/m³): pollutants and released substances. */
  concentrations: Record<string, number>;
  /** 'exact': the engines computed them at the point; 'grid': read off the latest replayed grids' cell. */
  source: 'exact' | 'grid';
}

/** Stream rates, wall ms except keyframeEveryMs (sim ms). */
export interface StreamRates {
  frameIntervalMs: number;
  keyframeEveryMs: number;
  trafficIntervalMs: number;
  gridIntervalMs: number;
}

/** What the manager shares with its sessions. */
export interface SessionHost {
  /** Where frames and events go now (attachRealtime sets it after the sessions are made). */
  sink: RunSink;
  readonly store: RunStore;
  readonly scenarios: readonly Scenario[];
  readonly rates: StreamRates;
}

/** A refusal: a code and a message naming the field and value. */
export const fail = (code: string, message: string): { ok: false; error: ProtocolError } => ({ ok: false, error: { code, message } });

/**
 * One run as the RunManager holds it: a simulated run (SimSession: a Run, its recording and its
 * streams) or a recording played back (ReplaySession). Both answer the same controls, ticks,
 * catch-ups and output queries; the manager keeps the map of sessions, the timer and the limits.
 */
export interface RunSession {
  readonly id: string;
  readonly kind: RunSummary['kind'];
  readonly owner: string | null;
  /** The city it runs in, or undefined when this server does not serve it. */
  readonly city: CityModel | undefined;
  /** True once stopped for good: it takes no control and sends nothing, and stays listed a while. */
  readonly stopped: boolean;
  /** True while a what-if comparison waits for it to reach its comparison time (it never counts as unwatched then). */
  readonly awaited: boolean;
  /** The run's state as the `runState` event. */
  state(): RunStateEvent;
  summary(): RunSummary;
  /** Applies a control to a run not stopped; a refused one changes nothing and the run goes on. */
  control(c: RunControl): Ack<RunStateEvent | InjectAnswer>;
  /** Records (sim runs) and broadcasts the run's state; returns it. */
  announceState(): RunStateEvent;
  /** Advances by `wallMs` of wall time (stepping for at most `budgetMs`) and sends what is due at wall time `now`. */
  tick(wallMs: number, now: number, budgetMs: number): void;
  /** What a client joining (or lost) needs now. */
  catchUp(): CatchUp;
  /** The traffic figures now and their 5-minute history; refused without a traffic engine or figures. */
  traffic(): Ack<{ summary: TrafficSummary; history: TrafficPoint[] }>;
  /** The air figures now and their 5-minute history; refused without an environment engine or figures. */
  air(): Ack<{ summary: AirSummary; history: AirPoint[] }>;
  /** The water over the city now; refused without a flood engine or figures. */
  flood(): Ack<FloodSummary>;
  /** The emergencies now and the 5-minute history of their dashboard figures; refused without an emergency engine or figures. */
  emergency(): Ack<{ summary: EmergencySummary; history: EmergencyPoint[] }>;
  /** Link k of the run's city now (`lanes`: its lane count). */
  link(k: number, lanes: number): Ack<LinkNow>;
  /** Concentrations at local point (x, y), `heightM` above the ground: exact for sim runs, the latest grid cell for replays. */
  sampleAt(x: number, y: number, heightM: number): Ack<PointSample>;
  /** Stops for good: a sim run's recording is finished and its engines freed. */
  stop(): void;
}
