import type Database from 'better-sqlite3';
import { decompressFrame } from './frameCodec.ts';

/** What a recorded frame is: a full state, a change against the previous state, or a full raster. */
export type FrameKind = 'keyframe' | 'delta' | 'grid';

/** One frame as it was recorded. */
export interface ReplayFrame {
  /** Position in the run, from 0, without gaps. */
  seq: number;
  simTimeMs: number;
  kind: FrameKind;
  /** The engine layer that produced it (e.g. "traffic"). */
  layer: string;
  /** Exactly the bytes given to recordFrame. */
  bytes: Uint8Array;
}

interface FrameRow {
  seq: number;
  sim_time_ms: number;
  kind: FrameKind;
  layer: string;
  codec: number;
  bytes: Buffer;
  raw_size: number;
}

/** Rows read per query: small, so a replay holds little memory and never keeps a cursor open. */
const PAGE_SIZE = 64;

/**
 * Reads one run's frames in order, from the start or from a seek point. Works on a finished run and
 * on one still recording: `next()` returns undefined at the end of what has been flushed so far, and
 * later calls return frames flushed since. Pacing (which frames are due at a replay speed) is the
 * caller's: `takeUntil(simTimeMs)` gives the frames due by a replay clock.
 */
export class Replay {
  readonly runId: number;
  private readonly pageStmt: Database.Statement<[number, number, number], FrameRow>;
  private readonly basesStmt: Database.Statement<[number, number], { layer: string; seq: number }>;
  private readonly firstStmt: Database.Statement<[number], number | undefined>;
  private readonly checkOpen: () => void;
  /** Next seq to read from the file. */
  private cursor = 0;
  private page: FrameRow[] = [];
  /** After a seek: each layer's frames before its own keyframe are skipped (they need an older base). */
  private floors = new Map<string, number>();

  /** Made by RunStore.openReplay; `checkOpen` throws once the store is closed. */
  constructor(db: Database.Database, runId: number, checkOpen: () => void) {
    this.runId = runId;
    this.checkOpen = checkOpen;
    this.pageStmt = db.prepare(
      `SELECT seq, sim_time_ms, kind, layer, codec, bytes, raw_size FROM frames
       WHERE run_id = ? AND seq >= ? ORDER BY seq LIMIT ?`,
    );
    // `kind <> 'delta'` matches the partial index frames_bases.
    this.basesStmt = db.prepare(
      `SELECT layer, max(seq) AS seq FROM frames
       WHERE run_id = ? AND kind <> 'delta' AND sim_time_ms <= ? GROUP BY layer`,
    );
    this.firstStmt = db.prepare(`SELECT min(seq) FROM frames WHERE run_id = ?`).pluck() as Database.Statement<
      [number],
      number | undefined
    >;
  }

  /**
   * Positions the replay at the last keyframe (or grid, which is also complete) at or before
   * `simTimeMs`, per layer; the next frame returned is the earliest of those. Before the first
   * keyframe, positions at the run's start. The caller applies frames up to `simTimeMs` at once.
   */
  seek(simTimeMs: number): void {
    this.checkOpen();
    const bases = this.basesStmt.all(this.runId, simTimeMs);
    this.page = [];
    this.floors = new Map(bases.map((b) => [b.layer, b.seq]));
    if (bases.length === 0) {
      this.cursor = this.firstStmt.get(this.runId) ?? 0;
      return;
    }
    this.cursor = Math.min(...bases.map((b) => b.seq));
  }

  /** The next frame, or undefined when none has been flushed yet past the current position. */
  next(): ReplayFrame | undefined {
    const row = this.peekRow();
    if (row === undefined) return undefined;
    this.page.shift();
    return this.toFrame(row);
  }

  /** The sim time of the next frame, or undefined when none is flushed yet. */
  peekSimTimeMs(): number | undefined {
    return this.peekRow()?.sim_time_ms;
  }

  /** What the next frame is (its bytes left compressed), or undefined when none is flushed yet. */
  peek(): Omit<ReplayFrame, 'bytes'> | undefined {
    const row = this.peekRow();
    return row && { seq: row.seq, simTimeMs: row.sim_time_ms, kind: row.kind, layer: row.layer };
  }

  /** Every frame due by a replay clock at `simTimeMs` (sim time ≤ it), in order; leaves later ones. */
  takeUntil(simTimeMs: number): ReplayFrame[] {
    const out: ReplayFrame[] = [];
    for (let row = this.peekRow(); row !== undefined && row.sim_time_ms <= simTimeMs; row = this.peekRow()) {
      this.page.shift();
      out.push(this.toFrame(row));
    }
    return out;
  }

  /** Iterates the frames flushed so far from the current position. */
  *[Symbol.iterator](): IterableIterator<ReplayFrame> {
    for (let f = this.next(); f !== undefined; f = this.next()) yield f;
  }

  private peekRow(): FrameRow | undefined {
    this.checkOpen();
    for (;;) {
      if (this.page.length === 0) {
        this.page = this.pageStmt.all(this.runId, this.cursor, PAGE_SIZE);
        if (this.page.length === 0) return undefined;
        this.cursor = this.page[this.page.length - 1].seq + 1;
      }
      const row = this.page[0];
      const floor = this.floors.get(row.layer);
      if (floor === undefined || row.seq >= floor) return row;
      this.page.shift();
    }
  }

  private toFrame(row: FrameRow): ReplayFrame {
    const where = `run ${this.runId} frame ${row.seq}`;
    return {
      seq: row.seq,
      simTimeMs: row.sim_time_ms,
      kind: row.kind,
      layer: row.layer,
      bytes: decompressFrame(row.codec, row.bytes, row.raw_size, where),
    };
  }
}
