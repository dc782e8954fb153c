import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTH_FILE, AuthError, AuthStore, type AuthStoreOptions } from '../../../server/auth/AuthStore.ts';
import { DATA_LAYER_IDS } from '../../../server/protocol/access.ts';

const PASSWORD = 'correct horse battery';
const MINUTE = 60_000;

/** A store in memory on a clock the test moves. */
function openStore(options: AuthStoreOptions = {}) {
  const clock = { t: Date.UTC(2026, 0, 5, 8, 0, 0) };
  const store = new AuthStore(':memory:', { now: () => clock.t, ...options });
  return { store, clock };
}

/** The AuthError a call throws (sync or async). */
async function authError(call: () => unknown): Promise<AuthError> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('expected an AuthError');
}

async function signedIn(store: AuthStore, username: string, password = PASSWORD): Promise<string> {
  const result = await store.signIn(username, password, '10.0.0.7');
  if (!result.ok) throw new Error(`sign-in of ${username} failed: ${result.code}`);
  return result.token;
}

describe('AuthStore accounts', () => {
  let store: AuthStore;
  beforeEach(() => ({ store } = openStore()));
  afterEach(() => store.close());

  it('creates an account with a password and lists it', async () => {
    const made = await store.createAccount({ username: 'zhang.wei', role: 'planner', password: PASSWORD });
    expect(made.oneTimePassword).toBeUndefined();
    expect(made.account).toEqual({
      username: 'zhang.wei',
      role: 'planner',
      department: null,
      disabled: false,
      mustChangePassword: false,
      createdAt: '2026-01-05T08:00:00.000Z',
      lastSignInAt: null,
      lockedUntil: null,
    });
    expect(store.listAccounts()).toEqual([made.account]);
    expect(store.getAccount('zhang.wei')).toEqual(made.account);
  });

  it('refuses a duplicate username with "exists"', async () => {
    await store.createAccount({ username: 'li', role: 'viewer', password: PASSWORD });
    const error = await authError(() => store.createAccount({ username: 'li', role: 'director', password: PASSWORD }));
    expect(error.code).toBe('exists');
    expect(error.message).toContain('"li"');
  });

  it('needs a department for an operator and refuses one for any other role', async () => {
    const none = await authError(() => store.createAccount({ username: 'op', role: 'operator', password: PASSWORD }));
    expect(none.code).toBe('bad_request');
    expect(none.message).toMatch(/^AuthStore: department: .*got null$/);
    const extra = await authError(() => store.createAccount({ username: 'pl', role: 'planner', department: 'health', password: PASSWORD }));
    expect(extra.message).toMatch(/^AuthStore: department: .*"health".*planner/);
    const made = await store.createAccount({ username: 'op', role: 'operator', department: 'fire_rescue', password: PASSWORD });
    expect(made.account.department).toBe('fire_rescue');
  });

  it('names the field and the value of bad input, but never a password', async () => {
    const role = await authError(() => store.createAccount({ username: 'boss', role: 'boss', password: PASSWORD }));
    expect(role.message).toBe('AuthStore: role: expected one of viewer, planner, director, operator, admin, auditor, got "boss"');
    const name = await authError(() => store.createAccount({ username: 'Bad Name', role: 'viewer' }));
    expect(name.message).toMatch(/^AuthStore: username: .*got "Bad Name"$/);
    const short = await authError(() => store.createAccount({ username: 'shorty', role: 'viewer', password: 'hunter2' }));
    expect(short.message).toBe('AuthStore: password: expected at least 10 characters, got 7 characters');
    expect((await authError(() => store.getAccount('ghost'))).code).toBe('not_found');
  });

  it('without a password makes a one-time one that signs in and must be changed', async () => {
    const made = await store.createAccount({ username: 'wang', role: 'viewer' });
    expect(made.oneTimePassword).toMatch(/^\S{16}$/);
    expect(made.account.mustChangePassword).toBe(true);
    const result = await store.signIn('wang', made.oneTimePassword!, '10.0.0.7');
    expect(result.ok && result.session.mustChangePassword).toBe(true);
  });

  it('sets a new password after checking the current one, clearing mustChange and keeping sessions', async () => {
    const { oneTimePassword } = await store.createAccount({ username: 'wang', role: 'viewer' });
    const token = await signedIn(store, 'wang', oneTimePassword);
    expect((await authError(() => store.setPassword('wang', 'not the one at all', PASSWORD))).code).toBe('bad_credentials');
    const short = await authError(() => store.setPassword('wang', oneTimePassword!, 'short'));
    expect(short.message).toBe('AuthStore: next: expected at least 10 characters, got 5 characters');
    await store.setPassword('wang', oneTimePassword!, PASSWORD);
    expect(store.getAccount('wang').mustChangePassword).toBe(false);
    expect(store.session(token)?.mustChangePassword).toBe(false);
    expect((await store.signIn('wang', oneTimePassword!, '10.0.0.7')).ok).toBe(false);
    expect((await store.signIn('wang', PASSWORD, '10.0.0.7')).ok).toBe(true);
  });

  it('reset gives a working one-time password, sets mustChange, unlocks and ends sessions', async () => {
    await store.createAccount({ username: 'chen', role: 'director', password: PASSWORD });
    const token = await signedIn(store, 'chen');
    for (let i = 0; i < 5; i++) await store.signIn('chen', 'wrong password!', '10.0.0.9');
    expect(store.getAccount('chen').lockedUntil).not.toBeNull();

    const otp = await store.resetPassword('chen');
    expect(store.session(token)).toBeUndefined();
    const account = store.getAccount('chen');
    expect(account.mustChangePassword).toBe(true);
    expect(account.lockedUntil).toBeNull();
    expect((await store.signIn('chen', PASSWORD, '10.0.0.7')).ok).toBe(false);
    const result = await store.signIn('chen', otp, '10.0.0.7');
    expect(result.ok && result.session.mustChangePassword).toBe(true);
    expect((await authError(() => store.resetPassword('ghost'))).code).toBe('not_found');
  });
});

