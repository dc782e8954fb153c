import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import { parseControlRequest, parseHello, type Ack, type ControlName, type ControlRequest } from '../protocol/controls.ts';
import type { ClientToServer, InterServer, ServerToClient, SocketData } from '../protocol/socketEvents.ts';
import type { RunControl, RunManager, RunSink } from './RunManager.ts';
import { deliver } from './RunSession.ts';
import type { StreamMessage } from './streams/OutputStream.ts';
import { DATA_LAYER_IDS, type DataView } from '../protocol/access.ts';
import type { AirSummary } from '../protocol/AirSummary.ts';
import type { EmergencySummary } from '../protocol/EmergencySummary.ts';
import type { ServerEvent } from '../protocol/events.ts';
import { viewKey } from '../auth/dataView.ts';
import { maskMessage, objectFrames } from '../auth/masking.ts';
import type { Principal } from '../auth/principal.ts';
import { EVENT_RULES, refusal } from '../auth/rules.ts';
import { controlRefusal } from '../auth/runRules.ts';
import { cookieValue, SESSION_COOKIE, type Trust } from '../auth/Trust.ts';
import { hostAllowed } from '../http/hostCheck.ts';
import { RateLimiter, rateLimitedError } from '../http/rateLimit.ts';
import { requestOriginAllowed } from '../http/sameOrigin.ts';
import { securityHeaderValues } from '../http/securityHeaders.ts';

export interface AttachRealtimeOptions {
  manager: RunManager;
  /** Who each socket acts for (its session cookie), what it may see, and the audit trail. */
  trust: Trust;
  /** Origins besides the server's own that may connect (config.allowedOrigins). */
  allowedOrigins: readonly string[];
  /** Host names the server answers to (see hostCheck); a handshake with another Host header is refused. */
  allowedHosts: ReadonlySet<string>;
  /** Largest message a client may send, bytes (64 KB: control requests are small). */
  maxHttpBufferSize?: number;
  /** How long a cut-off client's missed events are kept for it (2 minutes). */
  maxDisconnectionDurationMs?: number;
  /** A socket whose unsent messages pile past this many bytes (a screen that stopped reading) is disconnected (8 MiB). */
  maxQueuedBytes?: number;
}

/** What the server keeps per socket: the protocol's SocketData, who it acts for and its session token (never sent anywhere). */
export interface TwinSocketData extends SocketData {
  token: string | undefined;
  principal: Principal;
  /** The key of its data view (its audience). */
  viewKey: string;
}

export type TwinServer = Server<ClientToServer, ServerToClient, InterServer, TwinSocketData>;
export type TwinSocket = Socket<ClientToServer, ServerToClient, InterServer, TwinSocketData>;

export interface Realtime {
  io: TwinServer;
  /** Disconnects every client and stops Socket.IO; leaves the HTTP server to its owner. */
  close(): void;
}

/** The Socket.IO room of a run's members (for counting who watches). */
export const roomOf = (runId: string): string => `run:${runId}`;
/** The room of a run's members that see the data layers alike (the same grants): what they get is masked once for all of them. */
const audienceRoom = (runId: string, viewKey: string): string => `run:${runId}|${viewKey}`;

/** An origin is welcome when absent (not a browser), the server's own, or configured. */
function originAllowed(req: http.IncomingMessage, allowed: readonly string[]): boolean {
  return requestOriginAllowed(req.headers, allowed);
}

/**
 * Creates the one Socket.IO server on `server`: checks the Host, Origin and protocol version at
 * the handshake, works out who the socket acts for from its session cookie, lets clients join runs
 * and control them as their role and the run allow (deny by default, EVENT_RULES and runRules),
 * and broadcasts the manager's frames and events to each run's audiences — the sockets that see
 * the data layers alike — masked by their grants (binary object frames encoded once, volatile so a
 * slow client skips frames; events reliable, recovered after a cut of up to two minutes).
 */
