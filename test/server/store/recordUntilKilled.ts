/**
 * Child process of RunStore.crash.test.ts: records a run in real time (one frame every
 * CRASH_STEP_MS of wall and sim time, flushed by the store's own timer) until it is killed.
 * Prints "<seq> <simTimeMs>" after each frame it has handed to the store.
 * Usage: node --import tsx recordUntilKilled.ts <dataDir> <flushIntervalMs>
 */
import { RunStore } from '../../../server/store/RunStore.ts';
import { CRASH_STEP_MS, crashFrame } from './crashFrame.ts';

const [dataDir, flushIntervalMs] = process.argv.slice(2);
const store = new RunStore(dataDir, { flushIntervalMs: Number(flushIntervalMs) });
const run = store.createRun({ scenarioId: 'crash', seed: 1, city: 'pingdingshan', startEpochMs: 0 });
let seq = 0;
setInterval(() => {
  const simTimeMs = seq * CRASH_STEP_MS;
  store.recordFrame(run.id, { simTimeMs, kind: seq % 100 === 0 ? 'keyframe' : 'delta', layer: 'traffic', bytes: crashFrame(seq) });
  if (seq % 10 === 0) store.recordEvent(run.id, { simTimeMs, type: 'tick', data: { seq } });
  process.stdout.write(`${seq} ${simTimeMs}\n`);
  seq++;
}, CRASH_STEP_MS);