describe('AuthStore sign-in and sessions', () => {
  it('signs in, records lastSignInAt, and finds the session by its token', async () => {
    const { store, clock } = openStore();
    await store.createAccount({ username: 'zhao', role: 'operator', department: 'health', password: PASSWORD });
    clock.t += MINUTE;
    const result = await store.signIn('Zhao', PASSWORD, '10.0.0.7');
    if (!result.ok) throw new Error(result.code);
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const expected = {
      kind: 'user',
      username: 'zhao',
      role: 'operator',
      department: 'health',
      mustChangePassword: false,
      createdAt: '2026-01-05T08:01:00.000Z',
      lastSeenAt: '2026-01-05T08:01:00.000Z',
      address: '10.0.0.7',
    };
    expect(result.session).toMatchObject(expected);
    expect(result.session.id).toMatch(/^[0-9a-f]{64}$/);
    expect(result.session.id).not.toContain(result.token);
    expect(store.session(result.token)).toEqual(result.session);
    expect(store.getAccount('zhao').lastSignInAt).toBe('2026-01-05T08:01:00.000Z');
    expect(store.session('not-a-token')).toBeUndefined();
    store.close();
  });

  it('answers bad_credentials alike to a wrong password and an unknown user', async () => {
    const { store } = openStore();
    await store.createAccount({ username: 'sun', role: 'viewer', password: PASSWORD });
    expect(await store.signIn('sun', 'wrong password!', '10.0.0.7')).toEqual({ ok: false, code: 'bad_credentials' });
    expect(await store.signIn('nobody', PASSWORD, '10.0.0.7')).toEqual({ ok: false, code: 'bad_credentials' });
    store.close();
  });

  it('locks after 5 failures in a row, even against the right password, and unlocks after lockoutMs', async () => {
    const { store, clock } = openStore();
    await store.createAccount({ username: 'zhou', role: 'planner', password: PASSWORD });
    for (let i = 0; i < 4; i++) expect((await store.signIn('zhou', `wrong ${i} password`, '10.0.0.9')).ok).toBe(false);
    // A success resets the count: four more failures do not lock.
    await signedIn(store, 'zhou');
    for (let i = 0; i < 4; i++) expect(await store.signIn('zhou', 'wrong password!', '10.0.0.9')).toMatchObject({ code: 'bad_credentials' });
    const fifth = await store.signIn('zhou', 'wrong password!', '10.0.0.9');
    expect(fifth).toEqual({ ok: false, code: 'locked', lockedUntil: '2026-01-05T08:15:00.000Z' });
    expect(store.getAccount('zhou').lockedUntil).toBe('2026-01-05T08:15:00.000Z');

    clock.t += 15 * MINUTE - 1;
    expect(await store.signIn('zhou', PASSWORD, '10.0.0.7')).toEqual({ ok: false, code: 'locked', lockedUntil: '2026-01-05T08:15:00.000Z' });
    clock.t += 1;
    expect(store.getAccount('zhou').lockedUntil).toBeNull();
    expect((await store.signIn('zhou', PASSWORD, '10.0.0.7')).ok).toBe(true);
    store.close();
  });

  it('ends a session idle longer than idleTimeoutMs, and one older than sessionMaxMs however busy', async () => {
    const { store, clock } = openStore({ idleTimeoutMs: 30 * MINUTE, sessionMaxMs: 60 * MINUTE });
    await store.createAccount({ username: 'wu', role: 'viewer', password: PASSWORD });
    const idle = await signedIn(store, 'wu');
    clock.t += 30 * MINUTE;
    expect(store.session(idle)).toBeDefined();
    clock.t += 30 * MINUTE + 1;
    expect(store.session(idle)).toBeUndefined();
    clock.t -= 30 * MINUTE + 1;
    expect(store.session(idle), 'an idle session is deleted, not just hidden').toBeUndefined();

    const busy = await signedIn(store, 'wu');
    for (let i = 0; i < 6; i++) {
      clock.t += 10 * MINUTE;
      expect(store.session(busy), `after ${(i + 1) * 10} min`).toBeDefined();
    }
    clock.t += 1;
    expect(store.session(busy)).toBeUndefined();
    store.close();
  });

  it('writes lastSeenAt at most every 15 s', async () => {
    const { store, clock } = openStore();
    await store.createAccount({ username: 'wu', role: 'viewer', password: PASSWORD });
    const token = await signedIn(store, 'wu');
    const start = store.session(token)!.lastSeenAt;
    clock.t += 14_000;
    expect(store.session(token)!.lastSeenAt).toBe(start);
    clock.t += 1_000;
    expect(store.session(token)!.lastSeenAt).toBe('2026-01-05T08:00:15.000Z');
    store.close();
  });

  it('ends sessions by token, by id and by account', async () => {
    const { store } = openStore();
    await store.createAccount({ username: 'he', role: 'viewer', password: PASSWORD });
    const [a, b, c] = [await signedIn(store, 'he'), await signedIn(store, 'he'), await signedIn(store, 'he')];
    expect(store.endSession(a)).toBe(true);
    expect(store.endSession(a)).toBe(false);
    expect(store.endSessionById(store.session(b)!.id)).toBe(true);
    expect(store.session(b)).toBeUndefined();
    expect(store.session(c)).toBeDefined();
    expect(store.endSessionsOf('he')).toBe(1);
    expect(store.session(c)).toBeUndefined();
    store.close();
  });

  it('disabling an account ends its sessions and refuses sign-in; enabling lets it back', async () => {
    const { store } = openStore();
    await store.createAccount({ username: 'ma', role: 'planner', password: PASSWORD });
    const token = await signedIn(store, 'ma');
    expect(store.updateAccount('ma', { disabled: true }).disabled).toBe(true);
    expect(store.session(token)).toBeUndefined();
    expect(await store.signIn('ma', PASSWORD, '10.0.0.7')).toEqual({ ok: false, code: 'disabled' });
    expect(await store.signIn('ma', 'wrong password!', '10.0.0.7')).toEqual({ ok: false, code: 'bad_credentials' });
    store.updateAccount('ma', { disabled: false });
    expect((await store.signIn('ma', PASSWORD, '10.0.0.7')).ok).toBe(true);
    store.close();
  });

  it("a role change applies at once: the account's live sessions end; a department change shows in them", async () => {
    const { store } = openStore();
    await store.createAccount({ username: 'hu', role: 'operator', department: 'traffic_police', password: PASSWORD });
    const token = await signedIn(store, 'hu');
    store.updateAccount('hu', { department: 'fire_rescue' });
    expect(store.session(token)).toMatchObject({ role: 'operator', department: 'fire_rescue' });

    // Leaving the operator role drops the department.
    expect(store.updateAccount('hu', { role: 'director' })).toMatchObject({ role: 'director', department: null });
    expect(store.session(token)).toBeUndefined();
    const again = await signedIn(store, 'hu');
    expect(store.session(again)).toMatchObject({ role: 'director', department: null });

    const bad = await authError(() => store.updateAccount('hu', { role: 'operator' }));
    expect(bad.message).toMatch(/^AuthStore: department: an operator needs/);
    expect((await authError(() => store.updateAccount('hu', { role: 'king' }))).message).toContain('got "king"');
    expect((await authError(() => store.updateAccount('ghost', { disabled: true }))).code).toBe('not_found');
    store.close();
  });
});

