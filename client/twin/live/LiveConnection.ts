/**
 * The client end of the live stream: one Socket.IO connection (handshake `auth: createHello()`),
 * reconnection, the joined run's object frames decoded into LiveObjects, run events into the
 * LiveStore, stale detection, and acked run controls; the layers (client/layers) hear the joined
 * run's messages of their own (link frames, summaries, grids) through `onRunMessage`. Knows
 * nothing of Cesium, Three or React.
 */
import { ackSchema, createHello } from '../../../server/protocol/controls.ts';
import type { Ack, Hello, InjectAnswer } from '../../../server/protocol/controls.ts';
import { RunStateEvent, parseServerEvent } from '../../../server/protocol/events.ts';
import type { ServerEvent, SpeedFactor } from '../../../server/protocol/events.ts';
import { ObjectFrameDecoder } from '../../../server/protocol/ObjectFrameDecoder.ts';
import type { ProtocolError } from '../../../server/protocol/ProtocolError.ts';
import { LiveObjects } from './LiveObjects.ts';
import type { LiveStore } from './LiveStore.ts';
import { parseRunList } from './runList.ts';

/** No frame for this long while a run plays (or any time disconnected) marks the data stale. */
export const STALE_AFTER_MS = 3000;
const STALE_CHECK_MS = 500;
const ACK_TIMEOUT_MS = 8000;
const KEYFRAME_RETRY_MS = 2000;

