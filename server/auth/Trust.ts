import { EventEmitter } from 'node:events';
import type { AuditEntry, AuditLog } from '../audit/AuditLog.ts';
import type { DataView, Role } from '../protocol/access.ts';
import type { AuthStore, SessionRecord } from './AuthStore.ts';
import { viewFor } from './dataView.ts';
import { actorName, anonymousPrincipal, type Principal } from './principal.ts';

/** The session cookie: HttpOnly, SameSite=Strict, path /. */
export const SESSION_COOKIE = 'yt_session';

export interface TrustSettings {
  /** What a visitor who has not signed in may do: see the twin (viewer) or nothing (none). */
  anonymous: 'viewer' | 'none';
  /** Origins besides the server's own that may call it and serve tilesets/imagery (config.allowedOrigins). */
  allowedOrigins: readonly string[];
}

interface TrustEvents {
  /** A session ended (signed out, expired, its account disabled): its sockets must drop to anonymous. */
  sessionEnded: [sessionId: string];
  /** Grants or accounts changed: every socket's data view must be worked out again. */
  viewsChanged: [];
}

/**
 * The server's trust state in one place, for the HTTP middleware, the access API and the
 * socket server: who a cookie stands for, what each principal's grants let it see (cached per role
 * and department), and the audit trail.
 */
export class Trust extends EventEmitter<TrustEvents> {
  private readonly views = new Map<string, DataView>();

  constructor(
    readonly store: AuthStore,
    readonly audit: AuditLog,
    readonly settings: TrustSettings,
  ) {
    super();
  }

  get anonymousRole(): Role | null {
    return this.settings.anonymous === 'viewer' ? 'viewer' : null;
  }

  /** The principal a session token (from the cookie) stands for; anonymous when absent, unknown or expired. */
  principal(token: string | undefined, address: string): Principal {
    const session = token ? this.store.session(token) : undefined;
    return session ? principalOfSession(session, address) : anonymousPrincipal(this.anonymousRole, address);
  }

  /** What `principal` may see of each data layer, from the grants now. */
  view(principal: Pick<Principal, 'role' | 'department'>): DataView {
    const key = `${principal.role ?? '-'}|${principal.department ?? '-'}`;
    let view = this.views.get(key);
    if (!view) {
      view = viewFor(principal, this.store.listGrants());
      this.views.set(key, view);
    }
    return view;
  }

  /** Grants or accounts changed: views are worked out again, and sockets told. */
  changed(): void {
    this.views.clear();
    this.emit('viewsChanged');
  }

  endSession(sessionId: string): void {
    this.store.endSessionById(sessionId);
    this.emit('sessionEnded', sessionId);
  }

  /** Writes an audit record of what `principal` did. Never throws: a failing audit write is logged loudly instead. */
  record(principal: Principal, action: string, target: string, result: AuditEntry['result'], detail?: AuditEntry['detail']): void {
    try {
      // A target comes partly from the request (a path, a query): capped, so no client can write a page per record.
      const shortTarget = target.length > 256 ? `${target.slice(0, 256)}…` : target;
      this.audit.write({ actor: actorName(principal), role: principal.role ?? 'none', action, target: shortTarget, result, address: principal.address, detail: detail ?? null });
    } catch (error) {
      console.error(`audit: could not write ${action} ${target}: ${(error as Error).message}`);
    }
  }
}

/** Who a session stands for, seen from `address`. */
export function principalOfSession(session: SessionRecord, address: string): Principal {
  return {
    kind: session.kind,
    username: session.username,
    role: session.role,
    department: session.department,
    sessionId: session.id,
    mustChangePassword: session.mustChangePassword,
    address,
  };
}

/** The value of cookie `name` in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}
