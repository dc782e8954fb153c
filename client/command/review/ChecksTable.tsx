/** The MSEL's expected actions checked against what was done: delivered, done, response time against the standard, and the verdict (按时 / 超时 / 未完成). */
import { useTranslation } from 'react-i18next';
import { DEPARTMENT_NAMES } from '../../../server/protocol/access.ts';
import type { ExpectationCheck } from '../../../server/protocol/drills.ts';
import { formatDuration, formatOffset, textIn } from '../shared/drillText.ts';

export function ChecksTable({ checks }: { checks: readonly ExpectationCheck[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  if (checks.length === 0) return <p className="muted">{t('review.noChecks')}</p>;
  return (
    <table className="command-table checks" data-testid="checks-table">
      <thead>
        <tr>
          <th>{t('review.check.msel')}</th>
          <th>{t('review.check.expected')}</th>
          <th>{t('review.check.by')}</th>
          <th>{t('review.check.delivered')}</th>
          <th>{t('review.check.done')}</th>
          <th>{t('review.check.response')}</th>
          <th>{t('review.check.status')}</th>
        </tr>
      </thead>
      <tbody>
        {checks.map((c) => (
          <tr key={c.mselId} data-status={c.status}>
            <td>{c.mselId}</td>
            <td>
              {textIn(c.description, lang)}
              <span className="muted"> ({c.action})</span>
            </td>
            <td>{c.by ? textIn(DEPARTMENT_NAMES[c.by], lang) : '—'}</td>
            <td className="num">{c.deliveredMs === null ? '—' : formatOffset(c.deliveredMs)}</td>
            <td className="num">
              {c.doneMs === null ? '—' : formatOffset(c.doneMs)}
              {c.actor && <span className="muted"> {c.actor}</span>}
            </td>
            <td className="num">
              {c.responseMs === null ? '—' : formatDuration(c.responseMs)} / {formatDuration(c.withinMs)}
              {c.standard && <div className="muted">{textIn(c.standard, lang)}</div>}
            </td>
            <td>
              <span className={`verdict ${c.status}`}>{t(`review.status.${c.status}`)}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
