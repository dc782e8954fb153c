import { describe, expect, it } from 'vitest';
import type { Permission, SessionInfo } from '../../../server/protocol/access.ts';
import { mayEndRun } from '../../../client/panels/mayEndRun.ts';
import { parseRunList } from '../../../client/twin/live/runList.ts';

/** A session of `kind` named `username` holding `permissions`; the rest does not matter here. */
function session(username: string | null, permissions: Permission[], kind: SessionInfo['principal']['kind'] = 'user'): SessionInfo {
  return { principal: { kind, username, role: null, department: null }, permissions, allowedOrigins: [] } as unknown as SessionInfo;
}

const mine = { id: 'run-1', kind: 'run', owner: 'wang' } as const;

describe('mayEndRun', () => {
  it('lets the owner end their run and an administrator end anyone’s', () => {
    expect(mayEndRun(mine, session('wang', ['view', 'run.control']))).toBe(true);
    expect(mayEndRun(mine, session('li', ['view', 'runs.admin']))).toBe(true);
    expect(mayEndRun({ id: 'run-2', kind: 'run', owner: null }, session('li', ['runs.admin']))).toBe(true);
  });

  it('refuses other users, anonymous visitors, a wall screen of the owner’s name, and before the session loads', () => {
    expect(mayEndRun(mine, session('li', ['view', 'run.control']))).toBe(false);
    expect(mayEndRun(mine, session(null, ['view'], 'anonymous'))).toBe(false);
    expect(mayEndRun(mine, session('wang', ['view'], 'device'))).toBe(false);
    expect(mayEndRun({ id: 'run-2', kind: 'run', owner: null }, session('wang', ['run.control']))).toBe(false);
    expect(mayEndRun(mine, null)).toBe(false);
  });

  it('never offers to end the live baseline or an unreplayed recording, even to an administrator', () => {
    const admin = session('root', ['runs.admin']);
    expect(mayEndRun({ id: 'live', kind: 'live', owner: null }, admin)).toBe(false);
    expect(mayEndRun({ id: 'live', kind: 'run', owner: 'root' }, admin)).toBe(false);
    expect(mayEndRun({ id: 'recording-3', kind: 'recording', owner: null }, admin)).toBe(false);
    expect(mayEndRun(null, admin)).toBe(false);
  });

  it('reads the owner from GET /api/runs', () => {
    const parsed = parseRunList({
      runs: [
        { state: { runId: 'live', scenarioId: 'weekday', status: 'playing' }, kind: 'live', owner: null },
        { state: { runId: 'run-1', scenarioId: 'flood', status: 'playing' }, kind: 'scenario', owner: 'wang' },
      ],
    });
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.runs.map((r) => [r.id, r.owner])).toEqual([['live', null], ['run-1', 'wang']]);
    expect(mayEndRun(parsed.runs[1], session('wang', ['run.control']))).toBe(true);
    expect(mayEndRun(parsed.runs[0], session('wang', ['runs.admin']))).toBe(false);
  });
});