describe('AuthStore device tokens', () => {
  it('signs a wall screen in as a viewer named after the device, until revoked', () => {
    const { store, clock } = openStore();
    const { device, token } = store.createDevice('wall-1', 'admin');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(device).toEqual({ id: 1, name: 'wall-1', createdBy: 'admin', createdAt: '2026-01-05T08:00:00.000Z', revokedAt: null, lastUsedAt: null });

    clock.t += MINUTE;
    const result = store.deviceSignIn(token, '10.0.0.50');
    if (!result.ok) throw new Error(result.code);
    expect(result.token).not.toBe(token);
    expect(result.session).toMatchObject({ kind: 'device', username: 'wall-1', role: 'viewer', department: null, mustChangePassword: false });
    expect(store.listDevices()[0].lastUsedAt).toBe('2026-01-05T08:01:00.000Z');
    expect(store.deviceSignIn('x'.repeat(43), '10.0.0.50')).toEqual({ ok: false, code: 'bad_credentials' });

    expect(store.revokeDevice(device.id).revokedAt).toBe('2026-01-05T08:01:00.000Z');
    expect(store.session(result.token)).toBeUndefined();
    expect(store.deviceSignIn(token, '10.0.0.50')).toEqual({ ok: false, code: 'bad_credentials' });
    expect(store.createDevice('wall-1', 'admin').device.id).toBe(2);
    store.close();
  });

  it('refuses a second live device of the same name, an empty name and an unknown id', async () => {
    const { store } = openStore();
    store.createDevice('wall-1', 'admin');
    expect((await authError(() => store.createDevice('wall-1', 'admin'))).code).toBe('exists');
    expect((await authError(() => store.createDevice('', 'admin'))).message).toMatch(/^AuthStore: name: .*got ""$/);
    expect((await authError(() => store.revokeDevice(99))).code).toBe('not_found');
    store.close();
  });
});

