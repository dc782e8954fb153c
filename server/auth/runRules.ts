import { departmentMayInject } from '../protocol/access.ts';
import type { RunControl } from '../realtime/RunSession.ts';
import { can, type Principal } from './principal.ts';

/** What the rules need to know of a run. */
export interface RunFacts {
  id: string;
  kind: 'live' | 'scenario' | 'replay';
  /** The account that started it; null for the live baseline and runs started by the server. */
  owner: string | null;
}

export type RunAction = 'watch' | 'control' | 'stop' | 'delete' | 'inject';

/**
 * Whether `principal` may act on `run`: anyone who may view watches; the owner (with run.control)
 * controls, stops and deletes their runs; directors control the live baseline (which nobody
 * stops); admins stop and delete anyone's runs; injects need run.inject on a run one may control,
 * or a department's own inject kinds (dept.inject) on any run. Replays are read-only but their owner may stop and delete them.
 */
export function mayActOnRun(principal: Principal, run: RunFacts, action: RunAction, injectKind?: string): boolean {
  if (action === 'watch') return can(principal, 'view');
  const own = run.owner !== null && principal.kind === 'user' && principal.username === run.owner;
  const controls = (own && can(principal, 'run.control')) || (run.kind === 'live' && can(principal, 'live.control'));
  switch (action) {
    case 'control':
      return controls;
    case 'stop':
    case 'delete':
      // The live baseline is never stopped; whoever controls it is told so by the run manager (live_protected).
      return controls || (run.kind !== 'live' && can(principal, 'runs.admin'));
    case 'inject':
      if (run.kind === 'replay') return false;
      if (controls && can(principal, 'run.inject')) return true;
      return can(principal, 'dept.inject') && injectKind !== undefined && departmentMayInject(principal.department, injectKind);
  }
}

/** What mayActOnRun decides a control is: stopping, injecting, or controlling the clock. */
export function runActionOf(control: RunControl): RunAction {
  return control.action === 'stop' ? 'stop' : control.action === 'inject' ? 'inject' : 'control';
}

/**
 * Why `principal` may not apply `control` to `run`, or null when it may: the one decision of the
 * socket's controls and POST /api/runs/:id/control.
 */
export function controlRefusal(principal: Principal, run: RunFacts, control: RunControl): string | null {
  const kind = control.action === 'inject' ? control.kind : undefined;
  if (mayActOnRun(principal, run, runActionOf(control), kind)) return null;
  return `${principal.username ?? 'an anonymous visitor'} (${principal.role}) may not ${kind !== undefined ? `inject ${kind} into` : control.action} run ${run.id}`;
}
