/**
 * The runs a client can watch, from GET /api/runs: `{ runs: RunSummary[], recordings: stored runs }`
 * (server/realtime RunManager.list() and server/store listRuns()). Validated: the server is outside input.
 */
import { z } from 'zod';

/** A run as the run picker shows it. */
export interface RunInfo {
  /** The id to join; for a recording not yet replayed, `recording-<store id>`. */
  id: string;
  /** `live`: the always-on baseline; `run`: a scenario run or replay in progress; `recording`: a finished recording. */
  kind: 'live' | 'run' | 'recording';
  scenarioId: string | null;
  /** The scenario's title, when the server gives it. */
  title: { zh: string; en: string } | null;
  /** The account that started a run in progress; null or absent for the baseline, server runs and recordings. */
  owner?: string | null;
  status: string | null;
  /** Epoch ms of sim time 0, when known (for showing the clock as a date). */
  startEpochMs: number | null;
  durationMs: number | null;
  /** For a recording: its store run id, to ask the server for a replay. */
  recordingId: number | null;
}

const RunSummary = z.looseObject({
  state: z.looseObject({ runId: z.string().min(1), scenarioId: z.string(), status: z.string() }),
  kind: z.string(),
  title: z.object({ zh: z.string(), en: z.string() }).nullish(),
  owner: z.string().nullish(),
  durationMs: z.number().finite().nonnegative().nullish(),
  startEpochMs: z.number().finite().nullish(),
});
const Recording = z.looseObject({
  id: z.number().int().nonnegative(),
  scenarioId: z.string(),
  status: z.string(),
  startEpochMs: z.number().finite().nullish(),
  durationMs: z.number().finite().nonnegative().nullish(),
  createdAt: z.number().finite().nullish(),
});
const RunListBody = z.looseObject({ runs: z.array(RunSummary), recordings: z.array(Recording).optional() });

/** Parses the body of GET /api/runs: the live baseline first, then runs, then finished recordings. */
export function parseRunList(body: unknown): { ok: true; runs: RunInfo[] } | { ok: false; message: string } {
  const parsed = RunListBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `parseRunList: ${issue.path.join('.') || '(body)'}: ${issue.message}` };
  }
  const runs: RunInfo[] = parsed.data.runs.map((r) => ({
    id: r.state.runId,
    kind: r.kind === 'live' ? 'live' : 'run',
    scenarioId: r.state.scenarioId,
    title: r.title ?? null,
    owner: r.owner ?? null,
    status: r.state.status,
    startEpochMs: r.startEpochMs ?? null,
    durationMs: r.durationMs ?? null,
    recordingId: null,
  }));
  const order = { live: 0, run: 1, recording: 2 } as const;
  runs.sort((a, b) => order[a.kind] - order[b.kind]);
  // A recording still being written is the run itself (already listed); only finished ones replay.
  for (const r of parsed.data.recordings ?? []) {
    if (r.status === 'running') continue;
    runs.push({
      id: `recording-${r.id}`,
      kind: 'recording',
      scenarioId: r.scenarioId,
      title: null,
      status: r.status,
      startEpochMs: r.startEpochMs ?? null,
      durationMs: r.durationMs ?? null,
      recordingId: r.id,
    });
  }
  return { ok: true, runs };
}
