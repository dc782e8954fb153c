import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditFilters } from './auditQuery.ts';

/** The audit trail's filters: actor, action, result, and a time range in Beijing time. */
export function AuditFilterForm({ initial, onSearch }: { initial: AuditFilters; onSearch: (filters: AuditFilters) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(initial);
  const set = (patch: Partial<AuditFilters>) => setDraft((d) => ({ ...d, ...patch }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(draft);
  };
  return (
    <form className="admin-form audit-filters" onSubmit={submit} data-testid="audit-filters">
      <input aria-label={t('audit.column.actor')} placeholder={t('audit.column.actor')} value={draft.actor} onChange={(e) => set({ actor: e.target.value })} />
      <input aria-label={t('audit.column.action')} placeholder={t('audit.actionPlaceholder')} value={draft.action} onChange={(e) => set({ action: e.target.value })} />
      <select aria-label={t('audit.column.result')} value={draft.result} onChange={(e) => set({ result: e.target.value as AuditFilters['result'] })}>
        <option value="">{t('audit.anyResult')}</option>
        {(['ok', 'denied', 'failed'] as const).map((r) => (
          <option key={r} value={r}>
            {t(`audit.result.${r}`)}
          </option>
        ))}
      </select>
      <label className="muted">
        {t('audit.from')} <input type="datetime-local" value={draft.from} onChange={(e) => set({ from: e.target.value })} />
      </label>
      <label className="muted">
        {t('audit.to')} <input type="datetime-local" value={draft.to} onChange={(e) => set({ to: e.target.value })} />
      </label>
      <button type="submit">{t('audit.search')}</button>
    </form>
  );
}