/** The part of a socket.io-client Socket we use (a fake in unit tests). */
export interface LiveSocket {
  on(event: string, listener: (...args: never[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  disconnect(): unknown;
  /** True while the socket will try to reconnect by itself. */
  readonly active: boolean;
}

export interface LiveConnectionOptions {
  store: LiveStore;
  /** Opens the socket with the handshake payload (in the app: socket.io-client's `io(url, { auth })`). */
  openSocket: (hello: Hello) => LiveSocket;
  /** GET /api/runs; resolves with the parsed JSON body. */
  fetchRuns?: () => Promise<unknown>;
  /** POST /api/runs `{ replayOf }`; resolves with the new run's summary (its `state.runId` is joined). */
  createReplay?: (recordingId: number) => Promise<unknown>;
  /** Wall clock, epoch milliseconds (fake in tests). */
  now?: () => number;
  locale?: 'zh-CN' | 'en';
}

type RunControl = 'play' | 'pause' | 'speed' | 'seek' | 'stop';
type RunMessageListener = (payload: unknown) => void;
const RunAck = ackSchema(RunStateEvent);

/** Connection, decoded state and controls of one client. */
export class LiveConnection {
  readonly objects = new LiveObjects();
  readonly store: LiveStore;
  private readonly decoder = new ObjectFrameDecoder();
  private readonly now: () => number;
  private readonly options: LiveConnectionOptions;
  private socket: LiveSocket | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastDataMs: number | null = null;
  private keyframeAskedMs: number | null = null;
  /** The next keyframe jumps instead of gliding (after a join or a seek). */
  private snapNext = true;
  /** The layers' listeners by the message they hear, and those told of a run switch. */
  private readonly runMessages = new Map<string, Set<RunMessageListener>>();
  private readonly runSwitches = new Set<() => void>();
  private readonly runEvents = new Set<(event: ServerEvent) => void>();
  /** Listeners of socket events that are not per-run messages (e.g. `drill`), and of each (re)connect. */
  private readonly socketEvents = new Map<string, Set<(...args: unknown[]) => void>>();
  private readonly connects = new Set<() => void>();
  /** Frames decoded and keyframes asked for, for tests and the benchmark. */
  readonly stats = { frames: 0, keyframeRequests: 0, rejected: 0 };

  constructor(options: LiveConnectionOptions) {
    this.options = options;
    this.store = options.store;
    this.now = options.now ?? (() => Date.now());
  }

  /** Opens the socket (idempotent) and starts the stale check. */
  connect(): void {
    if (this.socket) return;
    const socket = this.options.openSocket(createHello({ client: 'yingcheng-twin-web', locale: this.options.locale }));
    this.socket = socket;
    this.store.update({ connection: 'connecting', connectionError: null });
    socket.on('connect', () => {
      this.lastDataMs ??= this.now();
      this.store.update({ connection: 'connected', connectionError: null });
      // A (re)connected socket is in no room: join again; the decoder must start from a keyframe.
      this.join(this.store.getState().runId);
      for (const listener of [...this.connects]) listener();
    });
    socket.on('disconnect', (reason: string) => {
      const manual = reason === 'io client disconnect';
      this.store.update({ connection: manual || !socket.active ? 'disconnected' : 'reconnecting' });
      this.checkStale();
    });
    socket.on('connect_error', (error: Error) => {
      this.store.update({ connection: socket.active ? 'reconnecting' : 'disconnected', connectionError: error.message });
      this.checkStale();
    });
    socket.on('event', (raw: unknown) => this.onEvent(raw));
    socket.on('objects', (runId: string, frame: unknown) => this.onObjects(runId, frame));
    for (const event of this.runMessages.keys()) this.listen(socket, event);
    for (const event of this.socketEvents.keys()) this.listenSocket(socket, event);
    this.timer = setInterval(() => this.checkStale(), STALE_CHECK_MS);
    void this.refreshRuns();
  }

  /** Closes the socket and stops the timer. */
  dispose(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.socket?.disconnect();
    this.socket = null;
  }

  /**
   * Calls `listener` with the payload of every `event` message (e.g. 'links') the server sends for
   * the joined run, from now on; returns the function that stops it.
   */
  onRunMessage(event: string, listener: RunMessageListener): () => void {
    return this.addListener(this.runMessages, event, listener, (socket) => this.listen(socket, event));
  }

  /** Calls `listener` with every JSON event of the joined run (an alert, a dispatch…), validated; returns the function that stops it. */
  onRunEvent(listener: (event: ServerEvent) => void): () => void {
    this.runEvents.add(listener);
    return () => {
      this.runEvents.delete(listener);
    };
  }

  /**
   * Calls `listener` with the arguments of every `event` the server sends that is not a per-run
   * message (e.g. `drill`), from now on; returns the function that stops it.
   */
  onSocketEvent(event: string, listener: (...args: unknown[]) => void): () => void {
    return this.addListener(this.socketEvents, event, listener, (socket) => this.listenSocket(socket, event));
  }

  /** Calls `listener` on each (re)connect of the socket (after the run is joined again); returns the stop. */
  onConnect(listener: () => void): () => void {
    this.connects.add(listener);
    return () => {
      this.connects.delete(listener);
    };
  }

  /** True while the socket is connected (requests can be sent). */
  get connected(): boolean {
    return this.socket !== null && this.store.getState().connection === 'connected';
  }

  /** Calls `listener` whenever the stream switches to another run (what was heard of the last one is stale); returns the stop. */
  onRunSwitch(listener: () => void): () => void {
    this.runSwitches.add(listener);
    return () => {
      this.runSwitches.delete(listener);
    };
  }

  /** Switches the stream to run `runId`: leaves the current run, forgets its objects (and tells the layers), joins. */
  switchRun(runId: string): void {
    const previous = this.store.getState().runId;
    if (previous !== runId && this.socket) this.socket.emit('leave', { runId: previous }, () => undefined);
    this.decoder.reset();
    this.objects.clear();
    for (const listener of [...this.runSwitches]) listener();
    this.store.update({ runId, run: null, frameSimTimeMs: null, controlError: null });
    this.join(runId);
  }

  /** Starts a replay of a finished recording on the server and switches the stream to it. */
  async openRecording(recordingId: number): Promise<boolean> {
    if (!this.options.createReplay) return false;
    try {
      const made: unknown = await this.options.createReplay(recordingId);
      const runId = (made as { state?: { runId?: unknown } } | null)?.state?.runId;
      if (typeof runId !== 'string' || runId === '') throw new Error('the answer has no state.runId');
      this.switchRun(runId);
      void this.refreshRuns();
      return true;
    } catch (err) {
      this.store.update({ controlError: { code: 'replay_failed', message: `POST /api/runs: ${(err as Error).message}` } });
      return false;
    }
  }

  /** Reloads the run list from the server. */
  async refreshRuns(): Promise<void> {
    if (!this.options.fetchRuns) return;
    try {
      const parsed = parseRunList(await this.options.fetchRuns());
      if (parsed.ok) this.store.update({ runs: parsed.runs, runsError: null });
      else this.store.update({ runsError: parsed.message });
    } catch (err) {
      this.store.update({ runsError: `GET /api/runs: ${(err as Error).message}` });
    }
  }

  play(): Promise<boolean> {
    return this.control('play', {});
  }

  pause(): Promise<boolean> {
    return this.control('pause', {});
  }

  setSpeed(factor: SpeedFactor): Promise<boolean> {
    return this.control('speed', { factor });
  }

  /** Seeks to `simTimeMs` since the run's start. */
  seek(simTimeMs: number): Promise<boolean> {
    return this.control('seek', { simTimeMs: Math.max(0, Math.round(simTimeMs)) });
  }

  /**
   * Sends an inject (e.g. "traffic.close_link") to the joined run. Resolves with the id of what it
   * started when it starts something (a release: "release-1"), else the inject's id; null when
   * refused (the reason, naming the field, goes to the store's controlError).
   */
  async inject(kind: string, params: Record<string, unknown>): Promise<string | null> {
    const runId = this.store.getState().runId;
    const ack = (await this.request('inject', { runId, kind, params })) as Ack<InjectAnswer> | null;
    if (!ack || typeof ack !== 'object' || !('ok' in ack)) {
      this.store.update({ controlError: { code: 'bad_ack', message: 'LiveConnection: inject: the server answered with an unexpected ack' } });
      return null;
    }
    if (!ack.ok) {
      this.store.update({ controlError: ack.error });
      return null;
    }
    this.store.update({ controlError: null });
    return ack.result.id ?? ack.result.injectId;
  }

  /** Interpolated objects for the wall time now (what views call once per drawn frame). */
  sample(): LiveObjects {
    this.objects.sample(this.now());
    return this.objects;
  }

  private listen(socket: LiveSocket, event: string): void {
    socket.on(event, (runId: string, payload: unknown) => {
      if (runId !== this.store.getState().runId) return;
      for (const listener of [...(this.runMessages.get(event) ?? [])]) listener(payload);
    });
  }

  /** Adds `listener` to `event`'s set in `map`; the first one of an event starts listening on the socket (and on each new one, see connect). */
  private addListener<L>(map: Map<string, Set<L>>, event: string, listener: L, listen: (socket: LiveSocket) => void): () => void {
    let listeners = map.get(event);
    if (!listeners) {
      map.set(event, (listeners = new Set()));
      if (this.socket) listen(this.socket);
    }
    const mine = listeners;
    mine.add(listener);
    return () => {
      mine.delete(listener);
    };
  }

  private listenSocket(socket: LiveSocket, event: string): void {
    socket.on(event, (...args: unknown[]) => {
      for (const listener of [...(this.socketEvents.get(event) ?? [])]) listener(...args);
    });
  }

  private join(runId: string): void {
    // Not connected yet: the 'connect' handler joins the chosen run.
    if (!this.socket || this.store.getState().connection !== 'connected') return;
    this.decoder.reset();
    this.snapNext = true;
    this.request('join', { runId }).then((ack) => {
      if (runId !== this.store.getState().runId) return;
      const parsed = RunAck.safeParse(ack);
      if (!parsed.success) {
        this.store.update({ controlError: { code: 'bad_ack', message: 'LiveConnection: join: the server answered with an unexpected ack' } });
        return;
      }
      if (!parsed.data.ok) {
        this.store.update({ controlError: parsed.data.error });
        return;
      }
      this.store.update({ run: parsed.data.result, controlError: null });
      // The server may already have sent a snapshot; asking again is cheap and covers a server that did not.
      if (this.decoder.sequence === 0) this.askKeyframe();
    });
  }

  private async control(name: RunControl, extra: Record<string, unknown>): Promise<boolean> {
    const runId = this.store.getState().runId;
    const ack = await this.request(name, { runId, ...extra });
    const parsed = RunAck.safeParse(ack);
    if (!parsed.success) {
      this.store.update({ controlError: { code: 'bad_ack', message: `LiveConnection: ${name}: the server answered with an unexpected ack` } });
      return false;
    }
    if (!parsed.data.ok) {
      this.store.update({ controlError: parsed.data.error });
      return false;
    }
    // After a seek the clock shows the target until the first frame from there arrives.
    if (name === 'seek') this.snapNext = true;
    this.store.update({ run: parsed.data.result, controlError: null, ...(name === 'seek' ? { frameSimTimeMs: null } : {}) });
    return true;
  }

  /** Emits a request and resolves with its ack, or a `timeout`/`disconnected` error ack (`{ ok: false, error }`). */
  request(name: string, payload: Record<string, unknown>): Promise<unknown> {
    const socket = this.socket;
    if (!socket || this.store.getState().connection !== 'connected') {
      return Promise.resolve(failure('disconnected', `LiveConnection: ${name}: not connected to the server`));
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(failure('timeout', `LiveConnection: ${name}: no answer from the server within ${ACK_TIMEOUT_MS / 1000} s`)), ACK_TIMEOUT_MS);
      socket.emit(name, payload, (ack: unknown) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
  }

  private askKeyframe(): void {
    const now = this.now();
    if (this.keyframeAskedMs !== null && now - this.keyframeAskedMs < KEYFRAME_RETRY_MS) return;
    this.keyframeAskedMs = now;
    this.stats.keyframeRequests++;
    void this.request('keyframe', { runId: this.store.getState().runId }).then(() => {
      this.keyframeAskedMs = null;
    });
  }

  private onObjects(runId: string, frame: unknown): void {
    if (runId !== this.store.getState().runId) return;
    const result = this.decoder.decode(frame);
    if (!result.ok) {
      this.stats.rejected++;
      // A lost delta: ask for a keyframe rather than wait up to the keyframe interval.
      if (result.error.code === 'frame_sequence') this.askKeyframe();
      else console.warn(result.error.message);
      return;
    }
    const now = this.now();
    const snap = this.snapNext && result.frame.type === 'keyframe';
    if (snap) this.snapNext = false;
    this.objects.apply(result.state, result.frame.simTimeMs, result.frame.sequence, now, snap);
    this.stats.frames++;
    this.lastDataMs = now;
    this.store.update({ frameSimTimeMs: result.frame.simTimeMs, staleSinceMs: null });
  }

  private onEvent(raw: unknown): void {
    const parsed = parseServerEvent(raw);
    if (!parsed.ok) {
      console.warn(parsed.error.message);
      return;
    }
    const event = parsed.event;
    if (event.runId === this.store.getState().runId) for (const listener of [...this.runEvents]) listener(event);
    if (event.type === 'runState' && event.runId === this.store.getState().runId) {
      const before = this.store.getState().run?.simTimeMs;
      if (before !== event.simTimeMs && event.status !== 'playing') this.snapNext = true;
      // A run that starts over (the live baseline's next day on the wall clock has a new date) may have a new startEpochMs.
      if (before !== undefined && event.simTimeMs < before) void this.refreshRuns();
      this.store.update({ run: event });
    }
  }

  /** Marks the data stale when no frame came for STALE_AFTER_MS while a run plays, or while disconnected. */
  checkStale(): void {
    const s = this.store.getState();
    const now = this.now();
    const since = this.lastDataMs ?? now;
    let stale: boolean;
    if (s.connection !== 'connected') stale = s.connection !== 'connecting';
    // A paused or finished run sends no frames and is not stale.
    else stale = (s.run === null || s.run.status === 'playing') && now - since > STALE_AFTER_MS;
    this.store.update({ staleSinceMs: stale ? since : null });
  }
}

function failure(code: string, message: string): Ack<never> {
  const error: ProtocolError = { code, message };
  return { ok: false, error };
}
