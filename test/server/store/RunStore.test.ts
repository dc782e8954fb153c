import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore, STORE_FILE, type FrameInput, type NewRun } from '../../../server/store/index.ts';
import type { FrameKind, ReplayFrame } from '../../../server/store/index.ts';
import { SCHEMA_VERSION } from '../../../server/store/schema.ts';

const RUN: NewRun = { scenarioId: 'baseline', seed: 7, city: 'pingdingshan', startEpochMs: 1_767_225_600_000 };

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Frames like an encoder's: varint-packed random walks, some incompressible, some tiny or empty. */
function randomFrames(count: number, seed: number): FrameInput[] {
  const r = rng(seed);
  const frames: FrameInput[] = [];
  let x = 0;
  for (let i = 0; i < count; i++) {
    const kind: FrameKind = i % 10 === 0 ? 'keyframe' : i % 7 === 3 ? 'grid' : 'delta';
    const size = i === 5 ? 0 : i % 11 === 4 ? 3 : Math.floor(r() * 5000);
    const bytes = new Uint8Array(size);
    for (let j = 0; j < size; j++) {
      x += Math.round((r() - 0.5) * 8);
      bytes[j] = i % 13 === 0 ? Math.floor(r() * 256) : x & 0x7f;
    }
    frames.push({ simTimeMs: i * 100, kind, layer: i % 3 === 0 ? 'environment' : 'traffic', bytes });
  }
  return frames;
}