export function attachRealtime(server: http.Server, options: AttachRealtimeOptions): Realtime {
  const { manager, trust } = options;
  const io: TwinServer = new Server<ClientToServer, ServerToClient, InterServer, TwinSocketData>(server, {
    maxHttpBufferSize: options.maxHttpBufferSize ?? 64 * 1024,
    // CORS covers only HTTP long-polling; this also refuses a WebSocket from a foreign page, and a
    // foreign Host (a DNS-rebound name pointing at us) whatever its Origin says.
    allowRequest: (req, callback) => {
      if (!hostAllowed(req.headers.host, options.allowedHosts)) return callback('host not allowed', false);
      const ok = originAllowed(req, options.allowedOrigins);
      callback(ok ? null : 'origin not allowed', ok);
    },
    cors: {
      origin: (origin, callback) => callback(null, origin === undefined || options.allowedOrigins.includes(origin)),
      credentials: true,
    },
    connectionStateRecovery: { maxDisconnectionDuration: options.maxDisconnectionDurationMs ?? 2 * 60 * 1000, skipMiddlewares: false },
  });
  const audiences = new Audiences(io, trust);
  // Long-polling answers do not pass through Koa: they get the same security headers here.
  const securityHeaders = securityHeaderValues({ allowedOrigins: options.allowedOrigins });
  io.engine.on('headers', (headers: Record<string, string>) => Object.assign(headers, securityHeaders));
  io.engine.on('initial_headers', (headers: Record<string, string>) => Object.assign(headers, securityHeaders));

  io.use((socket, next) => {
    const parsed = parseHello(socket.handshake.auth);
    if (!parsed.ok) {
      const error = new Error(parsed.error.message) as Error & { data: unknown };
      error.data = parsed.error;
      next(error);
      return;
    }
    const token = cookieValue(socket.request.headers.cookie, SESSION_COOKIE);
    const principal = trust.principal(token, socket.handshake.address);
    if (principal.role === null) {
      const error = new Error('sign in first: this server shows nothing to visitors who have not signed in') as Error & { data: unknown };
      error.data = { code: 'unauthenticated', message: error.message };
      next(error);
      return;
    }
    const { hello } = parsed;
    // A recovered session brings its joined runs back in socket.data: keep them.
    socket.data.protocolVersion = hello.protocolVersion;
    socket.data.client = hello.client;
    socket.data.locale = hello.locale;
    socket.data.runIds ??= [];
    socket.data.token = token;
    socket.data.principal = principal;
    socket.data.viewKey = viewKey(trust.view(principal));
    next();
  });

  manager.setSink({
    frame: (runId, bytes) => {
      // Encoded once for every audience that may see vehicles.
      const rooms = audiences.rooms(runId).filter((a) => objectFrames(a.view) === 'send').map((a) => a.room);
      if (rooms.length > 0) io.to(rooms).volatile.emit('objects', runId, bytes);
    },
    event: (runId, event) => audiences.each(runId, (room, view) => maskedSink(io.to(room), view).event(runId, event)),
    // Reliable, not volatile: once a second, and a volatile one would be dropped behind the same tick's object frame.
    links: (runId, bytes) => io.to(roomOf(runId)).emit('links', runId, bytes),
    traffic: (runId, summary) => io.to(roomOf(runId)).emit('traffic', runId, summary),
    grid: (runId, bytes) => io.to(roomOf(runId)).emit('grid', runId, bytes),
    air: (runId, summary) => audiences.each(runId, (room, view) => maskedSink(io.to(room), view).air(runId, summary)),
    flood: (runId, summary) => io.to(roomOf(runId)).emit('flood', runId, summary),
    emergency: (runId, summary) => audiences.each(runId, (room, view) => maskedSink(io.to(room), view).emergency(runId, summary)),
  });
  manager.setWatchers((runId) => io.of('/').adapter.rooms.get(roomOf(runId))?.size ?? 0);

  // A screen that stopped reading gets its reliable messages queued without end: cut it off.
  const maxQueued = options.maxQueuedBytes ?? 8 * 2 ** 20;
  const sweep = setInterval(() => {
    for (const socket of io.of('/').sockets.values()) if (queuedBytes(socket) > maxQueued) socket.disconnect(true);
  }, 500);
  sweep.unref();

  trust.on('viewsChanged', () => {
    for (const socket of io.of('/').sockets.values()) audiences.refresh(socket);
  });
  trust.on('sessionEnded', (sessionId) => {
    for (const socket of io.of('/').sockets.values()) if (socket.data.principal.sessionId === sessionId) audiences.refresh(socket);
  });

  io.on('connection', (socket) => {
    // A recovered socket is back in its old rooms; its grants may have changed meanwhile.
    if (socket.recovered) audiences.refresh(socket);
    wireSocket(socket, manager, trust, audiences);
  });

  return {
    io,
    close() {
      clearInterval(sweep);
      io.local.disconnectSockets(true);
      io.engine.close();
      // The recovery adapter keeps a cleanup timer.
      io.of('/').adapter.close();
    },
  };
}

