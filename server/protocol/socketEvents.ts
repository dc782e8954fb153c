/**
 * Typed Socket.IO event maps, shared by `new Server<ClientToServer, ServerToClient, InterServer, SocketData>()`
 * and `io(...) as Socket<ServerToClient, ClientToServer>`. Requests carry an ack callback that receives `Ack<T>`.
 */
import type { AirSummary } from './AirSummary.ts';
import type { DrillAck, DrillEvent, DrillRequest } from './drills.ts';
import type { EmergencySummary } from './EmergencySummary.ts';
import type { FloodSummary } from './FloodSummary.ts';
import type { Ack, CreateRunRequest, InjectAnswer, InjectRequest, RunIdRequest, SeekRequest, SpeedRequest } from './controls.ts';
import type { RunStateEvent, ServerEvent } from './events.ts';
import type { TrafficSummary } from './TrafficSummary.ts';

/** A binary frame as sent (Uint8Array) or as received (ArrayBuffer in browsers, Buffer in Node). */
export type BinaryFrame = Uint8Array | ArrayBuffer;

/** Answers every run control with the run's state after it. */
type RunAck = (ack: Ack<RunStateEvent>) => void;

/** Events a client emits; each request is validated on the server with `parseControlRequest`. */
export interface ClientToServer {
  createRun(request: CreateRunRequest, ack: RunAck): void;
  join(request: RunIdRequest, ack: RunAck): void;
  leave(request: RunIdRequest, ack: (ack: Ack<null>) => void): void;
  /**
   * Answered on this socket by an `objects` keyframe, then the latest `links` and `traffic` (traffic
   * runs), `grid` frame of each layer and `air` summary (environment runs), then the ack with the sequence.
   */
  keyframe(request: RunIdRequest, ack: (ack: Ack<{ sequence: number }>) => void): void;
  play(request: RunIdRequest, ack: RunAck): void;
  pause(request: RunIdRequest, ack: RunAck): void;
  speed(request: SpeedRequest, ack: RunAck): void;
  seek(request: SeekRequest, ack: RunAck): void;
  inject(request: InjectRequest, ack: (ack: Ack<InjectAnswer>) => void): void;
  stop(request: RunIdRequest, ack: RunAck): void;
  /**
   * A drill request (follow, unfollow, control, view, adhoc, act; validate with `DrillRequest`).
   * `follow` is answered with the session's state, the director's view and the timeline so far; the
   * others with the state and view and an empty timeline (the entries come as `drill` events).
   */
  drill(request: DrillRequest, ack: (ack: Ack<DrillAck>) => void): void;
}

/** Events the server emits to clients. */
export interface ServerToClient {
  /** A JSON event (run state, inject applied, incident, alert, dispatch); validate with `parseServerEvent`. */
  event(event: ServerEvent): void;
  /** An object keyframe or delta of run `runId`; decode with its ObjectFrameDecoder. */
  objects(runId: string, frame: BinaryFrame): void;
  /**
   * A scalar grid frame of run `runId` (one layer: `aqi`, `pm25`, a released substance…); decode with
   * `decodeScalarGrid`. Each layer when its grids' sim time is new, at most once per wall second, and
   * at once on `join`, `keyframe` and when the run pauses.
   */
  grid(runId: string, frame: BinaryFrame): void;
  /** Traffic runs: every link's index and speed, about once per wall second; decode with `decodeLinkFrame`. */
  links(runId: string, frame: BinaryFrame): void;
  /** Traffic runs: the city-level figures, with each `links` frame; validate with `TrafficSummary`. */
  traffic(runId: string, summary: TrafficSummary): void;
  /**
   * Environment runs: the air over the city (citywide and station AQI, weather, maxima, releases),
   * sent with each grid update and at once on `join` and `keyframe`; validate with `AirSummary`.
   */
  air(runId: string, summary: AirSummary): void;
  /**
   * Flood runs: the water over the city (volumes, deepest water, roads under water, the rainstorm
   * warning), with each depth grid (layer `waterDepth`) and at once on `join` and `keyframe`; validate with `FloodSummary`.
   */
  flood(runId: string, summary: FloodSummary): void;
  /**
   * Emergency runs: incidents (level, zones, units and ETAs, casualties, timeline), evacuations,
   * shelters, hospitals and stations, about once a wall second and at once on `join` and
   * `keyframe`; validate with `EmergencySummary`. Alerts come as `event`s of type `alert`.
   */
  emergency(runId: string, summary: EmergencySummary): void;
  /** A drill's state, director view, timeline entry or message, to the drill's followers (room `drill:<id>`) or one operator's department. */
  drill(event: DrillEvent): void;
}

/** Events between server nodes (Socket.IO adapter); none yet beyond a liveness ping. */
export interface InterServer {
  ping(): void;
}

/** What the server keeps on each socket after the handshake. */
export interface SocketData {
  protocolVersion: number;
  client?: string;
  locale?: 'zh-CN' | 'en';
  /** Runs this socket joined. */
  runIds: string[];
}
