import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_FILE, AuditLog } from '../../../server/audit/AuditLog.ts';
import { runAuditCli } from '../../../server/audit/auditCli.ts';

const ROOT = path.join(import.meta.dirname, '../../..');

/** Runs the CLI as `npm run audit` does, in a child process. */
function auditCli(...args: string[]) {
  const child = spawnSync('npx', ['tsx', 'server/audit/auditCli.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

/** Runs the CLI in this process, collecting what it prints. */
function auditCliHere(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runAuditCli(args, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run audit', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-audit-cli-'));
    let now = Date.UTC(2026, 2, 1, 8);
    const log = new AuditLog(dir, { now: () => (now += 1000) });
    log.write({ actor: 'alice', role: 'admin', action: 'session.sign_in', target: 'alice', result: 'ok', address: '10.0.0.5' });
    log.write({ actor: 'bob', role: 'operator', action: 'run.inject', target: 'run 3', result: 'denied', address: '10.0.0.6', detail: { kind: 'traffic.close' } });
    log.write({ actor: 'anonymous', role: 'none', action: 'session.sign_in_failed', target: 'mallory', result: 'failed', address: '10.0.0.9' });
    log.close();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('verify exits 0 on an intact chain and 1 naming the first broken link', () => {
    const intact = auditCli('verify', '--data', dir);
    expect(intact.stdout).toContain('审计链完整 / audit chain intact: 3 records');
    expect(intact.code).toBe(0);

    const db = new Database(path.join(dir, AUDIT_FILE));
    db.exec(`DROP TRIGGER audit_no_update; UPDATE audit SET result = 'ok' WHERE seq = 2`);
    db.close();
    const broken = auditCli('verify', '--data', dir);
    expect(broken.stdout).toContain('audit chain broken at seq 2: record 2 does not match its hash');
    expect(broken.code).toBe(1);
  });

  it('lists records newest first as a table, filtered, with the next page named', () => {
    const all = auditCliHere('list', '--data', dir);
    expect(all.code).toBe(0);
    const lines = all.out.split('\n');
    expect(lines[0]).toMatch(/^seq +at +actor +role +action +target +result +address +detail$/);
    expect(lines[1]).toMatch(/^3 +2026-03-01T08:00:03\.000Z +anonymous +none +session\.sign_in_failed +mallory +failed +10\.0\.0\.9 +-$/);
    expect(lines[2]).toContain('{"kind":"traffic.close"}');
    expect(lines).toHaveLength(4);

    const page = auditCliHere('list', '--action', 'session.', '--limit', '1', '--data', dir);
    expect(page.out.split('\n').slice(1)).toEqual([expect.stringMatching(/^3 /), '更早的记录 / older records: --before 3']);
    expect(auditCliHere('list', '--result', 'denied', '--data', dir).out.split('\n')).toHaveLength(2);
    expect(auditCliHere('list', '--actor', 'carol', '--data', dir).out).toBe('（无记录 / no records）');
  });

  it('explains itself in Chinese and English, and refuses bad arguments and a missing trail in one line', () => {
    const help = auditCliHere('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('校验审计链');
    expect(help.out).toContain('Walks the hash chain');

    const missing = auditCliHere('verify', '--data', path.join(dir, 'elsewhere'));
    expect(missing).toEqual({ code: 1, out: '', err: expect.stringMatching(/^audit: no audit trail at .*elsewhere\/audit\.sqlite [^\n]*$/) });
    expect(auditCliHere('list', '--from', 'yesterday', '--data', dir)).toMatchObject({ code: 2, err: 'audit: from: Invalid ISO datetime (got "yesterday")' });
    expect(auditCliHere('list', '--limit', '501', '--data', dir).code).toBe(2);
    expect(auditCliHere('verify', '--actor', 'bob', '--data', dir)).toMatchObject({ code: 2, err: 'audit: verify takes only --data, got --actor' });
    expect(auditCliHere('erase', '--data', dir).code).toBe(2);
  });
});
