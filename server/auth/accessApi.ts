import type { Context } from 'koa';
import { Router } from '@koa/router';
import {
  AuditQuery,
  ChangePasswordRequest,
  CreateAccountRequest,
  CreateDeviceRequest,
  DATA_LAYERS,
  GrantRequest,
  PERMISSIONS,
  SignInRequest,
  UpdateAccountRequest,
  type SessionInfo,
} from '../protocol/access.ts';
import { formatIssues } from '../protocol/formatIssues.ts';
import { readJson } from '../http/readJson.ts';
import { RateLimiter } from '../http/rateLimit.ts';
import { refuse } from '../http/refuse.ts';
import type { AuditEntry } from '../audit/AuditLog.ts';
import { AuthError } from './AuthStore.ts';
import { accessMatrix } from './dataView.ts';
import { principalOf } from './authorize.ts';
import { can, permissionsOf, type Principal } from './principal.ts';
import { principalOfSession, SESSION_COOKIE, type Trust } from './Trust.ts';

const STATUS: Record<string, number> = { bad_request: 400, exists: 409, not_found: 404, bad_credentials: 401, locked: 423, disabled: 403, forbidden: 403 };

/** Answers an AuthError as JSON; other errors go on to the error middleware. */
function refuseAuthError(ctx: Context, error: unknown): void {
  if (!(error instanceof AuthError)) throw error;
  refuse(ctx, STATUS[error.code] ?? 400, error.code, error.message);
}

function parse<T>(ctx: Context, where: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, input: unknown): T | undefined {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  refuse(ctx, 400, 'bad_request', formatIssues(where, parsed.error, input));
  return undefined;
}

/**
 * Sessions, accounts, device tokens, grants and the audit trail over HTTP (the routes' access
 * rules are in rules.ts; this adds the finer checks: a department operator edits only its own
 * layers' grants). Every change is written to the audit trail.
 */
