import { departmentMayInject } from '../protocol/access.ts';
import type { DrillRequest } from '../protocol/drills.ts';
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

/**
 * Why `principal` may not make drill request `request`, or null when it may: anyone who may view
 * follows; directors (any of them: a second director may take over a screen that failed, and the
 * audit trail shows who did what) control, lead the view and inject ad hoc; operators act with
 * their department's inject kinds (departmentMayInject) and issue warnings; directors act with any.
 */
export function drillRefusal(principal: Principal, request: DrillRequest): string | null {
  const who = `${principal.username ?? 'an anonymous visitor'} (${principal.role}${principal.department ? `, ${principal.department}` : ''})`;
  switch (request.op) {
    case 'follow':
    case 'unfollow':
      return can(principal, 'view') ? null : `${who} may not follow drills`;
    case 'control':
    case 'view':
    case 'adhoc':
      return can(principal, 'drill.direct') ? null : `${who} may not ${request.op === 'control' ? `${request.control} a drill` : request.op === 'view' ? 'lead the drill\'s view' : 'make ad-hoc injects'}: only a drill director may`;
    case 'act': {
      if (can(principal, 'drill.direct')) return null;
      if (!can(principal, 'dept.inject')) return `${who} may not act in a drill`;
      const action = request.action;
      if (action.type === 'warning' || departmentMayInject(principal.department, action.kind)) return null;
      return `${who} may not make ${action.kind}: not an inject of ${principal.department ?? 'no department'}`;
    }
  }
}
