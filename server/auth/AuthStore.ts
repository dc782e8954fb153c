import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { z } from 'zod';
import {
  ChangePasswordRequest,
  CreateAccountRequest,
  CreateDeviceRequest,
  DATA_LAYER_IDS,
  DATA_LAYERS,
  DEPARTMENTS,
  GrantRequest,
  ROLES,
  UpdateAccountRequest,
  type Account,
  type DataLayerId,
  type Department,
  type DeviceToken,
  type Grant,
  type Grantee,
  type Role,
} from '../protocol/access.ts';
import { describeValue } from '../protocol/formatIssues.ts';
import { openSqlite, resolveSqliteFile } from '../store/openSqlite.ts';
import { hashPassword, oneTimePassword, verifyPassword } from './passwords.ts';

/** The store's file name inside the data directory. */
export const AUTH_FILE = 'auth.sqlite';

/** Why the store refused: bad input, a name taken, nothing by that name, or a refused sign-in. */
export type AuthErrorCode = 'bad_request' | 'exists' | 'not_found' | 'bad_credentials' | 'locked' | 'disabled';

/** Expected refusals (bad input, unknown names, wrong passwords); the message names the field and the value. */
export class AuthError extends Error {
  override name = 'AuthError';
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A signed-in account or wall screen, as `session(token)` finds it. Times are UTC ISO. */
export interface SessionRecord {
  /** The token's sha256, hex: what the store keeps, the audit trail names and endSessionById takes. */
  id: string;
  kind: 'user' | 'device';
  /** The account's name, or the device's. */
  username: string;
  /** The account's role now (a device's is always viewer). */
  role: Role;
  department: Department | null;
  mustChangePassword: boolean;
  createdAt: string;
  lastSeenAt: string;
  address: string;
}

export type SignInResult =
  | { ok: true; token: string; session: SessionRecord }
  | { ok: false; code: 'bad_credentials' | 'locked' | 'disabled'; lockedUntil?: string };

export type DeviceSignInResult = { ok: true; token: string; session: SessionRecord } | { ok: false; code: 'bad_credentials' };

/** What createAccount takes; validated here (CreateAccountRequest), so a request body or CLI strings can be passed as they are. */
export interface NewAccount {
  username: string;
  role: string;
  department?: string | null;
  password?: string;
}

/** What updateAccount takes; validated here (UpdateAccountRequest). */
export interface AccountPatch {
  role?: string;
  department?: string | null;
  disabled?: boolean;
}

export interface AuthStoreOptions {
  /** Wall clock, epoch ms (tests). */
  now?: () => number;
  /** A session ends after this long without requests. Default 30 min. */
  idleTimeoutMs?: number;
  /** A session ends this long after sign-in, however busy. Default 12 h (a command-centre shift). */
  sessionMaxMs?: number;
  /** Consecutive failed sign-ins that lock an account. Default 5. */
  maxFailures?: number;
  /** How long a locked account stays locked. Default 15 min. */
  lockoutMs?: number;
}

/** Fields whose values error messages give only the length of. */
const SECRET_FIELDS = new Set(['password', 'current', 'next']);
/** Set once the default grants were written, so grants an owner revoked are never seeded again. */
const GRANTS_SEEDED = 'grants.seeded';
/** A session's lastSeenAt is written at most this often, so a busy socket does not write on every request. */
const TOUCH_INTERVAL_MS = 15_000;
/** Sign-in compares an unknown user's password with this (a well-formed hash of nothing), taking as long as a real one. */
const DUMMY_HASH = `scrypt$32768$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(64).toString('base64')}`;

/**
 * The grants a new store starts with: viewers, planners and directors see every layer with
 * personal or sensitive fields masked by role; departments see the layers their work needs.
 */
const DEFAULT_GRANTS: readonly { layer: DataLayerId; grantee: Grantee; masked: string[] }[] = [
  ...(
    [
      ['traffic.vehicles', { viewer: ['trip'], planner: ['trip'], director: [] }],
      ['environment.stations', { viewer: ['sources'], planner: [], director: [] }],
      ['health.hospitals', { viewer: ['casualties'], planner: ['beds', 'casualties'], director: [] }],
      ['emergency.incidents', { viewer: [], planner: [], director: [] }],
    ] as const
  ).flatMap(([layer, byRole]) =>
    Object.entries(byRole).map(([role, masked]) => ({ layer, grantee: { kind: 'role' as const, id: role }, masked: [...masked] })),
  ),
  ...DATA_LAYER_IDS.map((layer) => ({ layer, grantee: department('emergency_management'), masked: [] })),
  { layer: 'emergency.incidents', grantee: department('fire_rescue'), masked: [] },
  { layer: 'traffic.vehicles', grantee: department('fire_rescue'), masked: [] },
  { layer: 'health.hospitals', grantee: department('fire_rescue'), masked: ['beds'] },
  { layer: 'emergency.incidents', grantee: department('traffic_police'), masked: [] },
  { layer: 'emergency.incidents', grantee: department('health'), masked: [] },
];

function department(id: Department): Grantee {
  return { kind: 'department', id };
}

/**
 * The store's migrations, oldest first: migration i brings the file from version i to i + 1
 * (SQLite's `user_version`). Append new ones; never edit a released one.
 */
const MIGRATIONS: readonly string[] = [
  // 1: accounts, devices, sessions, grants and settings. Times are epoch ms.
  `
  CREATE TABLE accounts (
    username        TEXT    PRIMARY KEY,
    role            TEXT    NOT NULL,
    department      TEXT,                             -- operators only
    password_hash   TEXT    NOT NULL,                 -- see passwords.ts
    must_change     INTEGER NOT NULL DEFAULT 0,       -- 1: signed in with a one-time password
    disabled        INTEGER NOT NULL DEFAULT 0,
    failures        INTEGER NOT NULL DEFAULT 0,       -- consecutive failed sign-ins
    locked_until    INTEGER,
    created_at      INTEGER NOT NULL,
    last_sign_in_at INTEGER
  ) WITHOUT ROWID;

  CREATE TABLE devices (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,   -- AUTOINCREMENT: a revoked device's id is never reused
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,             -- sha256 hex of the token, which is shown once
    created_by   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    last_used_at INTEGER
  );

  CREATE TABLE sessions (
    id           TEXT    PRIMARY KEY,                 -- sha256 hex of the token; the token is never stored
    kind         TEXT    NOT NULL CHECK (kind IN ('user', 'device')),
    username     TEXT    REFERENCES accounts (username) ON DELETE CASCADE,
    device_id    INTEGER REFERENCES devices (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    address      TEXT    NOT NULL,
    CHECK ((kind = 'user') = (username IS NOT NULL) AND (kind = 'device') = (device_id IS NOT NULL))
  ) WITHOUT ROWID;
  CREATE INDEX sessions_by_account ON sessions (username) WHERE username IS NOT NULL;
  CREATE INDEX sessions_by_device ON sessions (device_id) WHERE device_id IS NOT NULL;

  CREATE TABLE grants (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    layer        TEXT    NOT NULL,
    grantee_kind TEXT    NOT NULL CHECK (grantee_kind IN ('role', 'department')),
    grantee_id   TEXT    NOT NULL,
    masked       TEXT    NOT NULL,                    -- JSON array of field names
    granted_by   TEXT    NOT NULL,
    granted_at   INTEGER NOT NULL,
    UNIQUE (layer, grantee_kind, grantee_id)
  );

  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
];

interface AccountRow {
  username: string;
  role: Role;
  department: Department | null;
  password_hash: string;
  must_change: number;
  disabled: number;
  failures: number;
  locked_until: number | null;
  created_at: number;
  last_sign_in_at: number | null;
}

interface DeviceRow {
  id: number;
  name: string;
  token_hash: string;
  created_by: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

interface GrantRow {
  id: number;
  layer: DataLayerId;
  grantee_kind: Grantee['kind'];
  grantee_id: string;
  masked: string;
  granted_by: string;
  granted_at: number;
}

/** A session joined with its account or device, as session() reads it. */
interface SessionRow {
  id: string;
  kind: 'user' | 'device';
  created_at: number;
  last_seen_at: number;
  address: string;
  name: string;
  role: Role | null;
  department: Department | null;
  must_change: number | null;
  /** 1 when the account is disabled or the device revoked. */
  ended: number;
}

/**
 * Local accounts, their sessions, wall screens' device tokens, data-layer grants and settings, in
 * one SQLite file (`<dataDir>/auth.sqlite`, WAL mode, readable by its owner only). Nothing is
 * cached: a change made by `npm run users` beside a running server applies to its next request.
 * Passwords are scrypt hashes; session and device tokens are kept only as their sha256.
 */
export class AuthStore {
  /** The SQLite file. */
  readonly file: string;
  /** A session ends after this long without requests. */
  readonly idleTimeoutMs: number;
  private readonly sessionMaxMs: number;
  private readonly maxFailures: number;
  private readonly lockoutMs: number;
  private readonly now: () => number;
  private readonly db: Database.Database;
  private readonly stmt: ReturnType<AuthStore['prepareStatements']>;

  /**
   * Opens (creating if needed) the store. `location` is the data directory, a file path ending in
   * .sqlite or .db, or ":memory:". A new store gets the default grants. Throws a clear error naming
   * the file if it is not a SQLite database or was written by a newer server.
   */
  constructor(location: string, options: AuthStoreOptions = {}) {
    this.file = resolveSqliteFile(location, AUTH_FILE);
    this.now = options.now ?? Date.now;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30 * 60_000;
    this.sessionMaxMs = options.sessionMaxMs ?? 12 * 3600_000;
    this.maxFailures = options.maxFailures ?? 5;
    this.lockoutMs = options.lockoutMs ?? 15 * 60_000;

    const isNew = this.file === ':memory:' || !fs.existsSync(this.file);
    this.db = openSqlite(this.file, 'AuthStore', { readonly: false }, (db) => {
      // Password hashes and session ids: readable by the server's user only (SQLite gives the
      // -wal and -shm files the same mode).
      if (isNew && this.file !== ':memory:') fs.chmodSync(this.file, 0o600);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      this.migrate(db);
      db.pragma('foreign_keys = ON');
      // The users CLI may write while the server does.
      db.pragma('busy_timeout = 5000');
    });
    this.stmt = this.prepareStatements();
    if (this.getSetting(GRANTS_SEEDED) === undefined) this.seedDefaultGrants();
  }

  // Accounts

  /**
   * Creates an account. Without a password a one-time one is made, answered here once, and the
   * account must change it at first sign-in. Throws AuthError 'bad_request' or 'exists'.
   */
  async createAccount(request: NewAccount): Promise<{ account: Account; oneTimePassword?: string }> {
    const input = parse(CreateAccountRequest, request);
    checkDepartment(input.role, input.department);
    if (this.stmt.getAccount.get(input.username)) throw exists(input.username);
    const password = input.password ?? oneTimePassword();
    const hash = await hashPassword(password);
    try {
      this.stmt.insertAccount.run(input.username, input.role, input.department, hash, input.password === undefined ? 1 : 0, this.now());
    } catch (err) {
      // Another call took the name while this one was hashing.
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw exists(input.username);
      throw err;
    }
    const account = this.getAccount(input.username);
    return input.password === undefined ? { account, oneTimePassword: password } : { account };
  }

  /** Every account, by username. */
  listAccounts(): Account[] {
    const now = this.now();
    return this.stmt.listAccounts.all().map((row) => toAccount(row, now));
  }

  /** One account; throws AuthError 'not_found'. */
  getAccount(username: string): Account {
    return toAccount(this.accountRow(username), this.now());
  }

  /**
   * Changes an account's role, department or disabled flag. Disabling it or changing its role ends
   * its sessions. A role other than operator drops the department unless one is given (which is
   * refused). Throws AuthError 'bad_request' or 'not_found'.
   */
  updateAccount(username: string, patch: AccountPatch): Account {
    const input = parse(UpdateAccountRequest, patch);
    const row = this.accountRow(username);
    const role = input.role ?? row.role;
    const dept = input.department !== undefined ? input.department : role === 'operator' ? row.department : null;
    checkDepartment(role, dept);
    const disabled = input.disabled ?? row.disabled === 1;
    this.db.transaction(() => {
      this.stmt.updateAccount.run(role, dept, disabled ? 1 : 0, username);
      if (disabled || role !== row.role) this.stmt.endSessionsOf.run(username);
    })();
    return this.getAccount(username);
  }

  /**
   * Gives the account a new one-time password (returned once), which it must change at sign-in;
   * unlocks it and ends its sessions. Throws AuthError 'not_found'.
   */
  async resetPassword(username: string): Promise<string> {
    this.accountRow(username);
    const password = oneTimePassword();
    const hash = await hashPassword(password);
    this.db.transaction(() => {
      this.stmt.setPassword.run(hash, 1, username);
      this.stmt.endSessionsOf.run(username);
    })();
    return password;
  }

  /**
   * Sets a new password after checking the current one; clears mustChangePassword (sessions stay).
   * Throws AuthError 'bad_credentials' for a wrong current password, 'bad_request' for a new one
   * shorter than 10 characters or the same as the current one, 'not_found'.
   */
  async setPassword(username: string, current: string, next: string): Promise<void> {
    const row = this.accountRow(username);
    parse(ChangePasswordRequest, { current, next });
    if (!(await verifyPassword(current, row.password_hash))) {
      throw new AuthError('bad_credentials', `AuthStore: current: not the password of ${JSON.stringify(username)}`);
    }
    if (next === current) throw new AuthError('bad_request', 'AuthStore: next: expected a password other than the current one');
    this.stmt.setPassword.run(await hashPassword(next), 0, username);
  }

  /**
   * When no admin account exists, creates "admin": with `passwordFromEnv` (YT_ADMIN_PASSWORD, at
   * least 10 characters; empty counts as unset) or else a one-time password returned for the
   * server to print once.
   */
  async ensureAdmin(passwordFromEnv?: string): Promise<{ created: boolean; oneTimePassword?: string }> {
    if (this.stmt.countAdmins.get() !== 0) return { created: false };
    const password = passwordFromEnv === '' ? undefined : passwordFromEnv;
    if (password !== undefined && password.length < 10) {
      throw new AuthError('bad_request', `AuthStore: YT_ADMIN_PASSWORD: expected at least 10 characters, got ${password.length}`);
    }
    const taken = this.stmt.getAccount.get('admin');
    if (taken) {
      throw new AuthError('exists', `AuthStore: no account has the admin role and the username "admin" is taken by a ${taken.role}; give an account the admin role`);
    }
    const { oneTimePassword } = await this.createAccount({ username: 'admin', role: 'admin', password });
    return { created: true, oneTimePassword };
  }

  // Sign-in and sessions

  /**
   * Checks a password and opens a session. An unknown user and a wrong password give the same
   * 'bad_credentials' after the same work; maxFailures failures in a row lock the account for
   * lockoutMs ('locked', even with the right password); a disabled account answers 'disabled'
   * only to the right password. Usernames are compared in lower case.
   */
  async signIn(username: string, password: string, address: string): Promise<SignInResult> {
    this.purgeExpired();
    const name = username.toLowerCase();
    const row = this.stmt.getAccount.get(name);
    if (!row) {
      await verifyPassword(password, DUMMY_HASH);
      return { ok: false, code: 'bad_credentials' };
    }
    if (row.locked_until !== null && row.locked_until > this.now()) {
      return { ok: false, code: 'locked', lockedUntil: iso(row.locked_until) };
    }
    if (!(await verifyPassword(password, row.password_hash))) return this.recordFailure(name);
    // Read again: the account may have changed while the password was being checked.
    const account = this.stmt.getAccount.get(name);
    if (!account || account.password_hash !== row.password_hash) return { ok: false, code: 'bad_credentials' };
    if (account.disabled) return { ok: false, code: 'disabled' };
    const now = this.now();
    this.stmt.signedIn.run(now, name);
    const token = newToken();
    this.stmt.insertSession.run(sha256(token), 'user', name, null, now, now, address);
    return { ok: true, token, session: this.session(token)! };
  }

  /**
   * The live session of a token, or undefined when it is unknown, idle longer than idleTimeoutMs,
   * older than sessionMaxMs, or its account is disabled or its device revoked. Role and department
   * are the account's now. Marks the session seen (written at most every 15 s).
   */
  session(token: string): SessionRecord | undefined {
    const row = this.stmt.getSession.get(sha256(token));
    if (!row) return undefined;
    const now = this.now();
    if (row.ended || now - row.last_seen_at > this.idleTimeoutMs || now - row.created_at > this.sessionMaxMs) {
      this.stmt.endSession.run(row.id);
      return undefined;
    }
    if (now - row.last_seen_at >= TOUCH_INTERVAL_MS) {
      this.stmt.touchSession.run(now, row.id);
      row.last_seen_at = now;
    }
    return toSession(row);
  }

  /** Ends the session of a token (signing out); false if there was none. */
  endSession(token: string): boolean {
    return this.endSessionById(sha256(token));
  }

  /** Ends a session by its id (its token's hash); false if there was none. */
  endSessionById(id: string): boolean {
    return this.stmt.endSession.run(id).changes > 0;
  }

  /** Ends every session of an account; returns how many. */
  endSessionsOf(username: string): number {
    return this.stmt.endSessionsOf.run(username).changes;
  }

  // Devices

  /**
   * Makes a read-only token for a wall screen; the token is answered here once and only its hash
   * kept. Names of devices not revoked are unique, so the audit trail tells screens apart.
   */
  createDevice(name: string, createdBy: string): { device: DeviceToken; token: string } {
    const input = parse(CreateDeviceRequest, { name });
    if (this.stmt.activeDeviceNamed.get(input.name)) {
      throw new AuthError('exists', `AuthStore: name: a device named ${JSON.stringify(input.name)} exists; revoke it first`);
    }
    const token = newToken();
    const id = Number(this.stmt.insertDevice.run(input.name, sha256(token), createdBy, this.now()).lastInsertRowid);
    return { device: this.device(id), token };
  }

  /** Every device, revoked ones too, oldest first. */
  listDevices(): DeviceToken[] {
    return this.stmt.listDevices.all().map(toDevice);
  }

  /** Revokes a device token and ends its sessions; throws AuthError 'not_found'. Revoking twice keeps the first time. */
  revokeDevice(id: number): DeviceToken {
    this.device(id);
    this.db.transaction(() => {
      this.stmt.revokeDevice.run(this.now(), id);
      this.stmt.endDeviceSessions.run(id);
    })();
    return this.device(id);
  }

  /** Opens a viewer session for a wall screen's device token, named after the device. */
  deviceSignIn(deviceToken: string, address: string): DeviceSignInResult {
    this.purgeExpired();
    const device = this.stmt.deviceByToken.get(sha256(deviceToken));
    if (!device) return { ok: false, code: 'bad_credentials' };
    const now = this.now();
    const token = newToken();
    this.db.transaction(() => {
      this.stmt.deviceUsed.run(now, device.id);
      this.stmt.insertSession.run(sha256(token), 'device', null, device.id, now, now, address);
    })();
    return { ok: true, token, session: this.session(token)! };
  }

  // Grants

  /** Every grant, by layer then grantee. */
  listGrants(): Grant[] {
    return this.stmt.listGrants.all().map(toGrant);
  }

  /**
   * Grants a role or a department read access to a layer with `masked` fields hidden; replaces
   * that grantee's grant for the layer, keeping its id. Throws AuthError 'bad_request' naming a
   * bad layer, grantee or field.
   */
  addGrant(layer: string, grantee: { kind: string; id: string }, masked: string[], by: string): Grant {
    const input = parse(GrantRequest, { layer, grantee, masked });
    const known: readonly string[] = input.grantee.kind === 'role' ? ROLES : DEPARTMENTS;
    if (!known.includes(input.grantee.id)) {
      throw new AuthError('bad_request', `AuthStore: grantee.id: expected a ${input.grantee.kind}, one of ${known.join(', ')}, got ${describeValue(input.grantee.id)}`);
    }
    const fields = Object.keys(DATA_LAYERS[input.layer].fields);
    input.masked.forEach((field, i) => {
      if (!fields.includes(field)) {
        throw new AuthError('bad_request', `AuthStore: masked.${i}: expected a field of ${input.layer}, one of ${fields.join(', ')}, got ${describeValue(field)}`);
      }
    });
    const maskedJson = JSON.stringify([...new Set(input.masked)].sort());
    const id = this.stmt.upsertGrant.get(input.layer, input.grantee.kind, input.grantee.id, maskedJson, by, this.now())!;
    return toGrant(this.stmt.getGrant.get(id)!);
  }

  /** Removes a grant; throws AuthError 'not_found'. */
  removeGrant(id: number): Grant {
    const row = this.stmt.getGrant.get(id);
    if (!row) throw new AuthError('not_found', `AuthStore: grant: no grant with id ${describeValue(id)}`);
    this.stmt.deleteGrant.run(id);
    return toGrant(row);
  }

  /**
   * Writes the default grants (replacing any for the same layer and grantee) and marks the store
   * seeded; a new store does this once, so grants revoked later stay revoked.
   */
  seedDefaultGrants(by = 'system'): void {
    this.db.transaction(() => {
      for (const g of DEFAULT_GRANTS) this.addGrant(g.layer, g.grantee, g.masked, by);
      this.setSetting(GRANTS_SEEDED, iso(this.now()));
    })();
  }

  // Settings

  /** A stored setting, or undefined. */
  getSetting(key: string): string | undefined {
    return this.stmt.getSetting.get(key);
  }

  setSetting(key: string, value: string): void {
    this.stmt.setSetting.run(key, value);
  }

  /** Closes the file; calling it again does nothing. */
  close(): void {
    if (this.db.open) this.db.close();
  }

  private accountRow(username: string): AccountRow {
    const row = this.stmt.getAccount.get(username);
    if (!row) throw new AuthError('not_found', `AuthStore: username: no account ${describeValue(username)}`);
    return row;
  }

  private device(id: number): DeviceToken {
    const row = this.stmt.getDevice.get(id);
    if (!row) throw new AuthError('not_found', `AuthStore: device: no device with id ${describeValue(id)}`);
    return toDevice(row);
  }

  /** Counts a failed sign-in; the one that reaches maxFailures locks the account (and restarts the count). */
  private recordFailure(username: string): SignInResult {
    const failures = this.stmt.addFailure.get(username);
    if (failures === undefined || failures < this.maxFailures) return { ok: false, code: 'bad_credentials' };
    const until = this.now() + this.lockoutMs;
    this.stmt.lock.run(until, username);
    return { ok: false, code: 'locked', lockedUntil: iso(until) };
  }

  /** Deletes sessions past their idle or maximum time. */
  private purgeExpired(): void {
    const now = this.now();
    this.stmt.purgeSessions.run(now - this.idleTimeoutMs, now - this.sessionMaxMs);
  }

  private migrate(db: Database.Database): void {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(`AuthStore: ${this.file} has schema version ${version}, newer than this server's ${MIGRATIONS.length}; upgrade the server`);
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[v]);
        db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  private prepareStatements() {
    const db = this.db;
    return {
      getAccount: db.prepare<[string], AccountRow>(`SELECT * FROM accounts WHERE username = ?`),
      listAccounts: db.prepare<[], AccountRow>(`SELECT * FROM accounts ORDER BY username`),
      countAdmins: db.prepare<[], number>(`SELECT count(*) FROM accounts WHERE role = 'admin'`).pluck(),
      insertAccount: db.prepare<[string, Role, Department | null, string, number, number]>(
        `INSERT INTO accounts (username, role, department, password_hash, must_change, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      updateAccount: db.prepare<[Role, Department | null, number, string]>(
        `UPDATE accounts SET role = ?, department = ?, disabled = ? WHERE username = ?`,
      ),
      // A new password also unlocks: the admin who reset it, or the user who knew the old one.
      setPassword: db.prepare<[string, number, string]>(
        `UPDATE accounts SET password_hash = ?, must_change = ?, failures = 0, locked_until = NULL WHERE username = ?`,
      ),
      addFailure: db.prepare<[string], number>(`UPDATE accounts SET failures = failures + 1 WHERE username = ? RETURNING failures`).pluck(),
      lock: db.prepare<[number, string]>(`UPDATE accounts SET failures = 0, locked_until = ? WHERE username = ?`),
      signedIn: db.prepare<[number, string]>(
        `UPDATE accounts SET failures = 0, locked_until = NULL, last_sign_in_at = ? WHERE username = ?`,
      ),

      insertSession: db.prepare<[string, 'user' | 'device', string | null, number | null, number, number, string]>(
        `INSERT INTO sessions (id, kind, username, device_id, created_at, last_seen_at, address) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      getSession: db.prepare<[string], SessionRow>(
        `SELECT s.id, s.kind, s.created_at, s.last_seen_at, s.address,
                coalesce(a.username, d.name) AS name,
                CASE s.kind WHEN 'device' THEN 'viewer' ELSE a.role END AS role,
                a.department, a.must_change,
                coalesce(a.disabled, d.revoked_at IS NOT NULL) AS ended
         FROM sessions s
         LEFT JOIN accounts a ON a.username = s.username
         LEFT JOIN devices d ON d.id = s.device_id
         WHERE s.id = ?`,
      ),
      touchSession: db.prepare<[number, string]>(`UPDATE sessions SET last_seen_at = ? WHERE id = ?`),
      endSession: db.prepare<[string]>(`DELETE FROM sessions WHERE id = ?`),
      endSessionsOf: db.prepare<[string]>(`DELETE FROM sessions WHERE username = ?`),
      endDeviceSessions: db.prepare<[number]>(`DELETE FROM sessions WHERE device_id = ?`),
      purgeSessions: db.prepare<[number, number]>(`DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?`),

      insertDevice: db.prepare<[string, string, string, number]>(
        `INSERT INTO devices (name, token_hash, created_by, created_at) VALUES (?, ?, ?, ?)`,
      ),
      getDevice: db.prepare<[number], DeviceRow>(`SELECT * FROM devices WHERE id = ?`),
      activeDeviceNamed: db.prepare<[string], DeviceRow>(`SELECT * FROM devices WHERE name = ? AND revoked_at IS NULL`),
      deviceByToken: db.prepare<[string], DeviceRow>(`SELECT * FROM devices WHERE token_hash = ? AND revoked_at IS NULL`),
      listDevices: db.prepare<[], DeviceRow>(`SELECT * FROM devices ORDER BY id`),
      revokeDevice: db.prepare<[number, number]>(`UPDATE devices SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`),
      deviceUsed: db.prepare<[number, number]>(`UPDATE devices SET last_used_at = ? WHERE id = ?`),

      listGrants: db.prepare<[], GrantRow>(`SELECT * FROM grants ORDER BY layer, grantee_kind DESC, grantee_id`),
      getGrant: db.prepare<[number], GrantRow>(`SELECT * FROM grants WHERE id = ?`),
      upsertGrant: db.prepare<[string, string, string, string, string, number], number>(
        `INSERT INTO grants (layer, grantee_kind, grantee_id, masked, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (layer, grantee_kind, grantee_id)
         DO UPDATE SET masked = excluded.masked, granted_by = excluded.granted_by, granted_at = excluded.granted_at
         RETURNING id`,
      ).pluck(),
      deleteGrant: db.prepare<[number]>(`DELETE FROM grants WHERE id = ?`),

      getSetting: db.prepare<[string], string>(`SELECT value FROM settings WHERE key = ?`).pluck(),
      setSetting: db.prepare<[string, string]>(
        `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      ),
    };
  }
}

/**
 * Validates with a protocol schema; the first problem becomes an AuthError naming the field and
 * the value (`AuthStore: role: expected one of viewer, …, got "boss"`). Passwords are never echoed.
 */
function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    throw new AuthError('bad_request', `AuthStore: ${issue.keys.join(', ')}: unknown field`);
  }
  const field = issue.path.map(String).join('.') || '(root)';
  const value = issue.path.reduce<unknown>((v, key) => (v as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey], input);
  let expected = issue.message;
  if (issue.code === 'invalid_value') expected = `expected one of ${issue.values.map(String).join(', ')}`;
  else if (issue.code === 'too_small') expected = `expected at least ${issue.minimum}${issue.origin === 'string' ? ' characters' : ''}`;
  else if (issue.code === 'too_big') expected = `expected at most ${issue.maximum}${issue.origin === 'string' ? ' characters' : ''}`;
  else if (issue.code === 'invalid_type') expected = `expected ${issue.expected}`;
  const got = SECRET_FIELDS.has(field) && typeof value === 'string' ? `${value.length} characters` : describeValue(value);
  throw new AuthError('bad_request', `AuthStore: ${field}: ${expected}, got ${got}`);
}

/** Operators act for a department; no other role has one. */
function checkDepartment(role: Role, dept: Department | null): void {
  if (role === 'operator' && dept === null) {
    throw new AuthError('bad_request', `AuthStore: department: an operator needs one of ${DEPARTMENTS.join(', ')}, got null`);
  }
  if (role !== 'operator' && dept !== null) {
    throw new AuthError('bad_request', `AuthStore: department: only operators belong to a department, got ${JSON.stringify(dept)} for role ${role}`);
  }
}

function exists(username: string): AuthError {
  return new AuthError('exists', `AuthStore: username: ${JSON.stringify(username)} is taken`);
}

/** 32 random bytes, base64url: a session or device token. */
function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

function toAccount(r: AccountRow, now: number): Account {
  return {
    username: r.username,
    role: r.role,
    department: r.department,
    disabled: r.disabled === 1,
    mustChangePassword: r.must_change === 1,
    createdAt: iso(r.created_at),
    lastSignInAt: isoOrNull(r.last_sign_in_at),
    lockedUntil: r.locked_until !== null && r.locked_until > now ? iso(r.locked_until) : null,
  };
}

function toSession(r: SessionRow): SessionRecord {
  return {
    id: r.id,
    kind: r.kind,
    username: r.name,
    role: r.role!,
    department: r.department,
    mustChangePassword: r.must_change === 1,
    createdAt: iso(r.created_at),
    lastSeenAt: iso(r.last_seen_at),
    address: r.address,
  };
}

function toDevice(r: DeviceRow): DeviceToken {
  return {
    id: r.id,
    name: r.name,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    revokedAt: isoOrNull(r.revoked_at),
    lastUsedAt: isoOrNull(r.last_used_at),
  };
}

function toGrant(r: GrantRow): Grant {
  return {
    id: r.id,
    layer: r.layer,
    grantee: { kind: r.grantee_kind, id: r.grantee_id },
    masked: JSON.parse(r.masked) as string[],
    grantedBy: r.granted_by,
    grantedAt: iso(r.granted_at),
  };
}
