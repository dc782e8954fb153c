import { ROLE_PERMISSIONS, type Department, type Permission, type PrincipalKind, type Role } from '../protocol/access.ts';

/**
 * Who a request or socket acts for: a signed-in account, a wall screen's device token, or an
 * anonymous visitor (who gets the viewer role when the `anonymous` setting allows it, else none).
 * Koa keeps it in `ctx.state.principal`; Socket.IO in `socket.data.principal`.
 */
export interface Principal {
  kind: PrincipalKind;
  /** Account or device name; null when anonymous. */
  username: string | null;
  /** null: an anonymous visitor on a locked-down server (may do nothing but sign in). */
  role: Role | null;
  department: Department | null;
  /** The session's id (its token's hash), for ending it; null when anonymous. */
  sessionId: string | null;
  mustChangePassword: boolean;
  /** The client's address, for the audit trail. */
  address: string;
}

/** What the principal's role allows (devices are viewers, whatever made them). */
export function permissionsOf(principal: Pick<Principal, 'role'>): readonly Permission[] {
  return principal.role ? ROLE_PERMISSIONS[principal.role] : [];
}

export function can(principal: Pick<Principal, 'role'>, permission: Permission): boolean {
  return permissionsOf(principal).includes(permission);
}

/** The name an audit record gives the principal: "alice", "device:wall-1", "anonymous". */
export function actorName(principal: Pick<Principal, 'kind' | 'username'>): string {
  if (principal.kind === 'device') return `device:${principal.username ?? '?'}`;
  return principal.username ?? 'anonymous';
}

export function anonymousPrincipal(role: Role | null, address: string): Principal {
  return { kind: 'anonymous', username: null, role, department: null, sessionId: null, mustChangePassword: false, address };
}
