import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthStore } from '../../../server/auth/AuthStore.ts';
import { runUsersCli } from '../../../server/auth/usersCli.ts';

const run = promisify(execFile);

/** `npx tsx server/auth/usersCli.ts …args --data dir`: its exit code and output. */
async function users(dir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'server/auth/usersCli.ts', ...args, '--data', dir], { cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run users', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'users-cli-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('adds an account with a one-time password that signs in, and lists it', async () => {
    const added = await users(dir, 'add', 'zhang.wei', '--role', 'operator', '--department', 'fire_rescue');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('added zhang.wei (operator, fire_rescue)');
    const otp = /一次性密码: (\S{16})/.exec(added.stdout)?.[1];
    expect(otp).toBeDefined();

    const store = new AuthStore(dir);
    const result = await store.signIn('zhang.wei', otp!, '127.0.0.1');
    expect(result.ok && result.session.mustChangePassword).toBe(true);
    store.close();

    const listed = await users(dir, 'list');
    expect(listed.code).toBe(0);
    const [header, row] = listed.stdout.trim().split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['username', 'role', 'department', 'disabled', 'locked until', 'last sign-in']);
    expect(row).toMatch(/^zhang\.wei\s+operator\s+fire_rescue\s+no\s+-\s+\d{4}-\d\d-\d\dT/);
  });

  it('refuses a bad role with exit 1 and one line naming it', async () => {
    const bad = await users(dir, 'add', 'li', '--role', 'boss');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('AuthStore: role: expected one of viewer, planner, director, operator, admin, auditor, got "boss"');
    const store = new AuthStore(dir);
    expect(store.listAccounts().map((a) => a.username)).toEqual(['zhang.wei']);
    store.close();
  });

  it('disables, changes a role, and makes and revokes a device token', async () => {
    expect(await cli('disable', 'zhang.wei')).toEqual({ code: 0, out: ['disabled zhang.wei (operator, fire_rescue, disabled)'], err: [] });
    expect((await cli('role', 'zhang.wei', 'planner')).out).toEqual(['changed zhang.wei (planner, disabled)']);
    const device = await cli('device-add', 'wall-1');
    expect(device.out[0]).toBe('added device 1 "wall-1"');
    expect(device.out[1]).toMatch(/^device token \/ 设备令牌: [A-Za-z0-9_-]{43} /);
    expect((await cli('device-revoke', '1')).out[0]).toMatch(/^revoked device 1 "wall-1" at \d{4}-/);
    expect((await cli('devices')).out[1]).toMatch(/^1\s+wall-1\s+cli\s+\S+\s+\d{4}-\S+\s+never$/);
    expect(await cli('device-revoke', 'wall-1')).toEqual({ code: 1, out: [], err: ['users device-revoke: id: expected a device id (see "devices"), got "wall-1"'] });
  });

  it('names a missing argument, an unknown command and an option that does not fit', async () => {
    expect((await cli('reset')).err).toEqual(['users reset: expected <username>, got none']);
    expect((await cli('reset', 'nobody')).err).toEqual(['AuthStore: username: no account "nobody"']);
    expect((await cli('frob')).err[0]).toMatch(/^users: unknown command "frob"/);
    expect((await cli('list', '--role', 'viewer')).err).toEqual(['users list: --role does not go with this command']);
  });

  it('prints usage in Chinese and English', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.out[0]).toContain('npm run users -- add <username> --role ROLE');
    expect(help.out[0]).toContain('一次性密码');
  });

  /** The CLI run in this process on the test's data dir, its output captured. */
  async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runUsersCli([...args, '--data', dir], { log: (l) => out.push(l), error: (l) => err.push(l) });
    return { code, out, err };
  }
});
