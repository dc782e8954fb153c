import { describe, expect, it } from 'vitest';
import { parseRunList } from '../../../client/twin/live/runList.ts';

const summary = (runId: string, kind: string) => ({
  state: { type: 'runState', runId, scenarioId: runId === 'live' ? 'weekday' : 'smoke', status: 'playing', speed: 1, simTimeMs: 0 },
  kind,
  storeRunId: 1,
  seed: 1,
  durationMs: 86_400_000,
  startEpochMs: Date.UTC(2026, 2, 15, 22),
});

describe('parseRunList', () => {
  it('lists the live baseline first, then runs, then finished recordings to replay', () => {
    const parsed = parseRunList({
      runs: [summary('run-1', 'scenario'), summary('live', 'live')],
      recordings: [
        { id: 3, scenarioId: 'weekday', status: 'running', startEpochMs: 0, durationMs: null },
        { id: 2, scenarioId: 'smoke', status: 'finished', startEpochMs: 0, durationMs: 600_000 },
      ],
    });
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.runs.map((r) => [r.id, r.kind])).toEqual([
      ['live', 'live'],
      ['run-1', 'run'],
      ['recording-2', 'recording'],
    ]);
    expect(parsed.runs[0].startEpochMs).toBe(Date.UTC(2026, 2, 15, 22));
    expect(parsed.runs[2].recordingId).toBe(2);
  });

  it('names the field when the server answers something else', () => {
    const parsed = parseRunList({ runs: [{ kind: 'live' }] });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/^parseRunList: runs\.0\.state/);
  });
});
