/** The audit page's filters as GET /api/audit's query string. */
import { shanghaiInputToIso } from './formatTime.ts';

export interface AuditFilters {
  actor: string;
  action: string;
  result: '' | 'ok' | 'denied' | 'failed';
  /** `datetime-local` values, Beijing time; '' for no bound. */
  from: string;
  to: string;
}

export const NO_FILTERS: AuditFilters = { actor: '', action: '', result: '', from: '', to: '' };

/** Records a page asks for. */
export const AUDIT_PAGE = 100;

/** '?actor=…&from=2025-02-28T16:00:00.000Z…': the filters that are set (times in UTC), `before` for the next page back. */
export function auditQueryString(filters: AuditFilters, before: number | null = null): string {
  const query = new URLSearchParams();
  if (filters.actor.trim() !== '') query.set('actor', filters.actor.trim());
  if (filters.action.trim() !== '') query.set('action', filters.action.trim());
  if (filters.result !== '') query.set('result', filters.result);
  const from = shanghaiInputToIso(filters.from);
  const to = shanghaiInputToIso(filters.to);
  if (from) query.set('from', from);
  if (to) query.set('to', to);
  if (before !== null) query.set('before', String(before));
  query.set('limit', String(AUDIT_PAGE));
  return `?${query.toString()}`;
}