describe('RunStore', () => {
  let dataDir: string;
  let store: RunStore;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-run-store-'));
    store = new RunStore(dataDir, { flushIntervalMs: 0 });
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps runs in <dataDir>/twin.sqlite, in WAL mode, and lists them newest first', () => {
    const a = store.createRun({ ...RUN, params: { closedRoad: 'r12' } });
    const b = store.createRun({ ...RUN, scenarioId: 'fire-drill', keep: true });
    expect(store.file).toBe(path.join(dataDir, STORE_FILE));
    expect(fs.existsSync(store.file)).toBe(true);
    expect(a).toMatchObject({ ...RUN, status: 'running', finishedAt: null, params: { closedRoad: 'r12' }, keep: false });
    expect(store.listRuns().map((r) => r.id)).toEqual([b.id, a.id]);
    expect(store.listRuns({ status: 'running', limit: 1 }).map((r) => r.id)).toEqual([b.id]);
    const db = new Database(store.file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2); // incremental
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('replays exactly the bytes recorded, in order, after the store is reopened', () => {
    const run = store.createRun(RUN);
    const frames = randomFrames(120, 1);
    const seqs = frames.map((f) => store.recordFrame(run.id, f));
    expect(seqs).toEqual(frames.map((_, i) => i));
    const finished = store.finishRun(run.id);
    expect(finished).toMatchObject({ status: 'finished', frameCount: 120, durationMs: 11_900 });
    expect(finished.storedBytes).toBeGreaterThan(0);
    store.close();

    store = new RunStore(dataDir, { flushIntervalMs: 0 });
    const replayed = [...store.openReplay(run.id)];
    expect(replayed.map((f) => f.seq)).toEqual(seqs);
    replayed.forEach((f, i) => {
      expect(f).toMatchObject({ simTimeMs: frames[i].simTimeMs, kind: frames[i].kind, layer: frames[i].layer });
      expect(Buffer.from(f.bytes).equals(frames[i].bytes)).toBe(true);
    });
  });

  it('does not depend on the caller keeping its buffer: bytes are copied when recorded', () => {
    const run = store.createRun(RUN);
    const buffer = new Uint8Array([1, 2, 3]);
    store.recordFrame(run.id, { simTimeMs: 0, kind: 'keyframe', layer: 'traffic', bytes: buffer });
    buffer.fill(9);
    store.flush();
    expect(store.openReplay(run.id).next()?.bytes).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('seeks to the last keyframe at or before a time, then plays on from there', () => {
    const run = store.createRun(RUN);
    for (let t = 0; t <= 6000; t += 100) {
      store.recordFrame(run.id, { simTimeMs: t, kind: t % 1000 === 0 ? 'keyframe' : 'delta', layer: 'traffic', bytes: new Uint8Array([t / 100]) });
    }
    store.flush();
    const replay = store.openReplay(run.id);

    replay.seek(2550);
    const first = replay.next();
    expect(first).toMatchObject({ simTimeMs: 2000, kind: 'keyframe' });
    expect(replay.next()).toMatchObject({ simTimeMs: 2100, kind: 'delta' });

    replay.seek(3000); // exactly on a keyframe
    expect(replay.next()).toMatchObject({ simTimeMs: 3000, kind: 'keyframe' });
    replay.seek(0);
    expect(replay.next()).toMatchObject({ seq: 0, kind: 'keyframe' });
    replay.seek(999_999); // past the end: the last keyframe
    expect([...replay].map((f) => f.simTimeMs)).toEqual([6000]);
  });

  it('seeks each layer to its own keyframe and skips deltas that predate it', () => {
    const run = store.createRun(RUN);
    // traffic keyframes every 1000 ms, environment grids every 1500 ms, both with deltas every 100 ms
    for (let t = 0; t <= 4000; t += 100) {
      store.recordFrame(run.id, { simTimeMs: t, kind: t % 1000 === 0 ? 'keyframe' : 'delta', layer: 'traffic', bytes: new Uint8Array([1]) });
      store.recordFrame(run.id, { simTimeMs: t, kind: t % 1500 === 0 ? 'grid' : 'delta', layer: 'environment', bytes: new Uint8Array([2]) });
    }
    store.flush();
    const replay = store.openReplay(run.id);
    replay.seek(2200);
    const frames = [...replay];
    expect(frames[0]).toMatchObject({ simTimeMs: 1500, kind: 'grid', layer: 'environment' });
    const firstOf = (layer: string): ReplayFrame | undefined => frames.find((f) => f.layer === layer);
    // traffic's deltas from 1500 to 1900 need the keyframe at 1000: skipped
    expect(firstOf('traffic')).toMatchObject({ simTimeMs: 2000, kind: 'keyframe' });
    expect(frames.filter((f) => f.layer === 'environment')).toHaveLength(26); // 1500..4000
    expect(frames.filter((f) => f.layer === 'traffic')).toHaveLength(21); // 2000..4000
    expect(frames.every((f, i) => i === 0 || f.seq > frames[i - 1].seq)).toBe(true);
  });

  it('replays a run while it is still recording, up to what has been flushed', () => {
    const run = store.createRun(RUN);
    const frames = randomFrames(30, 2);
    frames.slice(0, 10).forEach((f) => store.recordFrame(run.id, f));
    const replay = store.openReplay(run.id);
    expect(replay.next()).toBeUndefined(); // nothing flushed yet

    store.flush();
    expect([...replay].map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    frames.slice(10).forEach((f) => store.recordFrame(run.id, f));
    expect(replay.next()).toBeUndefined();
    store.flush();
    const rest = [...replay];
    expect(rest.map((f) => f.seq)).toEqual(frames.slice(10).map((_, i) => i + 10));
    expect(Buffer.from(rest[19].bytes).equals(frames[29].bytes)).toBe(true);
    expect(store.getRun(run.id)).toMatchObject({ status: 'running', frameCount: 30 });
  });

  it('gives a replay clock the frames due by its sim time', () => {
    const run = store.createRun(RUN);
    for (let t = 0; t < 1000; t += 100) {
      store.recordFrame(run.id, { simTimeMs: t, kind: t === 0 ? 'keyframe' : 'delta', layer: 'traffic', bytes: new Uint8Array([t / 100]) });
    }
    store.flush();
    const replay = store.openReplay(run.id);
    expect(replay.takeUntil(250).map((f) => f.simTimeMs)).toEqual([0, 100, 200]);
    expect(replay.takeUntil(250)).toEqual([]);
    expect(replay.peekSimTimeMs()).toBe(300);
    expect(replay.takeUntil(10_000)).toHaveLength(7);
  });

  it('returns events in a sim-time window [from, to) with their data', () => {
    const run = store.createRun(RUN);
    store.recordEvent(run.id, { simTimeMs: 0, type: 'run.start' });
    store.recordEvent(run.id, { simTimeMs: 1500, type: 'inject', data: { kind: 'fire', buildingId: 'b-17', floors: [3, 4] } });
    store.recordEvent(run.id, { simTimeMs: 1500, type: 'alarm', data: { level: 'II' } });
    store.recordEvent(run.id, { simTimeMs: 3000, type: 'inject', data: { kind: 'closeRoad' } });
    expect(store.eventsBetween(run.id, 0, 5000)).toEqual([]); // not flushed yet
    store.flush();
    expect(store.eventsBetween(run.id, 1000, 3000)).toEqual([
      { seq: 1, simTimeMs: 1500, type: 'inject', data: { kind: 'fire', buildingId: 'b-17', floors: [3, 4] } },
      { seq: 2, simTimeMs: 1500, type: 'alarm', data: { level: 'II' } },
    ]);
    expect(store.eventsBetween(run.id, 0, 1500).map((e) => e.type)).toEqual(['run.start']);
    expect(store.getRun(run.id).eventCount).toBe(4);
  });

  it('finds the last event of a type at or before a time (a replay seeking wants the figures there)', () => {
    const run = store.createRun(RUN);
    store.recordEvent(run.id, { simTimeMs: 0, type: 'air', data: { aqi: 40 } });
    store.recordEvent(run.id, { simTimeMs: 60_000, type: 'traffic', data: { index: 3 } });
    store.recordEvent(run.id, { simTimeMs: 60_000, type: 'air', data: { aqi: 52 } });
    store.recordEvent(run.id, { simTimeMs: 60_000, type: 'air', data: { aqi: 53 } });
    store.recordEvent(run.id, { simTimeMs: 120_000, type: 'air', data: { aqi: 61 } });
    store.flush();
    expect(store.lastEvent(run.id, 'air', 119_999)).toEqual({ seq: 3, simTimeMs: 60_000, type: 'air', data: { aqi: 53 } });
    expect(store.lastEvent(run.id, 'air', 120_000)?.data).toEqual({ aqi: 61 });
    expect(store.lastEvent(run.id, 'traffic', 59_999)).toBeUndefined();
    expect(store.lastEvent(run.id, 'air', -1)).toBeUndefined();
    expect(() => store.lastEvent(run.id + 1, 'air', 0)).toThrow(/unknown run/);
  });

  it('keeps grid layers of any id apart: a seek starts each at its own latest grid, and peek tells the next frame without its bytes', () => {
    const run = store.createRun(RUN);
    // Objects every 100 ms (keyframe each second); the air's layers once a minute-like 500 ms; a release's layer from 1200 ms.
    for (let t = 0; t <= 2000; t += 100) {
      store.recordFrame(run.id, { simTimeMs: t, kind: t % 1000 === 0 ? 'keyframe' : 'delta', layer: 'objects', bytes: new Uint8Array([0]) });
      if (t % 500 === 0) for (const layer of ['pm25', 'aqi']) store.recordFrame(run.id, { simTimeMs: t, kind: 'grid', layer, bytes: new Uint8Array([t / 100]) });
      if (t === 1200) store.recordFrame(run.id, { simTimeMs: t, kind: 'grid', layer: 'chlorine', bytes: new Uint8Array([99]) });
    }
    store.flush();
    const replay = store.openReplay(run.id);
    replay.seek(1400);
    expect(replay.peek()).toEqual({ seq: expect.any(Number), simTimeMs: 1000, kind: 'keyframe', layer: 'objects' });
    const frames = [...replay];
    const firstOf = (layer: string) => frames.find((f) => f.layer === layer);
    expect(firstOf('pm25')).toMatchObject({ simTimeMs: 1000, bytes: new Uint8Array([10]) });
    expect(firstOf('aqi')).toMatchObject({ simTimeMs: 1000 });
    expect(firstOf('chlorine')).toMatchObject({ simTimeMs: 1200, bytes: new Uint8Array([99]) });
    expect(firstOf('objects')).toMatchObject({ simTimeMs: 1000, kind: 'keyframe' });
    expect(replay.peek()).toBeUndefined();
  });

  it('flushes by itself on a timer', async () => {
    store.close();
    store = new RunStore(dataDir, { flushIntervalMs: 50 });
    const run = store.createRun(RUN);
    store.recordFrame(run.id, { simTimeMs: 0, kind: 'keyframe', layer: 'traffic', bytes: new Uint8Array([1]) });
    await expect.poll(() => store.getRun(run.id).frameCount, { timeout: 5000 }).toBe(1);
  });

  it('refuses frames that go back in time, and records nothing to a finished run', () => {
    const run = store.createRun(RUN);
    store.recordFrame(run.id, { simTimeMs: 500, kind: 'keyframe', layer: 'traffic', bytes: new Uint8Array(1) });
    expect(() => store.recordFrame(run.id, { simTimeMs: 400, kind: 'delta', layer: 'traffic', bytes: new Uint8Array(1) })).toThrow(
      /run \d+ frame at 400 ms is before the previous one at 500 ms/,
    );
    expect(() => store.recordEvent(run.id, { simTimeMs: -1, type: 'x' })).toThrow(/simTimeMs must be a non-negative integer, got -1/);
    store.finishRun(run.id);
    expect(() => store.recordFrame(run.id, { simTimeMs: 600, kind: 'delta', layer: 'traffic', bytes: new Uint8Array(1) })).toThrow(
      /run \d+ is finished/,
    );
  });

  it('names an unknown run id', () => {
    expect(() => store.getRun(42)).toThrow('RunStore: unknown run 42');
    expect(() => store.openReplay(42)).toThrow('RunStore: unknown run 42');
    expect(() => store.eventsBetween(42, 0, 1)).toThrow('RunStore: unknown run 42');
    expect(() => store.recordFrame(42, { simTimeMs: 0, kind: 'keyframe', layer: 'traffic', bytes: new Uint8Array(1) })).toThrow(
      'RunStore: unknown run 42',
    );
  });

  it('marks runs left running by a stopped server as interrupted, keeping what was flushed', () => {
    const run = store.createRun(RUN);
    store.recordFrame(run.id, { simTimeMs: 1200, kind: 'keyframe', layer: 'traffic', bytes: new Uint8Array([5]) });
    store.close();
    store.close(); // idempotent
    expect(() => store.getRun(run.id)).toThrow(/is closed/);

    store = new RunStore(dataDir, { flushIntervalMs: 0 });
    expect(store.getRun(run.id)).toMatchObject({ status: 'interrupted', frameCount: 1, durationMs: 1200 });
    expect(store.getRun(run.id).finishedAt).not.toBeNull();
  });

  it('says clearly when the file is not a SQLite database, naming it', () => {
    const file = path.join(dataDir, 'notes.sqlite');
    fs.writeFileSync(file, 'These are meeting notes, not a database. '.repeat(20));
    expect(() => new RunStore(file)).toThrow(`RunStore: ${file} is not a SQLite database`);
  });

  it('refuses a file written by a newer schema version', () => {
    store.close();
    const db = new Database(path.join(dataDir, STORE_FILE));
    db.pragma('user_version = 999');
    db.close();
    expect(() => new RunStore(dataDir)).toThrow(/schema version 999, newer than this server's 1/);
    store = new RunStore(path.join(dataDir, 'other.sqlite'), { flushIntervalMs: 0 });
  });

  it('opens readonly beside a writer and sees what it flushed', () => {
    const run = store.createRun(RUN);
    store.recordFrame(run.id, { simTimeMs: 0, kind: 'keyframe', layer: 'traffic', bytes: new Uint8Array([1, 2]) });
    store.flush();
    const reader = new RunStore(dataDir, { readonly: true });
    expect(reader.getRun(run.id).status).toBe('running'); // a reader does not mark the writer's runs
    expect(reader.openReplay(run.id).next()?.bytes).toEqual(new Uint8Array([1, 2]));
    expect(() => reader.createRun(RUN)).toThrow(/is open readonly/);
    reader.close();
  });
});

describe('RunStore.prune', () => {
  const DAY = 86_400_000;
  let dataDir: string;
  let store: RunStore;
  let clock: number;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-run-prune-'));
    clock = 1_767_225_600_000;
    store = new RunStore(dataDir, { flushIntervalMs: 0, now: () => clock });
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A finished run of `frames` incompressible 4 KB frames, finished at the current clock. */
  function recordRun(frames: number, options: Partial<NewRun> = {}, finish = true): number {
    const run = store.createRun({ ...RUN, ...options });
    const r = rng(run.id);
    for (let i = 0; i < frames; i++) {
      const bytes = Uint8Array.from({ length: 4096 }, () => Math.floor(r() * 256));
      store.recordFrame(run.id, { simTimeMs: i * 100, kind: i % 10 === 0 ? 'keyframe' : 'delta', layer: 'traffic', bytes });
    }
    store.recordEvent(run.id, { simTimeMs: 0, type: 'run.start' });
    if (finish) store.finishRun(run.id);
    else store.flush();
    return run.id;
  }

  it('deletes finished runs older than maxAgeMs, never a running or kept one', () => {
    const old = recordRun(5);
    const oldKept = recordRun(5, { keep: true });
    const oldRunning = recordRun(5, {}, false);
    clock += 10 * DAY;
    const recent = recordRun(5);
    clock += 1 * DAY;

    const result = store.prune({ maxAgeMs: 7 * DAY });
    expect(result.deletedRunIds).toEqual([old]);
    expect(store.listRuns().map((r) => r.id).sort()).toEqual([oldKept, oldRunning, recent].sort());
    expect(() => store.openReplay(old)).toThrow(`RunStore: unknown run ${old}`);
    expect(store.getRun(oldRunning).status).toBe('running');
  });

  it('deletes the oldest finished runs until under maxBytes, and the file shrinks', () => {
    const ids = [recordRun(200), recordRun(200), recordRun(200, { keep: true }), recordRun(200)];
    const running = recordRun(200, {}, false);
    const perRun = store.getRun(ids[0]).storedBytes;
    expect(perRun).toBeGreaterThan(200 * 4096); // random bytes do not compress
    const fileBefore = fs.statSync(store.file).size + fs.statSync(`${store.file}-wal`).size;

    const result = store.prune({ maxBytes: 3 * perRun + 1000 });
    expect(result.deletedRunIds).toEqual([ids[0], ids[1]]);
    expect(result.storedBytes).toBeLessThanOrEqual(3 * perRun + 1000);
    expect(store.listRuns().map((r) => r.id).sort()).toEqual([ids[2], ids[3], running].sort());
    const fileAfter = fs.statSync(store.file).size + fs.statSync(`${store.file}-wal`).size;
    expect(fileAfter).toBeLessThan(fileBefore - 1.5 * perRun);

    // Over the limit with only kept and running runs left: those stay.
    expect(store.prune({ maxBytes: 0 }).deletedRunIds).toEqual([ids[3]]);
    expect(store.listRuns().map((r) => r.id).sort()).toEqual([ids[2], running].sort());
    const db = new Database(store.file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT count(*) FROM frames WHERE run_id = ?').pluck().get(ids[0])).toBe(0);
    db.close();
  });
});
