import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import { parseControlRequest, parseHello, type Ack, type ControlName, type ControlRequest } from '../protocol/controls.ts';
import type { ClientToServer, InterServer, ServerToClient, SocketData } from '../protocol/socketEvents.ts';
import type { RunControl, RunManager } from './RunManager.ts';
import type { StreamMessage } from './streams/OutputStream.ts';

export interface AttachRealtimeOptions {
  manager: RunManager;
  /** Origins besides the server's own that may connect (config.allowedOrigins). */
  allowedOrigins: readonly string[];
  /** Largest message a client may send, bytes (64 KB: control requests are small). */
  maxHttpBufferSize?: number;
  /** How long a cut-off client's missed events are kept for it (2 minutes). */
  maxDisconnectionDurationMs?: number;
}

export type TwinServer = Server<ClientToServer, ServerToClient, InterServer, SocketData>;
type TwinSocket = Socket<ClientToServer, ServerToClient, InterServer, SocketData>;

export interface Realtime {
  io: TwinServer;
  /** Disconnects every client and stops Socket.IO; leaves the HTTP server to its owner. */
  close(): void;
}

/** The Socket.IO room of a run's members. */
export const roomOf = (runId: string): string => `run:${runId}`;

/** An origin is welcome when absent (not a browser), the server's own, or configured. */
function originAllowed(req: http.IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * Creates the one Socket.IO server on `server`: checks the protocol version at the handshake,
 * lets clients join runs (a room each) and control them, and broadcasts the manager's frames
 * (binary, encoded once per broadcast, volatile so a slow client skips frames instead of growing
 * memory) and events (reliable, recovered after a cut of up to two minutes).
 */
export function attachRealtime(server: http.Server, options: AttachRealtimeOptions): Realtime {
  const { manager } = options;
  const io: TwinServer = new Server<ClientToServer, ServerToClient, InterServer, SocketData>(server, {
    maxHttpBufferSize: options.maxHttpBufferSize ?? 64 * 1024,
    // CORS covers only HTTP long-polling; this also refuses a WebSocket from a foreign page.
    allowRequest: (req, callback) => {
      const ok = originAllowed(req, options.allowedOrigins);
      callback(ok ? null : 'origin not allowed', ok);
    },
    cors: {
      origin: (origin, callback) => callback(null, origin === undefined || options.allowedOrigins.includes(origin)),
    },
    connectionStateRecovery: { maxDisconnectionDuration: options.maxDisconnectionDurationMs ?? 2 * 60 * 1000, skipMiddlewares: false },
  });

  io.use((socket, next) => {
    const parsed = parseHello(socket.handshake.auth);
    if (!parsed.ok) {
      const error = new Error(parsed.error.message) as Error & { data: unknown };
      error.data = parsed.error;
      next(error);
      return;
    }
    const { hello } = parsed;
    // A recovered session brings its joined runs back in socket.data: keep them.
    socket.data.protocolVersion = hello.protocolVersion;
    socket.data.client = hello.client;
    socket.data.locale = hello.locale;
    socket.data.runIds ??= [];
    next();
  });

  manager.setSink({
    frame: (runId, bytes) => io.to(roomOf(runId)).volatile.emit('objects', runId, bytes),
    event: (runId, event) => io.to(roomOf(runId)).emit('event', event),
    // Reliable, not volatile: once a second, and a volatile one would be dropped behind the same tick's object frame.
    links: (runId, bytes) => io.to(roomOf(runId)).emit('links', runId, bytes),
    traffic: (runId, summary) => io.to(roomOf(runId)).emit('traffic', runId, summary),
    grid: (runId, bytes) => io.to(roomOf(runId)).emit('grid', runId, bytes),
    air: (runId, summary) => io.to(roomOf(runId)).emit('air', runId, summary),
    flood: (runId, summary) => io.to(roomOf(runId)).emit('flood', runId, summary),
    emergency: (runId, summary) => io.to(roomOf(runId)).emit('emergency', runId, summary),
  });

  io.on('connection', (socket) => wireSocket(socket, manager));

  return {
    io,
    close() {
      io.local.disconnectSockets(true);
      io.engine.close();
      // The recovery adapter keeps a cleanup timer.
      io.of('/').adapter.close();
    },
  };
}

/** Calls `ack` only if the client gave one: a request without a callback gets no answer. */
function answer<T>(ack: unknown, value: Ack<T>): void {
  if (typeof ack === 'function') (ack as (a: Ack<T>) => void)(value);
}

function wireSocket(socket: TwinSocket, manager: RunManager): void {
  /** Validates a request and runs it; any refusal is an ack with {code, message}, never a throw. */
  function on<N extends ControlName>(name: N, handle: (request: ControlRequest<N>) => Ack<unknown>): void {
    (socket as unknown as { on(event: string, listener: (input: unknown, ack: unknown) => void): void }).on(name, (input, ack) => {
      const parsed = parseControlRequest(name, input);
      if (!parsed.ok) return answer(ack, parsed);
      answer(ack, handle(parsed.request as ControlRequest<N>));
    });
  }

  /** What a new (or lost) screen needs at once, on this socket: object frames, then the latest figures and grids. */
  function sendCatchUp(runId: string, messages: readonly StreamMessage[]): void {
    for (const m of messages) {
      if (m.type === 'objects') socket.emit('objects', runId, m.bytes);
      else if (m.type === 'links') socket.emit('links', runId, m.bytes);
      else if (m.type === 'traffic') socket.emit('traffic', runId, m.summary);
      else if (m.type === 'grid') socket.emit('grid', runId, m.bytes);
      else if (m.type === 'air') socket.emit('air', runId, m.summary);
      else if (m.type === 'flood') socket.emit('flood', runId, m.summary);
      else if (m.type === 'emergency') socket.emit('emergency', runId, m.summary);
      else socket.emit('event', m.event);
    }
  }

  on('createRun', (r) => manager.createRun(r));
  on('join', (r) => {
    const state = manager.runState(r.runId);
    if (!state) return { ok: false, error: { code: 'not_found', message: `join: no run ${JSON.stringify(r.runId)}` } };
    void socket.join(roomOf(r.runId));
    if (!socket.data.runIds.includes(r.runId)) socket.data.runIds.push(r.runId);
    // The late joiner's keyframe goes before the ack, so deltas that follow apply on top of it.
    sendCatchUp(r.runId, manager.catchUp(r.runId)?.messages ?? []);
    return { ok: true, result: state };
  });
  on('leave', (r) => {
    void socket.leave(roomOf(r.runId));
    socket.data.runIds = socket.data.runIds.filter((id) => id !== r.runId);
    return { ok: true, result: null };
  });
  on('keyframe', (r) => {
    const catchUp = manager.catchUp(r.runId);
    if (!catchUp) return { ok: false, error: { code: 'not_found', message: `keyframe: no run ${JSON.stringify(r.runId)}` } };
    sendCatchUp(r.runId, catchUp.messages);
    return { ok: true, result: { sequence: catchUp.sequence } };
  });
  const control = (r: { runId: string }, c: RunControl) => manager.control(r.runId, c);
  on('play', (r) => control(r, { action: 'play' }));
  on('pause', (r) => control(r, { action: 'pause' }));
  on('stop', (r) => control(r, { action: 'stop' }));
  on('speed', (r) => control(r, { action: 'speed', factor: r.factor }));
  on('seek', (r) => control(r, { action: 'seek', simTimeMs: r.simTimeMs }));
  on('inject', (r) => control(r, { action: 'inject', kind: r.kind, params: r.params }));
}
