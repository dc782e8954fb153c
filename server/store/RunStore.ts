import Database from 'better-sqlite3';
import { openSqlite, resolveSqliteFile } from './openSqlite.ts';
import { compressFrame, type FrameCodec } from './frameCodec.ts';
import { Replay, type FrameKind } from './Replay.ts';
import { migrate, SCHEMA_VERSION } from './schema.ts';

/** The store's file name inside the data directory. */
export const STORE_FILE = 'twin.sqlite';

/** Where a run stands. "interrupted": the server stopped (or died) while it was running. */
export type RunStatus = 'running' | 'finished' | 'failed' | 'interrupted';

/** A run as stored. Counts and sizes cover what has been flushed. */
export interface RunInfo {
  id: number;
  scenarioId: string;
  seed: number;
  city: string;
  /** Wall clock, epoch ms. */
  createdAt: number;
  /** Wall clock, epoch ms; null while running. */
  finishedAt: number | null;
  status: RunStatus;
  /** The wall-clock instant (epoch ms) that sim time 0 stands for. */
  startEpochMs: number;
  /** Sim time the run covered; null while running. */
  durationMs: number | null;
  params: unknown;
  /** Retention never deletes a kept run (e.g. the live baseline). */
  keep: boolean;
  frameCount: number;
  eventCount: number;
  /** Compressed frames plus event JSON, in bytes: what retention's maxBytes counts. */
  storedBytes: number;
  lastSimTimeMs: number;
}

/** What createRun needs. */
export interface NewRun {
  scenarioId: string;
  seed: number;
  city: string;
  startEpochMs: number;
  params?: unknown;
  keep?: boolean;
}

/** A frame to record: opaque bytes from server/protocol's encoders. */
export interface FrameInput {
  simTimeMs: number;
  kind: FrameKind;
  layer: string;
  bytes: Uint8Array;
}

/** A JSON event to record. */
export interface EventInput {
  simTimeMs: number;
  type: string;
  data?: unknown;
}

/** A recorded event, data parsed back from JSON. */
export interface RecordedEvent {
  seq: number;
  simTimeMs: number;
  type: string;
  data: unknown;
}

/** Retention limits; either may be left out. */
export interface PruneOptions {
  /** Deletes finished runs that finished longer ago than this. */
  maxAgeMs?: number;
  /** Deletes the oldest finished runs until all runs' storedBytes sum to at most this. */
  maxBytes?: number;
}

export interface PruneResult {
  deletedRunIds: number[];
  /** Sum of storedBytes over the runs left. */
  storedBytes: number;
}

export interface RunStoreOptions {
  /**
   * Flushes buffered frames and events on a timer this often (ms). Default 1000: a crash loses at
   * most about the last second. 0: no timer, the caller calls flush() at least once a second.
   */
  flushIntervalMs?: number;
  /** Opens for reading only (a tool beside a running server): no migration, no recovery, no writes. */
  readonly?: boolean;
  /** Wall clock, epoch ms (tests). */
  now?: () => number;
}

interface RunRow {
  id: number;
  scenario_id: string;
  seed: number;
  city: string;
  created_at: number;
  finished_at: number | null;
  status: RunStatus;
  start_epoch_ms: number;
  duration_ms: number | null;
  params: string;
  keep: number;
  frame_count: number;
  event_count: number;
  stored_bytes: number;
  last_sim_time_ms: number;
}

interface PendingFrame {
  runId: number;
  seq: number;
  simTimeMs: number;
  kind: FrameKind;
  layer: string;
  codec: FrameCodec;
  data: Uint8Array;
  rawSize: number;
}

interface PendingEvent {
  runId: number;
  seq: number;
  simTimeMs: number;
  type: string;
  json: string;
}

/** A run this store is recording. */
interface LiveRun {
  nextFrameSeq: number;
  nextEventSeq: number;
  lastFrameSimTimeMs: number;
  lastSimTimeMs: number;
}

const FRAME_KINDS: readonly FrameKind[] = ['keyframe', 'delta', 'grid'];
/** Buffered bytes that force a flush before the timer, so a burst cannot grow memory unbounded. */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/**
 * Runs, their JSON events and their binary frames in one SQLite file (`<dataDir>/twin.sqlite`,
 * WAL mode). Recording is buffered and written in one transaction per flush, so the sim never
 * waits on the disk for each frame; a killed server loses at most the last flush interval and the
 * file opens cleanly afterwards. One server process writes a store; others may open it readonly.
 */
