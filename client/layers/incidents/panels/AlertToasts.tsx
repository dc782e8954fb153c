/**
 * Alerts as toasts at the top of the screen (an incident started, its level raised, a rainstorm
 * warning): each for ALERT_SHOWN_MS after it arrived, the newest first, critical ones red, each
 * dismissable. Rendered over the view (a portal to the page's body), whatever column it is listed in.
 */
import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { alertText } from '../incidentText.ts';
import type { LiveIncidents } from '../LiveIncidents.ts';
import { useIncidentsVersion } from './useIncidents.ts';
import './incidents.css';

/** How long a toast stays, wall ms. */
export const ALERT_SHOWN_MS = 8000;
/** At most this many at once. */
const SHOWN_AT_ONCE = 3;

export function AlertToasts({ incidents }: { incidents: LiveIncidents }) {
  const { t, i18n } = useTranslation();
  useIncidentsVersion(incidents);
  const [now, setNow] = useState(() => Date.now());
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const shown = incidents.alerts.filter((a) => now - a.heardAtMs < ALERT_SHOWN_MS && !dismissed.has(`${a.event.alertId}@${a.event.simTimeMs}`));
  const next = shown.length > 0 ? Math.min(...shown.map((a) => a.heardAtMs)) + ALERT_SHOWN_MS : null;
  const newest = incidents.alerts[incidents.alerts.length - 1]?.heardAtMs ?? 0;
  useEffect(() => {
    // A new alert: read the clock again (it came after the last render's reading).
    setNow(Date.now());
  }, [newest]);
  useEffect(() => {
    if (next === null) return;
    const timer = window.setTimeout(() => setNow(Date.now()), Math.max(0, next - Date.now()) + 50);
    return () => window.clearTimeout(timer);
  }, [next]);
  if (shown.length === 0) return null;
  const zh = i18n.language.startsWith('zh');
  return createPortal(
    <div className="alert-toasts" role="alert" aria-live="assertive" data-testid="alert-toasts">
      {[...shown]
        .reverse()
        .slice(0, SHOWN_AT_ONCE)
        .map(({ event }) => {
          const key = `${event.alertId}@${event.simTimeMs}`;
          return (
            <div key={key} className={`alert-toast ${event.severity}`} data-testid="alert-toast" data-alert={event.alertId} data-severity={event.severity}>
              <span className="alert-severity">{t(`alert.severity.${event.severity}`)}</span>
              <span className="alert-text">{alertText(t, event, zh)}</span>
              <button type="button" className="alert-close" aria-label={t('incidents.dismiss')} onClick={() => setDismissed(new Set([...dismissed, key]))}>
                ×
              </button>
            </div>
          );
        })}
    </div>,
    document.body,
  );
}