describe('AuthStore grants', () => {
  it('adds, replaces (keeping the id) and removes a grant', async () => {
    const { store } = openStore();
    for (const g of store.listGrants()) store.removeGrant(g.id);
    const grant = store.addGrant('health.hospitals', { kind: 'department', id: 'environment' }, ['casualties'], 'admin');
    expect(grant).toMatchObject({ layer: 'health.hospitals', grantee: { kind: 'department', id: 'environment' }, masked: ['casualties'], grantedBy: 'admin' });
    const replaced = store.addGrant('health.hospitals', { kind: 'department', id: 'environment' }, ['casualties', 'beds', 'beds'], 'owner');
    expect(replaced).toMatchObject({ id: grant.id, masked: ['beds', 'casualties'], grantedBy: 'owner' });
    expect(store.listGrants()).toEqual([replaced]);
    expect(store.removeGrant(grant.id)).toEqual(replaced);
    expect(store.listGrants()).toEqual([]);
    expect((await authError(() => store.removeGrant(grant.id))).code).toBe('not_found');
    store.close();
  });

  it('names a bad layer, grantee or masked field', async () => {
    const { store } = openStore();
    const add = (layer: string, kind: string, id: string, masked: string[]) => authError(() => store.addGrant(layer, { kind, id }, masked, 'admin'));
    expect((await add('weather.radar', 'role', 'viewer', [])).message).toMatch(/^AuthStore: layer: expected one of traffic.vehicles, .*got "weather.radar"$/);
    expect((await add('traffic.vehicles', 'role', 'boss', [])).message).toMatch(/^AuthStore: grantee.id: expected a role, .*got "boss"$/);
    expect((await add('traffic.vehicles', 'department', 'viewer', [])).message).toMatch(/^AuthStore: grantee.id: expected a department, .*got "viewer"$/);
    expect((await add('traffic.vehicles', 'team', 'viewer', [])).message).toMatch(/^AuthStore: grantee.kind: .*got "team"$/);
    expect((await add('traffic.vehicles', 'role', 'viewer', ['trip', 'beds'])).message).toBe('AuthStore: masked.1: expected a field of traffic.vehicles, one of trip, got "beds"');
    store.close();
  });

  it('a new store has the default grants', () => {
    const { store } = openStore();
    const masks = Object.fromEntries(store.listGrants().map((g) => [`${g.layer} ${g.grantee.kind}:${g.grantee.id}`, g.masked]));
    expect(masks).toEqual({
      'traffic.vehicles role:viewer': ['trip'],
      'traffic.vehicles role:planner': ['trip'],
      'traffic.vehicles role:director': [],
      'environment.stations role:viewer': ['sources'],
      'environment.stations role:planner': [],
      'environment.stations role:director': [],
      'health.hospitals role:viewer': ['casualties'],
      'health.hospitals role:planner': ['beds', 'casualties'],
      'health.hospitals role:director': [],
      'emergency.incidents role:viewer': [],
      'emergency.incidents role:planner': [],
      'emergency.incidents role:director': [],
      ...Object.fromEntries(DATA_LAYER_IDS.map((layer) => [`${layer} department:emergency_management`, []])),
      'emergency.incidents department:fire_rescue': [],
      'traffic.vehicles department:fire_rescue': [],
      'health.hospitals department:fire_rescue': ['beds'],
      'emergency.incidents department:traffic_police': [],
      'emergency.incidents department:health': [],
    });
    expect(store.listGrants().every((g) => g.grantedBy === 'system')).toBe(true);
    store.close();
  });
});