export class RunStore {
  /** The SQLite file. */
  readonly file: string;
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly isReadonly: boolean;
  private readonly live = new Map<number, LiveRun>();
  private pendingFrames: PendingFrame[] = [];
  private pendingEvents: PendingEvent[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly stmt: ReturnType<RunStore['prepareStatements']>;

  /**
   * Opens (creating if needed) the store. `location` is the data directory, or a file path ending
   * in .sqlite or .db, or ":memory:". Throws a clear error naming the file if it is not a SQLite
   * database or was written by a newer server.
   */
  constructor(location: string, options: RunStoreOptions = {}) {
    this.file = resolveSqliteFile(location, STORE_FILE);
    this.now = options.now ?? Date.now;
    this.isReadonly = options.readonly ?? false;
    this.db = openSqlite(this.file, 'RunStore', { readonly: this.isReadonly }, (db) => this.setUp(db));
    this.stmt = this.prepareStatements();
    if (!this.isReadonly) this.markInterrupted();

    const interval = options.flushIntervalMs ?? 1000;
    if (!this.isReadonly && interval > 0) {
      this.timer = setInterval(() => this.backgroundFlush(), interval);
      // The timer alone must not keep a finished process alive.
      this.timer.unref();
    }
  }

  /** Starts a run and returns it; record into it until finishRun. */
  createRun(run: NewRun): RunInfo {
    this.checkWritable();
    if (!Number.isSafeInteger(run.seed)) throw new Error(`RunStore: seed must be an integer, got ${run.seed}`);
    if (!Number.isSafeInteger(run.startEpochMs)) {
      throw new Error(`RunStore: startEpochMs must be an integer, got ${run.startEpochMs}`);
    }
    const id = Number(
      this.stmt.insertRun.run(
        run.scenarioId,
        run.seed,
        run.city,
        this.now(),
        run.startEpochMs,
        JSON.stringify(run.params ?? {}),
        run.keep ? 1 : 0,
      ).lastInsertRowid,
    );
    this.live.set(id, { nextFrameSeq: 0, nextEventSeq: 0, lastFrameSimTimeMs: 0, lastSimTimeMs: 0 });
    return this.getRun(id);
  }

  /**
   * Buffers a frame (compressed now; `bytes` may be reused once this returns) and returns its seq.
   * Sim time must not go backwards within a run.
   */
  recordFrame(runId: number, frame: FrameInput): number {
    const run = this.liveRun(runId);
    checkSimTime(frame.simTimeMs);
    if (frame.simTimeMs < run.lastFrameSimTimeMs) {
      throw new Error(
        `RunStore: run ${runId} frame at ${frame.simTimeMs} ms is before the previous one at ${run.lastFrameSimTimeMs} ms`,
      );
    }
    if (!FRAME_KINDS.includes(frame.kind)) throw new Error(`RunStore: unknown frame kind ${String(frame.kind)}`);
    const { codec, data } = compressFrame(frame.bytes);
    const seq = run.nextFrameSeq++;
    run.lastFrameSimTimeMs = frame.simTimeMs;
    run.lastSimTimeMs = Math.max(run.lastSimTimeMs, frame.simTimeMs);
    this.pendingFrames.push({
      runId,
      seq,
      simTimeMs: frame.simTimeMs,
      kind: frame.kind,
      layer: frame.layer,
      codec,
      data,
      rawSize: frame.bytes.byteLength,
    });
    this.pendingBytes += data.byteLength;
    if (this.pendingBytes > MAX_PENDING_BYTES) this.flush();
    return seq;
  }

  /** Buffers an event (its data is serialized now) and returns its seq. */
  recordEvent(runId: number, event: EventInput): number {
    const run = this.liveRun(runId);
    checkSimTime(event.simTimeMs);
    const json = JSON.stringify(event.data ?? null);
    const seq = run.nextEventSeq++;
    run.lastSimTimeMs = Math.max(run.lastSimTimeMs, event.simTimeMs);
    this.pendingEvents.push({ runId, seq, simTimeMs: event.simTimeMs, type: event.type, json });
    this.pendingBytes += json.length;
    if (this.pendingBytes > MAX_PENDING_BYTES) this.flush();
    return seq;
  }

  /** Writes everything buffered in one transaction. Cheap when nothing is buffered. */
  flush(): void {
    this.checkOpen();
    if (this.pendingFrames.length === 0 && this.pendingEvents.length === 0) return;
    const frames = this.pendingFrames;
    const events = this.pendingEvents;
    this.db.transaction(() => {
      const stats = new Map<number, { frames: number; events: number; bytes: number; last: number }>();
      const statsOf = (runId: number) => {
        let s = stats.get(runId);
        if (!s) stats.set(runId, (s = { frames: 0, events: 0, bytes: 0, last: 0 }));
        return s;
      };
      for (const f of frames) {
        this.stmt.insertFrame.run(f.runId, f.seq, f.simTimeMs, f.kind, f.layer, f.codec, f.data, f.rawSize);
        const s = statsOf(f.runId);
        s.frames++;
        s.bytes += f.data.byteLength;
        s.last = Math.max(s.last, f.simTimeMs);
      }
      for (const e of events) {
        this.stmt.insertEvent.run(e.runId, e.seq, e.simTimeMs, e.type, e.json);
        const s = statsOf(e.runId);
        s.events++;
        s.bytes += e.json.length;
        s.last = Math.max(s.last, e.simTimeMs);
      }
      for (const [runId, s] of stats) this.stmt.addStats.run(s.frames, s.events, s.bytes, s.last, runId);
    })();
    // Cleared only after the commit: if it throws (disk full), the next flush retries the same rows.
    this.pendingFrames = [];
    this.pendingEvents = [];
    this.pendingBytes = 0;
  }

  /** Flushes and closes a run; durationMs defaults to the last sim time recorded. */
  finishRun(runId: number, end: { status?: 'finished' | 'failed'; durationMs?: number } = {}): RunInfo {
    const run = this.liveRun(runId);
    this.flush();
    this.stmt.finishRun.run(end.status ?? 'finished', this.now(), end.durationMs ?? run.lastSimTimeMs, runId);
    this.live.delete(runId);
    return this.getRun(runId);
  }

  /** Runs, newest first. */
  listRuns(filter: { status?: RunStatus; limit?: number } = {}): RunInfo[] {
    this.checkOpen();
    const rows = this.stmt.listRuns.all({ status: filter.status ?? null, limit: filter.limit ?? -1 });
    return rows.map(toRunInfo);
  }

  /** One run; throws if there is no such run. */
  getRun(runId: number): RunInfo {
    this.checkOpen();
    const row = this.stmt.getRun.get(runId);
    if (!row) throw new Error(`RunStore: unknown run ${runId}`);
    return toRunInfo(row);
  }

  /** A replay of a run's frames, finished or still recording (up to what is flushed). */
  openReplay(runId: number): Replay {
    this.getRun(runId);
    return new Replay(this.db, runId, () => this.checkOpen());
  }

  /** A run's flushed events with fromMs ≤ sim time < toMs, in order. */
  eventsBetween(runId: number, fromMs: number, toMs: number): RecordedEvent[] {
    this.getRun(runId);
    return this.stmt.eventsBetween.all(runId, fromMs, toMs).map((r) => ({
      seq: r.seq,
      simTimeMs: r.sim_time_ms,
      type: r.type,
      data: JSON.parse(r.data) as unknown,
    }));
  }

  /** A run's last flushed event of `type` at or before sim time `atMs` (a replay seeking wants the figures there), or undefined. */
  lastEvent(runId: number, type: string, atMs: number): RecordedEvent | undefined {
    this.getRun(runId);
    const r = this.stmt.lastEvent.get(runId, atMs, type);
    return r && { seq: r.seq, simTimeMs: r.sim_time_ms, type: r.type, data: JSON.parse(r.data) as unknown };
  }

  /**
   * Deletes whole runs, oldest first, until within the limits: never a running run, never a kept
   * one. Then returns the freed pages to the file system, so the file shrinks.
   */
  prune(limits: PruneOptions): PruneResult {
    this.checkWritable();
    this.flush();
    const deleted: number[] = [];
    const candidates = this.stmt.pruneCandidates.all();
    let total = this.stmt.totalBytes.get() ?? 0;
    const cutoff = limits.maxAgeMs === undefined ? -Infinity : this.now() - limits.maxAgeMs;
    this.db.transaction(() => {
      for (const c of candidates) {
        const tooOld = c.finished_at < cutoff;
        const tooBig = limits.maxBytes !== undefined && total > limits.maxBytes;
        if (!tooOld && !tooBig) continue;
        this.deleteRows(c.id);
        total -= c.stored_bytes;
        deleted.push(c.id);
      }
    })();
    if (deleted.length > 0) this.shrink();
    return { deletedRunIds: deleted, storedBytes: total };
  }

  /**
   * Deletes one run (its frames, events and row), kept or not, and shrinks the file; false when
   * there is no such run. Throws for a run still recording: finish it first.
   */
  deleteRun(runId: number): boolean {
    this.checkWritable();
    if (this.live.has(runId)) throw new Error(`RunStore: run ${runId} is still recording; finish it before deleting it`);
    if (!this.stmt.getRun.get(runId)) return false;
    this.db.transaction(() => this.deleteRows(runId))();
    this.shrink();
    return true;
  }

  /**
   * Flushes, marks runs still recording as interrupted, stops the timer and closes the file.
   * Calling it again does nothing.
   */
  close(): void {
    if (this.closed) return;
    clearInterval(this.timer);
    try {
      if (!this.isReadonly) {
        this.flush();
        for (const runId of this.live.keys()) this.stmt.interruptRun.run(this.now(), runId);
        this.live.clear();
      }
    } finally {
      this.closed = true;
      this.db.close();
    }
  }

  private setUp(db: Database.Database): void {
    // The first read: it fails here, with SQLITE_NOTADB, if the file is something else.
    const empty = db.prepare(`SELECT count(*) FROM sqlite_schema`).pluck().get() === 0;
    if (this.isReadonly) {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version !== SCHEMA_VERSION) {
        throw new Error(
          `RunStore: ${this.file} has schema version ${version}, this server reads ${SCHEMA_VERSION}; open it read-write once to migrate`,
        );
      }
    } else {
      // auto_vacuum can only be chosen before the first table exists.
      if (empty) db.pragma('auto_vacuum = INCREMENTAL');
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a committed flush survives the process being killed; only a power
      // cut may lose the last commits. FULL would fsync every flush for little gain here.
      db.pragma('synchronous = NORMAL');
      migrate(db, this.file);
    }
    db.pragma('foreign_keys = ON');
    // Another process's checkpoint may hold a lock for a moment.
    db.pragma('busy_timeout = 5000');
  }

