/** Which page a route shows to this session: the router's route gated by what the session may do. */
import type { SessionInfo } from '../../server/protocol/access.ts';
import { sessionCan } from '../twin/session.ts';

export type AccountRoute = 'globe' | 'three' | 'login' | 'admin' | 'audit' | 'screen' | 'director' | 'console' | 'review';

/**
 * What to show: the twin, a page, the login page (a visitor who may not see this route until signed
 * in), the new-password form (an account that signed in with a one-time password), 'forbidden', or
 * `{ redirect }` (an auditor, who may not see the city, goes to the audit trail).
 */
export type Page = 'twin' | 'login' | 'password' | 'admin' | 'audit' | 'forbidden' | CommandPage | { redirect: string };

/** The command center's pages (client/command). */
export type CommandPage = 'screen' | 'director' | 'console' | 'review';

/** What a session needs for each command-center page: the wall and the review are for viewers; directing and the console are not. */
const COMMAND_ALLOWED: Record<CommandPage, (info: SessionInfo) => boolean> = {
  screen: (info) => sessionCan(info, 'view'),
  review: (info) => sessionCan(info, 'view'),
  director: (info) => sessionCan(info, 'drill.direct'),
  console: (info) => sessionCan(info, 'dept.inject') || sessionCan(info, 'drill.direct'),
};
const isCommandPage = (route: AccountRoute): route is CommandPage => route in COMMAND_ALLOWED;

/** True when the session may open the admin page (accounts, devices, grants). */
export const mayAdminister = (info: SessionInfo | null): boolean => (['accounts.manage', 'grants.manage', 'grants.own'] as const).some((p) => sessionCan(info, p));

/** The page `route` shows to `info`. */
export function pageFor(route: AccountRoute, info: SessionInfo): Page {
  if (info.principal.kind === 'user' && info.mustChangePassword) return 'password';
  if (route === 'login') return 'login';
  const anonymous = info.principal.kind === 'anonymous';
  if (isCommandPage(route)) {
    if (COMMAND_ALLOWED[route](info)) return route;
    if (anonymous) return 'login';
    return sessionCan(info, 'audit.read') ? { redirect: '/audit' } : 'forbidden';
  }
  const allowed = route === 'admin' ? mayAdminister(info) : route === 'audit' ? sessionCan(info, 'audit.read') : sessionCan(info, 'view');
  if (allowed) return route === 'admin' || route === 'audit' ? route : 'twin';
  if (anonymous) return 'login';
  if (route !== 'admin' && route !== 'audit' && sessionCan(info, 'audit.read')) return { redirect: '/audit' };
  return 'forbidden';
}