/**
 * The audiences of each run: its members grouped by what their grants let them see (their view
 * key), one room each, so a masked message is made once per audience, not once per screen.
 */
class Audiences {
  /** Per run: the view keys of its audiences (some may have emptied; rooms() drops those). */
  private readonly keys = new Map<string, Set<string>>();
  private readonly views = new Map<string, DataView>();

  constructor(
    private readonly io: TwinServer,
    private readonly trust: Trust,
  ) {}

  /** Puts `socket` in run `runId`'s rooms. */
  join(socket: TwinSocket, runId: string): void {
    const key = socket.data.viewKey;
    this.views.set(key, this.trust.view(socket.data.principal));
    let keys = this.keys.get(runId);
    if (!keys) this.keys.set(runId, (keys = new Set()));
    keys.add(key);
    void socket.join([roomOf(runId), audienceRoom(runId, key)]);
  }

  leave(socket: TwinSocket, runId: string): void {
    void socket.leave(roomOf(runId));
    for (const room of socket.rooms) if (room.startsWith(`run:${runId}|`)) void socket.leave(room);
  }

  /** The run's audiences with members now. */
  rooms(runId: string): { room: string; view: DataView }[] {
    const keys = this.keys.get(runId);
    if (!keys) return [];
    const rooms = this.io.of('/').adapter.rooms;
    const out: { room: string; view: DataView }[] = [];
    for (const key of keys) {
      const room = audienceRoom(runId, key);
      const view = this.views.get(key);
      if (!rooms.has(room) || !view) keys.delete(key);
      else out.push({ room, view });
    }
    return out;
  }

  each(runId: string, send: (room: string, view: DataView) => void): void {
    for (const { room, view } of this.rooms(runId)) send(room, view);
  }

  /** Works out the socket's principal and view again (grants, accounts or its session changed) and moves it between audiences. */
  refresh(socket: TwinSocket): void {
    const principal = this.trust.principal(socket.data.token, socket.data.principal.address);
    if (principal.role === null) {
      socket.disconnect(true);
      return;
    }
    socket.data.principal = principal;
    const key = viewKey(this.trust.view(principal));
    socket.data.viewKey = key;
    for (const runId of socket.data.runIds) {
      this.leave(socket, runId);
      this.join(socket, runId);
    }
  }
}

/**
 * Bytes waiting to reach a socket's client: engine.io's queue of packets not yet handed to the
 * transport, and what the WebSocket has buffered beyond the kernel's (neither is public API: the
 * hostile-input test's never-reading client checks they still mean this).
 */
function queuedBytes(socket: TwinSocket): number {
  const conn = socket.conn as unknown as { writeBuffer?: { data?: unknown }[]; transport?: { socket?: { bufferedAmount?: number } } };
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) {
    const data = packet.data;
    bytes += typeof data === 'string' ? data.length : data instanceof Uint8Array || data instanceof ArrayBuffer ? data.byteLength : 0;
  }
  return bytes;
}

