import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunStore, type NewRun } from '../../../server/store/index.ts';

const RUN: NewRun = { scenarioId: 'baseline', seed: 7, city: 'pingdingshan', startEpochMs: 1_767_225_600_000 };

let dir: string | undefined;

/** The store's file and its write-ahead log, bytes. */
function onDisk(file: string): number {
  return fs.statSync(file).size + (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);
}
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('RunStore.deleteRun', () => {
  it('deletes one run with its frames and events, kept or not, and gives the space back to the file system', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-delete-'));
    const store = new RunStore(dir, { flushIntervalMs: 0 });
    try {
      // Incompressible frames, so the file grows by what is recorded.
      let x = 2463534242;
      const bytes = new Uint8Array(64 * 1024).map(() => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        return x >>> 24;
      });
      const ids = [store.createRun(RUN).id, store.createRun({ ...RUN, keep: true }).id];
      for (const id of ids) {
        for (let t = 0; t < 40; t++) store.recordFrame(id, { simTimeMs: t * 100, kind: 'keyframe', layer: 'objects', bytes });
        store.recordEvent(id, { simTimeMs: 0, type: 'runState' });
        store.finishRun(id);
      }
      const full = onDisk(store.file);
      expect(store.deleteRun(ids[0])).toBe(true);
      expect(store.deleteRun(ids[1])).toBe(true);
      expect(() => store.getRun(ids[0])).toThrow(/unknown run/);
      expect(store.listRuns()).toEqual([]);
      expect(store.eventsBetween.bind(store, ids[1], 0, 1)).toThrow(/unknown run/);
      expect(full).toBeGreaterThan(2 * 40 * 64 * 1024);
      expect(onDisk(store.file)).toBeLessThan(full / 10);
      expect(store.deleteRun(ids[0])).toBe(false);
    } finally {
      store.close();
    }
  });

  it('refuses a run still recording', () => {
    const store = new RunStore(':memory:', { flushIntervalMs: 0 });
    try {
      const id = store.createRun(RUN).id;
      expect(() => store.deleteRun(id)).toThrow(`RunStore: run ${id} is still recording; finish it before deleting it`);
      expect(store.getRun(id).status).toBe('running');
    } finally {
      store.close();
    }
  });
});
