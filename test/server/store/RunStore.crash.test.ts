import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore } from '../../../server/store/RunStore.ts';
import { CRASH_STEP_MS, crashFrame } from './crashFrame.ts';

const FLUSH_INTERVAL_MS = 1000;

/** Runs the recording child until it has produced `untilSimTimeMs`, SIGKILLs it, returns all it printed. */
function recordThenKill(dataDir: string, untilSimTimeMs: number): Promise<string> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'recordUntilKilled.ts'), dataDir, String(FLUSH_INTERVAL_MS)],
    { cwd: path.join(import.meta.dirname, '../../..'), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    const lines = out.trimEnd().split('\n');
    const simTimeMs = Number(lines[lines.length - 1].split(' ')[1]);
    if (simTimeMs >= untilSimTimeMs && child.exitCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve(out);
      else reject(new Error(`recordUntilKilled exited with ${code ?? signal} before being killed`));
    });
  });
}

describe('RunStore after the server is killed mid-run', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-run-crash-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('opens cleanly and keeps every frame up to about the last second, without gaps', async () => {
    const printed = await recordThenKill(dataDir, 2500);
    // Only whole lines: the kill may cut the last one.
    const lines = printed.split('\n').slice(0, -1);
    const lastProducedMs = Number(lines[lines.length - 1].split(' ')[1]);

    const store = new RunStore(dataDir, { flushIntervalMs: 0 });
    const db = new Database(store.file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    const [run] = store.listRuns();
    expect(run.status).toBe('interrupted');
    const frames = [...store.openReplay(run.id)];
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.length).toBe(run.frameCount);
    frames.forEach((f, i) => {
      expect(f.seq).toBe(i);
      expect(f.simTimeMs).toBe(i * CRASH_STEP_MS);
      expect(Buffer.from(f.bytes).equals(crashFrame(i))).toBe(true);
    });
    const lastRecordedMs = frames[frames.length - 1].simTimeMs;
    expect(lastRecordedMs).toBeLessThanOrEqual(lastProducedMs);
    expect(lastProducedMs - lastRecordedMs).toBeLessThanOrEqual(1000 + FLUSH_INTERVAL_MS);
    expect(run.durationMs).toBe(lastRecordedMs);

    const events = store.eventsBetween(run.id, 0, lastRecordedMs + 1);
    expect(events.map((e) => e.data)).toEqual(
      Array.from({ length: Math.floor(lastRecordedMs / (10 * CRASH_STEP_MS)) + 1 }, (_, i) => ({ seq: i * 10 })),
    );
    store.close();
  });
});