/**
 * A sink sending to `to` (one socket, or one audience's room) what `view` may see of each message:
 * vehicle frames only with the vehicles layer, air and emergency summaries and events masked.
 */
function maskedSink(to: { emit: TwinSocket['emit'] }, view: DataView): Required<RunSink> {
  return {
    frame: (runId, bytes) => {
      if (objectFrames(view) === 'send') to.emit('objects', runId, bytes);
    },
    event: (_runId, event) => {
      const masked = maskMessage('event', event, view);
      if (masked) to.emit('event', masked as ServerEvent);
    },
    links: (runId, bytes) => to.emit('links', runId, bytes),
    traffic: (runId, summary) => to.emit('traffic', runId, summary),
    grid: (runId, bytes) => to.emit('grid', runId, bytes),
    air: (runId, summary) => to.emit('air', runId, maskMessage('air', summary, view) as AirSummary),
    flood: (runId, summary) => to.emit('flood', runId, summary),
    emergency: (runId, summary) => to.emit('emergency', runId, maskMessage('emergency', summary, view) as EmergencySummary),
  };
}

/** Calls `ack` only if the client gave one: a request without a callback gets no answer. */
function answer<T>(ack: unknown, value: Ack<T>): void {
  if (typeof ack === 'function') (ack as (a: Ack<T>) => void)(value);
}

/** Requests one socket may make: a burst of 40, then 20 a second. */
const REQUESTS = { ratePerS: 20, burst: 40 };
/** Catch-ups (join, keyframe) one socket may ask for: each sends a keyframe and every figure; a burst of 4, then one each 2 s. */
const CATCH_UPS = { ratePerS: 0.5, burst: 4 };

