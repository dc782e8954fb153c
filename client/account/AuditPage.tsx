import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditRecord } from '../../server/protocol/access.ts';
import { fetchJson } from '../twin/http.ts';
import { nameLanguage, roleName } from './accessLabels.ts';
import { AdminSection } from './AdminSection.tsx';
import { AdminTable } from './AdminTable.tsx';
import { AuditFilterForm } from './AuditFilterForm.tsx';
import { auditQueryString, NO_FILTERS, type AuditFilters } from './auditQuery.ts';
import { formatShanghai } from './formatTime.ts';

interface AuditPageAnswer {
  records: AuditRecord[];
  nextBefore: number | null;
}
const COLUMNS = ['time', 'actor', 'role', 'action', 'target', 'result', 'address', 'detail'] as const;
type Verification = { ok: true; checked: number } | { ok: false; checked: number; firstBroken: { seq: number; reason: string } };

/** The auditor's trail: filters, the records newest first with older pages on demand, and a check of the hash chain. */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const lang = nameLanguage(i18n.language);
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const [records, setRecords] = useState<AuditRecord[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [verification, setVerification] = useState<Verification | 'checking' | null>(null);

  /** Loads a page: the newest matching `applied` (replacing the table), or those before `before` (appended). */
  const load = useCallback(async (applied: AuditFilters, before: number | null, signal?: AbortSignal) => {
    setLoading(true);
    setError(null);
    try {
      const page = (await fetchJson(`/api/audit${auditQueryString(applied, before)}`, undefined, signal)) as AuditPageAnswer;
      setRecords((shown) => (before === null ? page.records : [...shown, ...page.records]));
      setNextBefore(page.nextBefore);
    } catch (e) {
      if (!signal?.aborted) setError((e as Error).message);
    } finally {
      if (!signal?.aborted) setLoading(false);
    }
  }, []);
  useEffect(() => {
    const controller = new AbortController();
    void load(NO_FILTERS, null, controller.signal);
    return () => controller.abort();
  }, [load]);

  const search = (next: AuditFilters) => {
    setFilters(next);
    void load(next, null);
  };
  const verify = async () => {
    setVerification('checking');
    try {
      setVerification((await fetchJson('/api/audit/verify')) as Verification);
    } catch (e) {
      setVerification(null);
      setError((e as Error).message);
    }
  };

  return (
    <div className="account-page audit-page" data-testid="audit-page">
      <h1>{t('audit.title')}</h1>
      <AdminSection error={error}>
        <AuditFilterForm initial={filters} onSearch={search} />
        <div className="admin-form">
          <button type="button" onClick={() => void verify()} disabled={verification === 'checking'} data-testid="verify-chain">
            {t('audit.verify')}
          </button>
          <VerificationResult verification={verification} />
        </div>
      </AdminSection>
      <AdminSection>
        <AdminTable columns={COLUMNS.map((c) => t(`audit.column.${c}`))} className="audit-table" testId="audit-table">
          {records.map((r) => (
            <tr key={r.seq} className={`result-${r.result}`}>
              <td title={`UTC ${r.at}`}>{formatShanghai(r.at, i18n.language)}</td>
              <td>{r.actor}</td>
              <td>{roleName(r.role, lang)}</td>
              <td className="code">{r.action}</td>
              <td className="code">{r.target}</td>
              <td className="result">{t(`audit.result.${r.result}`)}</td>
              <td className="code">{r.address}</td>
              <td>{r.detail ?? ''}</td>
            </tr>
          ))}
        </AdminTable>
        {!loading && records.length === 0 && <p className="muted">{t('audit.empty')}</p>}
        {loading && <p className="muted">{t('audit.loading')}</p>}
        {nextBefore !== null && !loading && (
          <button type="button" className="more" onClick={() => void load(filters, nextBefore)}>
            {t('audit.older')}
          </button>
        )}
      </AdminSection>
    </div>
  );
}

function VerificationResult({ verification }: { verification: Verification | 'checking' | null }) {
  const { t } = useTranslation();
  if (verification === null) return null;
  if (verification === 'checking') return <span className="muted">{t('audit.checking')}</span>;
  return verification.ok ? (
    <span className="verify ok" role="status" data-testid="chain-result">
      {t('audit.intact', { count: verification.checked })}
    </span>
  ) : (
    <span className="verify broken" role="alert" data-testid="chain-result">
      {t('audit.broken', { seq: verification.firstBroken.seq, reason: verification.firstBroken.reason, count: verification.checked })}
    </span>
  );
}
