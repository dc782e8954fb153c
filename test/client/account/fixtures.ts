/** Sessions as the server answers them, a stubbed fetch, and a translator over the app's strings. */
import i18next, { type TFunction } from 'i18next';
import { vi } from 'vitest';
import { en, zhCN } from '../../../client/app/locales.ts';
import { DATA_LAYER_IDS, ROLE_PERMISSIONS } from '../../../server/protocol/access.ts';
import type { DataView, Department, Role, SessionInfo } from '../../../server/protocol/access.ts';

const noAccess = Object.fromEntries(DATA_LAYER_IDS.map((id) => [id, { access: 'none' }])) as DataView;

/** A SessionInfo for `role` (null: an anonymous visitor on a server whose anonymous setting is 'none'). */
export function sessionOf(role: Role | null, options: { kind?: SessionInfo['principal']['kind']; username?: string; department?: Department; mustChangePassword?: boolean; allowedOrigins?: string[] } = {}): SessionInfo {
  const kind = options.kind ?? (role === null ? 'anonymous' : 'user');
  return {
    principal: { kind, username: kind === 'anonymous' ? null : (options.username ?? 'li.wei'), role, department: options.department ?? null },
    permissions: role === null ? [] : [...ROLE_PERMISSIONS[role]],
    view: noAccess,
    anonymous: role === null ? 'none' : 'viewer',
    idleTimeoutS: 1800,
    mustChangePassword: options.mustChangePassword ?? false,
    allowedOrigins: options.allowedOrigins ?? [],
  };
}

/** A JSON answer as the server sends it (an empty body for 204). */
export const answer = (status: number, body?: unknown): Response =>
  new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** Replaces the global fetch with one answering from `respond`; returns the mock to read the requests from. */
export function stubFetch(respond: (url: string, init: RequestInit) => Response) {
  const fetch = vi.fn(async (url: string, init: RequestInit) => respond(url, init));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

/** The app's t() in `language`. */
export function translator(language: 'zh-CN' | 'en'): TFunction {
  const instance = i18next.createInstance();
  void instance.init({ resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } }, lng: language, fallbackLng: 'zh-CN', interpolation: { escapeValue: false }, initAsync: false });
  return instance.t;
}
