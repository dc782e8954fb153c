/** Which page a route shows to this session: the router's route gated by what the session may do. */
import type { SessionInfo } from '../../server/protocol/access.ts';
import { sessionCan } from '../twin/session.ts';

export type AccountRoute = 'globe' | 'three' | 'login' | 'admin' | 'audit';

/**
 * What to show: the twin, a page, the login page (a visitor who may not see this route until signed
 * in), the new-password form (an account that signed in with a one-time password), 'forbidden', or
 * `{ redirect }` (an auditor, who may not see the city, goes to the audit trail).
 */
export type Page = 'twin' | 'login' | 'password' | 'admin' | 'audit' | 'forbidden' | { redirect: string };

/** True when the session may open the admin page (accounts, devices, grants). */
export const mayAdminister = (info: SessionInfo | null): boolean => (['accounts.manage', 'grants.manage', 'grants.own'] as const).some((p) => sessionCan(info, p));

/** The page `route` shows to `info`. */
export function pageFor(route: AccountRoute, info: SessionInfo): Page {
  if (info.principal.kind === 'user' && info.mustChangePassword) return 'password';
  if (route === 'login') return 'login';
  const anonymous = info.principal.kind === 'anonymous';
  const allowed = route === 'admin' ? mayAdminister(info) : route === 'audit' ? sessionCan(info, 'audit.read') : sessionCan(info, 'view');
  if (allowed) return route === 'admin' || route === 'audit' ? route : 'twin';
  if (anonymous) return 'login';
  if (route !== 'admin' && route !== 'audit' && sessionCan(info, 'audit.read')) return { redirect: '/audit' };
  return 'forbidden';
}
