/** The drills the server has (GET /api/drills) with their status, and the files that did not load; picking one sets `?drill=`. */
import { useTranslation } from 'react-i18next';
import { navigate } from '../../app/router.ts';
import type { DrillList } from '../../../server/protocol/drills.ts';
import { loadDrills } from './drillApi.ts';
import { textIn } from './drillText.ts';
import { useLoaded } from './useLoaded.ts';
import './command.css';

/** A page of its own: `title` over the list; each drill links to `path?drill=<id>`. */
export function DrillPicker({ path, title }: { path: string; title: string }) {
  const { t, i18n } = useTranslation();
  const drills = useLoaded<DrillList>('drills', loadDrills);
  return (
    <div className="command-page" data-testid="drill-picker">
      <h1>{title}</h1>
      {drills.error && (
        <p className="error" role="alert">
          {t('command.loadFailed', { message: drills.error })}{' '}
          <button type="button" className="link" onClick={drills.reload}>
            {t('command.retry')}
          </button>
        </p>
      )}
      {drills.value === null && !drills.error && <p className="muted">{t('command.loading')}</p>}
      {drills.value && (
        <>
          {drills.value.drills.length === 0 && <p className="muted">{t('command.noDrills')}</p>}
          <ul className="drill-cards">
            {drills.value.drills.map((d) => (
              <li key={d.id} className="panel">
                <button type="button" className="drill-card" onClick={() => navigate(path, { params: { drill: d.id } })} data-testid={`drill-${d.id}`}>
                  <strong>{textIn(d.title, i18n.language)}</strong>
                  <span className={`drill-status ${d.status ?? 'ready'}`}>{t(`command.status.${d.status ?? 'ready'}`)}</span>
                  <span className="muted">{textIn(d.description, i18n.language)}</span>
                  <span className="muted">{t('command.items', { count: d.items, scenario: d.scenario })}</span>
                </button>
              </li>
            ))}
          </ul>
          {drills.value.errors.length > 0 && (
            <div className="panel" role="alert" data-testid="drill-errors">
              <h2>{t('command.fileErrors')}</h2>
              <ul className="list">
                {drills.value.errors.map((e) => (
                  <li key={e} className="error">
                    {e}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </div>
  );
}