export function accessApi(trust: Trust): Router {
  const router = new Router({ prefix: '/api' });
  const { store, audit } = trust;
  // Failed sign-ins per address: 10 at once, then one each 6 s; past that the address waits (the
  // account lockout is the other half: it stops guessing one account's password from many addresses).
  const failures = new RateLimiter({ ratePerS: 1 / 6, burst: 10 });
  const blockedUntil = new Map<string, number>();
  const signInBlocked = (address: string): number => {
    const until = blockedUntil.get(address) ?? 0;
    if (until <= Date.now()) blockedUntil.delete(address);
    return Math.max(0, Math.ceil((until - Date.now()) / 1000));
  };
  const signInFailed = (address: string): void => {
    const taken = failures.take(address);
    if (taken.ok) return;
    if (blockedUntil.size > 10_000) blockedUntil.clear();
    blockedUntil.set(address, Date.now() + taken.retryAfterS * 1000);
  };

  const sessionInfo = (principal: Principal): SessionInfo => ({
    principal: { kind: principal.kind, username: principal.username, role: principal.role, department: principal.department },
    permissions: PERMISSIONS.filter((p) => permissionsOf(principal).includes(p)),
    view: trust.view(principal),
    anonymous: trust.settings.anonymous,
    idleTimeoutS: Math.round(store.idleTimeoutMs / 1000),
    mustChangePassword: principal.mustChangePassword,
    allowedOrigins: [...trust.settings.allowedOrigins],
  });

  /**
   * Makes an account change and answers what it returns (with `status`), recording it ok or failed
   * in the audit trail. A refusal from the store is answered as its AuthError.
   */
  const accountChange = async (ctx: Context, action: string, target: string, detail: AuditEntry['detail'], change: () => unknown, status = 200): Promise<void> => {
    const principal = principalOf(ctx);
    try {
      const body = await change();
      trust.record(principal, action, target, 'ok', detail);
      ctx.status = status;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = body;
    } catch (error) {
      trust.record(principal, action, target, 'failed', { message: (error as Error).message });
      refuseAuthError(ctx, error);
    }
  };

  router.get('/session', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = sessionInfo(principalOf(ctx));
  });

  router.post('/session', async (ctx) => {
    const where = 'POST /api/session';
    const waitS = signInBlocked(ctx.ip);
    if (waitS > 0) {
      return refuse(ctx, 429, 'rate_limited', `${where}: too many failed sign-ins from this address; try again in ${waitS} s`, { headers: { 'Retry-After': String(waitS) } });
    }
    const input = await readJson(ctx, where);
    const request = parse(ctx, where, SignInRequest, input);
    if (!request) return;
    const before = principalOf(ctx);
    const result = 'deviceToken' in request ? store.deviceSignIn(request.deviceToken, ctx.ip) : await store.signIn(request.username, request.password, ctx.ip);
    const who = 'username' in request ? request.username : 'device';
    if (!result.ok) {
      signInFailed(ctx.ip);
      // Nobody is signed in yet: the record names who was tried, with no role.
      trust.record({ ...before, kind: 'user', username: who, role: null }, 'session.signIn', who, 'failed', { code: result.code });
      const message =
        result.code === 'locked'
          ? `${where}: the account is locked after repeated failures until ${result.lockedUntil}`
          : result.code === 'disabled'
            ? `${where}: the account is disabled; ask an administrator`
            : `${where}: wrong user name or password`;
      return refuse(ctx, STATUS[result.code], result.code, message, result.code === 'locked' ? { fields: { lockedUntil: result.lockedUntil } } : {});
    }
    if (before.sessionId) trust.endSession(before.sessionId);
    ctx.cookies.set(SESSION_COOKIE, result.token, { httpOnly: true, sameSite: 'strict', path: '/', secure: ctx.secure, overwrite: true });
    const principal = principalOfSession(result.session, ctx.ip);
    trust.record(principal, 'session.signIn', result.session.username, 'ok', { kind: result.session.kind });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = sessionInfo(principal);
  });

  router.delete('/session', (ctx) => {
    const principal = principalOf(ctx);
    if (principal.sessionId) {
      trust.endSession(principal.sessionId);
      trust.record(principal, 'session.signOut', principal.username ?? '', 'ok');
    }
    ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/', secure: ctx.secure, overwrite: true, maxAge: 0 });
    ctx.status = 204;
  });

  router.post('/session/password', async (ctx) => {
    const where = 'POST /api/session/password';
    const principal = principalOf(ctx);
    if (principal.kind !== 'user' || !principal.username) return refuse(ctx, 403, 'forbidden', `${where}: only accounts have passwords`);
    const request = parse(ctx, where, ChangePasswordRequest, await readJson(ctx, where));
    if (!request) return;
    try {
      await store.setPassword(principal.username, request.current, request.next);
    } catch (error) {
      trust.record(principal, 'account.password', principal.username, 'failed', { code: (error as AuthError).code ?? 'error' });
      if (error instanceof AuthError && error.code === 'bad_credentials') return refuse(ctx, 403, 'bad_credentials', `${where}: current: the current password is wrong`);
      return refuseAuthError(ctx, error);
    }
    trust.record(principal, 'account.password', principal.username, 'ok');
    ctx.status = 204;
  });

  router.get('/users', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { accounts: store.listAccounts() };
  });

  router.post('/users', async (ctx) => {
    const where = 'POST /api/users';
    const request = parse(ctx, where, CreateAccountRequest, await readJson(ctx, where));
    if (!request) return;
    await accountChange(ctx, 'account.create', request.username, { role: request.role, department: request.department }, () => store.createAccount(request), 201);
  });

  router.patch('/users/:username', async (ctx) => {
    const where = 'PATCH /api/users/:username';
    const principal = principalOf(ctx);
    const request = parse(ctx, where, UpdateAccountRequest, await readJson(ctx, where));
    if (!request) return;
    if (ctx.params.username === principal.username && (request.disabled === true || (request.role !== undefined && request.role !== 'admin'))) {
      return refuse(ctx, 409, 'self_lockout', `${where}: an administrator may not disable or demote their own account; ask another administrator`);
    }
    await accountChange(ctx, 'account.update', ctx.params.username, request, () => {
      const account = store.updateAccount(ctx.params.username, request);
      // A role or an account's state changed: views and sockets are worked out again.
      trust.changed();
      return { account };
    });
  });

  router.post('/users/:username/reset', (ctx) =>
    accountChange(ctx, 'account.reset', ctx.params.username, null, async () => {
      const oneTimePassword = await store.resetPassword(ctx.params.username);
      trust.changed();
      return { oneTimePassword };
    }),
  );

  router.get('/devices', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { devices: store.listDevices() };
  });

  router.post('/devices', async (ctx) => {
    const where = 'POST /api/devices';
    const principal = principalOf(ctx);
    const request = parse(ctx, where, CreateDeviceRequest, await readJson(ctx, where));
    if (!request) return;
    const made = store.createDevice(request.name, principal.username ?? 'unknown');
    trust.record(principal, 'device.create', request.name, 'ok', { id: made.device.id });
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = made;
  });

  router.delete('/devices/:id', (ctx) => {
    const principal = principalOf(ctx);
    const id = Number(ctx.params.id);
    if (!/^\d{1,12}$/.test(ctx.params.id)) return refuse(ctx, 400, 'bad_request', `DELETE /api/devices/:id: id must be a device token's number, got ${JSON.stringify(ctx.params.id)}`);
    try {
      const device = store.revokeDevice(id);
      trust.record(principal, 'device.revoke', device.name, 'ok', { id });
      trust.changed();
      ctx.body = { device };
    } catch (error) {
      refuseAuthError(ctx, error);
    }
  });

  router.get('/grants', (ctx) => {
    const grants = store.listGrants();
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { layers: Object.values(DATA_LAYERS), grants, matrix: accessMatrix(grants) };
  });

  /** A department operator changes only its own layers' grants; grants.manage changes any. */
  const mayGrant = (principal: Principal, layer: keyof typeof DATA_LAYERS): boolean => can(principal, 'grants.manage') || (can(principal, 'grants.own') && DATA_LAYERS[layer].owner === principal.department);

  router.post('/grants', async (ctx) => {
    const where = 'POST /api/grants';
    const principal = principalOf(ctx);
    const request = parse(ctx, where, GrantRequest, await readJson(ctx, where));
    if (!request) return;
    if (!mayGrant(principal, request.layer)) {
      trust.record(principal, 'grant.add', request.layer, 'denied');
      return refuse(ctx, 403, 'forbidden', `${where}: layer: ${request.layer} belongs to ${DATA_LAYERS[request.layer].owner}; only its department or an administrator grants it`);
    }
    try {
      const grant = store.addGrant(request.layer, request.grantee, request.masked, principal.username ?? 'unknown');
      trust.record(principal, 'grant.add', request.layer, 'ok', { grantee: request.grantee, masked: request.masked });
      trust.changed();
      ctx.status = 201;
      ctx.body = { grant };
    } catch (error) {
      refuseAuthError(ctx, error);
    }
  });

  router.delete('/grants/:id', (ctx) => {
    const where = 'DELETE /api/grants/:id';
    const principal = principalOf(ctx);
    if (!/^\d{1,12}$/.test(ctx.params.id)) return refuse(ctx, 400, 'bad_request', `${where}: id must be a grant's number, got ${JSON.stringify(ctx.params.id)}`);
    const existing = store.listGrants().find((g) => g.id === Number(ctx.params.id));
    if (!existing) return refuse(ctx, 404, 'not_found', `${where}: no grant ${ctx.params.id}`);
    if (!mayGrant(principal, existing.layer)) {
      trust.record(principal, 'grant.remove', existing.layer, 'denied', { id: existing.id });
      return refuse(ctx, 403, 'forbidden', `${where}: layer ${existing.layer} belongs to ${DATA_LAYERS[existing.layer].owner}; only its department or an administrator revokes its grants`);
    }
    const grant = store.removeGrant(existing.id);
    trust.record(principal, 'grant.remove', existing.layer, 'ok', { grantee: existing.grantee, masked: existing.masked });
    trust.changed();
    ctx.body = { grant };
  });

  router.get('/audit', (ctx) => {
    const query = parse(ctx, 'GET /api/audit', AuditQuery, ctx.query);
    if (!query) return;
    trust.record(principalOf(ctx), 'audit.read', ctx.querystring || '*', 'ok');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = audit.query(query);
  });

  router.get('/audit/verify', (ctx) => {
    const result = audit.verify();
    trust.record(principalOf(ctx), 'audit.verify', 'chain', result.ok ? 'ok' : 'failed', result.ok ? { checked: result.checked } : result.firstBroken);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = result;
  });

  return router;
}
