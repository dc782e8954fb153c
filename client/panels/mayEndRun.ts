import type { SessionInfo } from '../../server/protocol/access.ts';
import type { RunInfo } from '../twin/live/runList.ts';
import { sessionCan } from '../twin/session.ts';

/**
 * True when the signed-in user may end `run` (DELETE /api/runs/:id): a run or replay in progress, not
 * the live baseline, that the user started or any run for a role with `runs.admin`. Only hides the
 * button; the server decides.
 */
export function mayEndRun(run: Pick<RunInfo, 'id' | 'kind' | 'owner'> | null, info: SessionInfo | null): boolean {
  if (!run || run.kind !== 'run' || run.id === 'live' || !info) return false;
  if (sessionCan(info, 'runs.admin')) return true;
  // As server/auth/runRules.ts: only an account owns runs, never a wall screen of the same name.
  return run.owner != null && info.principal.kind === 'user' && info.principal.username === run.owner;
}