function wireSocket(socket: TwinSocket, manager: RunManager, trust: Trust, audiences: Audiences): void {
  const requests = new RateLimiter(REQUESTS);
  const catchUps = new RateLimiter(CATCH_UPS);

  /**
   * Validates a request, checks the socket's principal now (a session may have ended or its role
   * changed) against the event's rule, and runs it; any refusal is an ack with {code, message}, never a throw.
   */
  function on<N extends ControlName>(name: N, handle: (request: ControlRequest<N>, principal: Principal) => Ack<unknown>): void {
    (socket as unknown as { on(event: string, listener: (input: unknown, ack: unknown) => void): void }).on(name, (input, ack) => {
      const limited = requests.take('');
      if (!limited.ok) return answer(ack, { ok: false, error: rateLimitedError(name, limited.retryAfterS) });
      const parsed = parseControlRequest(name, input);
      if (!parsed.ok) return answer(ack, parsed);
      const principal = trust.principal(socket.data.token, socket.data.principal.address);
      if (principal.sessionId !== socket.data.principal.sessionId || principal.role !== socket.data.principal.role) audiences.refresh(socket);
      const why = refusal(EVENT_RULES[name], principal);
      if (why) {
        if (name !== 'join' && name !== 'keyframe') trust.record(principal, `socket.${name}`, runIdOf(parsed.request), 'denied');
        return answer(ack, refused(why, why === 'unauthenticated' ? `${name}: sign in first` : `${name}: the ${principal.role} role may not do this`));
      }
      answer(ack, handle(parsed.request as ControlRequest<N>, principal));
    });
  }

  /** What a new (or lost) screen needs at once, on this socket, masked by its grants: object frames, then the latest figures and grids. */
  function sendCatchUp(runId: string, messages: readonly StreamMessage[]): void {
    const sink = maskedSink(socket, trust.view(socket.data.principal));
    for (const m of messages) deliver(sink, runId, m);
  }

  /** Checks the run-level rule (whose run, which inject), audits the attempt and applies it. */
  function act(principal: Principal, runId: string, control: RunControl): Ack<unknown> {
    const run = manager.get(runId);
    if (!run) return refused('not_found', `${control.action}: no run ${JSON.stringify(runId)}`);
    const what = `run.${control.action}`;
    const why = controlRefusal(principal, { id: runId, kind: run.kind, owner: run.owner }, control);
    if (why) {
      trust.record(principal, what, runId, 'denied', control.action === 'inject' ? { kind: control.kind } : null);
      return refused('forbidden', `${control.action}: ${why}`);
    }
    const result = manager.control(runId, control);
    trust.record(principal, what, runId, result.ok ? 'ok' : 'failed', control.action === 'inject' ? { kind: control.kind, params: control.params } : control.action === 'seek' ? { simTimeMs: control.simTimeMs } : control.action === 'speed' ? { factor: control.factor } : null);
    return result;
  }

  on('createRun', (r, principal) => {
    const made = manager.createRun(r, { owner: principal.kind === 'user' ? principal.username : null });
    trust.record(principal, 'run.start', made.ok ? made.result.runId : r.scenarioId, made.ok ? 'ok' : 'failed', { scenarioId: r.scenarioId, seed: r.seed ?? null });
    return made;
  });
  on('join', (r, principal) => {
    const state = manager.runState(r.runId);
    if (!state) return { ok: false, error: { code: 'not_found', message: `join: no run ${JSON.stringify(r.runId)}` } };
    const limited = catchUps.take('');
    if (!limited.ok) return { ok: false, error: rateLimitedError('join', limited.retryAfterS) };
    audiences.join(socket, r.runId);
    if (!socket.data.runIds.includes(r.runId)) socket.data.runIds.push(r.runId);
    const view = trust.view(principal);
    const masked = DATA_LAYER_IDS.filter((id) => view[id].access === 'masked');
    if (masked.length > 0) trust.record(principal, 'layer.read', `${masked.join(',')} run ${r.runId}`, 'ok', { masked: true, via: 'socket' });
    // The late joiner's keyframe goes before the ack, so deltas that follow apply on top of it.
    sendCatchUp(r.runId, manager.catchUp(r.runId)?.messages ?? []);
    return { ok: true, result: state };
  });
  on('leave', (r) => {
    audiences.leave(socket, r.runId);
    socket.data.runIds = socket.data.runIds.filter((id) => id !== r.runId);
    return { ok: true, result: null };
  });
  on('keyframe', (r) => {
    const limited = catchUps.take('');
    if (!limited.ok) return { ok: false, error: rateLimitedError('keyframe', limited.retryAfterS) };
    if (!socket.data.runIds.includes(r.runId)) return refused('not_joined', `keyframe: join run ${JSON.stringify(r.runId)} first`);
    const catchUp = manager.catchUp(r.runId);
    if (!catchUp) return { ok: false, error: { code: 'not_found', message: `keyframe: no run ${JSON.stringify(r.runId)}` } };
    sendCatchUp(r.runId, catchUp.messages);
    return { ok: true, result: { sequence: catchUp.sequence } };
  });
  on('play', (r, p) => act(p, r.runId, { action: 'play' }));
  on('pause', (r, p) => act(p, r.runId, { action: 'pause' }));
  on('stop', (r, p) => act(p, r.runId, { action: 'stop' }));
  on('speed', (r, p) => act(p, r.runId, { action: 'speed', factor: r.factor }));
  on('seek', (r, p) => act(p, r.runId, { action: 'seek', simTimeMs: r.simTimeMs }));
  on('inject', (r, p) => act(p, r.runId, { action: 'inject', kind: r.kind, params: r.params, ...(r.repeat ? { repeat: r.repeat } : {}) }));
}

function refused(code: string, message: string): { ok: false; error: { code: string; message: string } } {
  return { ok: false, error: { code, message } };
}

function runIdOf(request: unknown): string {
  const id = (request as { runId?: unknown; scenarioId?: unknown }).runId ?? (request as { scenarioId?: unknown }).scenarioId;
  return typeof id === 'string' ? id : '';
}