describe('AuthStore file', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-store-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps accounts in <dataDir>/auth.sqlite, readable by its owner only, and never re-seeds revoked grants', async () => {
    let store = new AuthStore(dir);
    expect(store.file).toBe(path.join(dir, AUTH_FILE));
    if (process.platform !== 'win32') expect(fs.statSync(store.file).mode & 0o777).toBe(0o600);
    await store.createAccount({ username: 'lin', role: 'auditor', password: PASSWORD });
    const revoked = store.listGrants().find((g) => g.layer === 'health.hospitals' && g.grantee.id === 'fire_rescue')!;
    store.removeGrant(revoked.id);
    const left = store.listGrants();
    store.setSetting('anonymous', 'none');
    store.close();

    store = new AuthStore(path.join(dir, AUTH_FILE));
    expect(store.listGrants()).toEqual(left);
    expect(store.getAccount('lin').role).toBe('auditor');
    expect(store.getSetting('anonymous')).toBe('none');
    expect(store.getSetting('no such setting')).toBeUndefined();
    store.close();
    store.close();
  });

  it('names the file that is not a database, or was written by a newer server', () => {
    const file = path.join(dir, 'auth.sqlite');
    fs.writeFileSync(file, 'not a database, just text that is long enough to have a header');
    expect(() => new AuthStore(dir)).toThrow(`AuthStore: ${file} is not a SQLite database`);
    fs.rmSync(file);
    new AuthStore(dir).close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new AuthStore(dir)).toThrow(/AuthStore: .*auth\.sqlite has schema version 99, newer than this server's 1/);
  });
});

describe('AuthStore.ensureAdmin', () => {
  it('creates "admin" with the password from the environment, once', async () => {
    const { store } = openStore();
    expect(await store.ensureAdmin('a long admin password')).toEqual({ created: true });
    expect(store.getAccount('admin')).toMatchObject({ role: 'admin', mustChangePassword: false });
    expect((await store.signIn('admin', 'a long admin password', '127.0.0.1')).ok).toBe(true);
    expect(await store.ensureAdmin('another long password')).toEqual({ created: false });
    store.close();
  });

  it('without a password makes a one-time one, to be changed', async () => {
    const { store } = openStore();
    const result = await store.ensureAdmin(undefined);
    expect(result.created).toBe(true);
    expect(store.getAccount('admin').mustChangePassword).toBe(true);
    expect((await store.signIn('admin', result.oneTimePassword!, '127.0.0.1')).ok).toBe(true);
    store.close();
  });

  it('refuses a short YT_ADMIN_PASSWORD, and does nothing when another account is admin', async () => {
    const { store } = openStore();
    const error = await authError(() => store.ensureAdmin('short'));
    expect(error.message).toBe('AuthStore: YT_ADMIN_PASSWORD: expected at least 10 characters, got 5');
    expect(store.listAccounts()).toEqual([]);
    await store.createAccount({ username: 'root.li', role: 'admin', password: PASSWORD });
    expect(await store.ensureAdmin('short')).toEqual({ created: false });
    store.close();
  });
});

describe('password complexity', () => {
  it('refuses a password of one kind of character, naming the rule, and takes a passphrase', async () => {
    const store = new AuthStore(':memory:');
    try {
      const digits = await store.createAccount({ username: 'digits', role: 'viewer', password: '1234567890' }).then(
        () => null,
        (e: Error) => e.message,
      );
      expect(digits).toMatch(/password: expected at least two kinds of characters among letters, digits and others/);
      await expect(store.createAccount({ username: 'phrase', role: 'viewer', password: 'correct horse battery' })).resolves.toMatchObject({ account: { username: 'phrase' } });
    } finally {
      store.close();
    }
  });
});