  private prepareStatements() {
    const db = this.db;
    const ro = this.isReadonly;
    // Write statements cannot be prepared on a readonly connection; they are never used there.
    const w = <P extends unknown[], R = unknown>(sql: string) =>
      (ro ? undefined : db.prepare<P, R>(sql)) as Database.Statement<P, R>;
    return {
      insertRun: w<[string, number, string, number, number, string, number]>(
        `INSERT INTO runs (scenario_id, seed, city, created_at, status, start_epoch_ms, params, keep)
         VALUES (?, ?, ?, ?, 'running', ?, ?, ?)`,
      ),
      insertFrame: w<[number, number, number, string, string, number, Uint8Array, number]>(
        `INSERT INTO frames (run_id, seq, sim_time_ms, kind, layer, codec, bytes, raw_size) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertEvent: w<[number, number, number, string, string]>(
        `INSERT INTO events (run_id, seq, sim_time_ms, type, data) VALUES (?, ?, ?, ?, ?)`,
      ),
      addStats: w<[number, number, number, number, number]>(
        `UPDATE runs SET frame_count = frame_count + ?, event_count = event_count + ?,
           stored_bytes = stored_bytes + ?, last_sim_time_ms = max(last_sim_time_ms, ?) WHERE id = ?`,
      ),
      finishRun: w<[string, number, number, number]>(
        `UPDATE runs SET status = ?, finished_at = ?, duration_ms = ? WHERE id = ?`,
      ),
      interruptRun: w<[number, number]>(
        `UPDATE runs SET status = 'interrupted', finished_at = ?, duration_ms = last_sim_time_ms WHERE id = ?`,
      ),
      pruneCandidates: w<[], { id: number; finished_at: number; stored_bytes: number }>(
        `SELECT id, finished_at, stored_bytes FROM runs
         WHERE status <> 'running' AND keep = 0 ORDER BY created_at, id`,
      ),
      deleteFrames: w<[number]>(`DELETE FROM frames WHERE run_id = ?`),
      deleteEvents: w<[number]>(`DELETE FROM events WHERE run_id = ?`),
      deleteRun: w<[number]>(`DELETE FROM runs WHERE id = ?`),
      totalBytes: db.prepare<[], number>(`SELECT coalesce(sum(stored_bytes), 0) FROM runs`).pluck(),
      getRun: db.prepare<[number], RunRow>(`SELECT * FROM runs WHERE id = ?`),
      listRuns: db.prepare<[{ status: string | null; limit: number }], RunRow>(
        `SELECT * FROM runs WHERE @status IS NULL OR status = @status ORDER BY created_at DESC, id DESC LIMIT @limit`,
      ),
      eventsBetween: db.prepare<
        [number, number, number],
        { seq: number; sim_time_ms: number; type: string; data: string }
      >(
        `SELECT seq, sim_time_ms, type, data FROM events
         WHERE run_id = ? AND sim_time_ms >= ? AND sim_time_ms < ? ORDER BY sim_time_ms, seq`,
      ),
      // Walks events_by_time backwards from the time: events are few per sim second.
      lastEvent: db.prepare<
        [number, number, string],
        { seq: number; sim_time_ms: number; type: string; data: string }
      >(
        `SELECT seq, sim_time_ms, type, data FROM events
         WHERE run_id = ? AND sim_time_ms <= ? AND type = ? ORDER BY sim_time_ms DESC, seq DESC LIMIT 1`,
      ),
    };
  }

  private deleteRows(runId: number): void {
    this.stmt.deleteFrames.run(runId);
    this.stmt.deleteEvents.run(runId);
    this.stmt.deleteRun.run(runId);
  }

  /** Returns freed pages to the file system. */
  private shrink(): void {
    if (this.file === ':memory:') return;
    this.db.pragma('incremental_vacuum');
    // The file shrinks when the WAL is checkpointed; do it now rather than at some later commit.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Runs left "running" by a server that stopped without finishing them. */
  private markInterrupted(): void {
    const now = this.now();
    this.db
      .prepare(
        `UPDATE runs SET status = 'interrupted', finished_at = ?, duration_ms = last_sim_time_ms WHERE status = 'running'`,
      )
      .run(now);
  }

  private backgroundFlush(): void {
    try {
      this.flush();
    } catch (err) {
      // Nothing is lost: the rows stay buffered and the next flush retries them.
      console.error(`RunStore: background flush to ${this.file} failed: ${(err as Error).message}`);
    }
  }

  private liveRun(runId: number): LiveRun {
    this.checkWritable();
    const run = this.live.get(runId);
    if (run) return run;
    const info = this.getRun(runId);
    throw new Error(`RunStore: run ${runId} is ${info.status}; only a run created by this store and not finished can be recorded to`);
  }

  private checkWritable(): void {
    this.checkOpen();
    if (this.isReadonly) throw new Error(`RunStore: ${this.file} is open readonly`);
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`RunStore: ${this.file} is closed`);
  }
}

/** `<dir>/twin.sqlite` for a data directory; a path ending in .sqlite/.db (or ":memory:") as it is. */
function checkSimTime(simTimeMs: number): void {
  if (!Number.isSafeInteger(simTimeMs) || simTimeMs < 0) {
    throw new Error(`RunStore: simTimeMs must be a non-negative integer, got ${simTimeMs}`);
  }
}

function toRunInfo(r: RunRow): RunInfo {
  return {
    id: r.id,
    scenarioId: r.scenario_id,
    seed: r.seed,
    city: r.city,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    status: r.status,
    startEpochMs: r.start_epoch_ms,
    durationMs: r.duration_ms,
    params: JSON.parse(r.params) as unknown,
    keep: r.keep === 1,
    frameCount: r.frame_count,
    eventCount: r.event_count,
    storedBytes: r.stored_bytes,
    lastSimTimeMs: r.last_sim_time_ms,
  };
}
