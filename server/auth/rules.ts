import type { Permission } from '../protocol/access.ts';
import type { ControlName } from '../protocol/controls.ts';
import { can, type Principal } from './principal.ts';

/**
 * Who may call a route or send a socket request: anyone (`public`), anyone signed in (`signedIn`,
 * accounts and devices), or whoever holds one of `anyOf`. Run-level checks (whose run, which inject)
 * come on top, in the handler, from runRules.ts.
 */
export type AccessRule = { public: true } | { signedIn: true } | { anyOf: readonly Permission[] };

const PUBLIC: AccessRule = { public: true };
const SIGNED_IN: AccessRule = { signedIn: true };
const any = (...anyOf: Permission[]): AccessRule => ({ anyOf });
const VIEW = any('view');

/**
 * Every HTTP route of the app, "METHOD /path/:param" → its rule. Deny by default: an /api/ or
 * /tiles/ request matching no entry is refused (403), so a route added without a rule cannot be
 * reached — and test/server/auth/accessMatrix.test.ts fails on it.
 */
export const ROUTE_RULES: Readonly<Record<string, AccessRule>> = {
  'GET /api/health': PUBLIC,
  'GET /api/session': PUBLIC,
  'POST /api/session': PUBLIC,
  'DELETE /api/session': PUBLIC,
  'POST /api/session/password': SIGNED_IN,

  'GET /api/cities': VIEW,
  'GET /api/cities/:id': VIEW,
  'GET /api/cities/:id/roads': VIEW,
  'GET /api/cities/:id/buildings/:bid': VIEW,
  'GET /api/air/aqi': VIEW,
  'GET /tiles/*': VIEW,

  'GET /api/scenarios': VIEW,
  'GET /api/drills': VIEW,
  'GET /api/drills/:id': VIEW,
  'POST /api/drills/:id/control': any('drill.direct'),
  'GET /api/drills/sessions/:sessionId/review': VIEW,
  'GET /api/tours': VIEW,
  'GET /api/runs': VIEW,
  'POST /api/runs': any('run.create'),
  'GET /api/runs/:id': VIEW,
  'DELETE /api/runs/:id': any('run.control', 'live.control', 'runs.admin'),
  'GET /api/runs/:id/traffic': VIEW,
  'GET /api/runs/:id/air': VIEW,
  'GET /api/runs/:id/air/point': VIEW,
  'GET /api/runs/:id/links/:linkId': VIEW,
  'GET /api/runs/:id/objects/:objectId': VIEW,
  'GET /api/runs/:id/incidents': VIEW,
  'GET /api/runs/:id/shelters': VIEW,
  'GET /api/runs/:id/hospitals': VIEW,
  'GET /api/runs/:id/flood': VIEW,
  'GET /api/runs/:id/dashboard': VIEW,
  'POST /api/runs/:id/control': any('run.control', 'live.control', 'dept.inject', 'runs.admin'),
  'POST /api/whatif': any('whatif'),
  'GET /api/whatif': VIEW,
  'GET /api/whatif/:id': VIEW,

  'GET /api/users': any('accounts.manage'),
  'POST /api/users': any('accounts.manage'),
  'PATCH /api/users/:username': any('accounts.manage'),
  'POST /api/users/:username/reset': any('accounts.manage'),
  'GET /api/devices': any('accounts.manage'),
  'POST /api/devices': any('accounts.manage'),
  'DELETE /api/devices/:id': any('accounts.manage'),
  'GET /api/grants': any('grants.manage', 'grants.own'),
  'POST /api/grants': any('grants.manage', 'grants.own'),
  'DELETE /api/grants/:id': any('grants.manage', 'grants.own'),
  'GET /api/audit': any('audit.read'),
  'GET /api/audit/verify': any('audit.read'),
};

/** Every socket request → its rule (run-level checks in attachRealtime). */
export const EVENT_RULES: Readonly<Record<ControlName | 'drill', AccessRule>> = {
  createRun: any('run.create'),
  join: VIEW,
  leave: PUBLIC,
  keyframe: VIEW,
  play: any('run.control', 'live.control'),
  pause: any('run.control', 'live.control'),
  speed: any('run.control', 'live.control'),
  seek: any('run.control', 'live.control'),
  stop: any('run.control', 'live.control', 'runs.admin'),
  inject: any('run.inject', 'dept.inject'),
  // Per op on top (drillRefusal): follow with 'view', lead with 'drill.direct', act with 'dept.inject' or 'drill.direct'.
  drill: VIEW,
};

/** Why a rule refuses, or null when it allows: 'unauthenticated' (sign in first) or 'forbidden'. */
export function refusal(rule: AccessRule, principal: Principal): 'unauthenticated' | 'forbidden' | null {
  if ('public' in rule) return null;
  if ('signedIn' in rule) return principal.kind === 'anonymous' ? 'unauthenticated' : null;
  if (rule.anyOf.some((p) => can(principal, p))) return null;
  return principal.kind === 'anonymous' ? 'unauthenticated' : 'forbidden';
}

interface CompiledRule {
  method: string;
  pattern: string;
  regex: RegExp;
  rule: AccessRule;
}

function compile(key: string, rule: AccessRule): CompiledRule {
  const [method, pattern] = key.split(' ');
  const source = pattern
    .split('/')
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { method, pattern, regex: new RegExp(`^${source}/?$`), rule };
}

const COMPILED = Object.entries(ROUTE_RULES).map(([key, rule]) => compile(key, rule));

/**
 * The rule of a request, and its route pattern ("/api/runs/:id"); HEAD is GET's. Null when no rule
 * matches: for /api/ and /tiles/ paths that means refused, for others (the web client's files) allowed.
 */
export function ruleFor(method: string, path: string): { pattern: string; rule: AccessRule } | null {
  const m = method === 'HEAD' ? 'GET' : method;
  // Exact patterns before parametrised ones: "/api/whatif" is not "/api/whatif/:id".
  let found: CompiledRule | null = null;
  for (const c of COMPILED) {
    if (c.method !== m || !c.regex.test(path)) continue;
    if (!found || specificity(c.pattern) > specificity(found.pattern)) found = c;
  }
  return found && { pattern: found.pattern, rule: found.rule };
}

function specificity(pattern: string): number {
  return pattern.split('/').filter((p) => p !== '' && !p.startsWith(':') && p !== '*').length;
}

/** True for paths the access rules must cover (deny by default). */
export function isGuardedPath(path: string): boolean {
  return /^\/(api|tiles)(\/|$)/.test(path);
}
