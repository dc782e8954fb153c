/**
 * The wall's header: the city, the live run's clock in Asia/Shanghai, the weather, the citywide AQI
 * (in its level's colour, with the primary pollutant), the traffic index and the alerts in force
 * (how many, and each in turn).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { aqiLevel } from '../../../server/protocol/aqi.ts';
import { formatSimTime, SHANGHAI_OFFSET_MS } from '../../../server/protocol/simTime.ts';
import { alertText } from '../../layers/incidents/incidentText.ts';
import { congestionLevel, LEVEL_COLORS } from '../../layers/traffic/trafficColors.ts';
import type { ScreenFeed } from './ScreenFeed.ts';
import { activeAlerts, readableOn, weatherText } from './screenText.ts';

/** Each alert in force stays this long in the header before the next. */
const ALERT_ROLL_MS = 6000;

export function ScreenHeader({ feed, epochMs }: { feed: ScreenFeed; epochMs: number | null }) {
  const { t, i18n } = useTranslation();
  const zh = !i18n.language.startsWith('en');
  const weather = weatherText(t, feed.air?.weather ?? feed.dashboard?.air?.weather ?? null, feed.flood);
  const aqi = feed.air?.aqi ?? feed.dashboard?.air?.aqi ?? null;
  const primary = feed.air ? (feed.air.primary[0] ?? null) : (feed.dashboard?.air?.primaryPollutant ?? null);
  const index = feed.traffic?.index ?? feed.dashboard?.traffic?.index ?? null;
  const alerts = activeAlerts(feed.incidents.alerts, feed.incidents.summary, feed.flood);
  const [roll, setRoll] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setRoll((n) => n + 1), ALERT_ROLL_MS);
    return () => clearInterval(timer);
  }, []);
  const shownAlert = alerts.length > 0 ? alerts[roll % alerts.length] : null;
  const time = epochMs === null ? null : formatSimTime(epochMs);
  const weekdays = t('screen.weekday', { returnObjects: true }) as string[];
  const level = aqi === null ? null : aqiLevel(aqi);
  const trafficLevel = index === null ? null : congestionLevel(index);

  return (
    <header className="screen-header" data-testid="screen-header">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          ◆
        </span>
        <div>
          <h1>{t('screen.city')}</h1>
          <p>{t('screen.subtitle')}</p>
        </div>
      </div>
      <div className="clock" data-testid="screen-clock" data-epoch-ms={epochMs ?? ''}>
        <span className="time">{time ? time.slice(11) : '--:--:--'}</span>
        <span className="date">{time && epochMs !== null ? `${time.slice(0, 10)} ${weekdays[new Date(epochMs + SHANGHAI_OFFSET_MS).getUTCDay()]}` : ''}</span>
      </div>
      <div className="chip" data-testid="screen-weather">
        <span className="label">{t('screen.weather')}</span>
        <span className="text">{weather ?? t('screen.noData')}</span>
      </div>
      <div className="chip" data-testid="screen-header-aqi">
        <span className="label">{t('screen.aqi')}</span>
        {aqi === null || level === null ? (
          <span className="text">{t('screen.noData')}</span>
        ) : (
          <span className="text">
            <b className="pill" style={{ background: level.color, color: readableOn(level.color) }}>
              {Math.round(aqi)} {t(`air.level.${level.level}`)}
            </b>
            {primary && <small>{t(`air.pollutant.${primary}`, { defaultValue: primary })}</small>}
          </span>
        )}
      </div>
      <div className="chip" data-testid="screen-header-traffic">
        <span className="label">{t('screen.trafficIndex')}</span>
        {index === null || trafficLevel === null ? (
          <span className="text">{t('screen.noData')}</span>
        ) : (
          <span className="text">
            <b style={{ color: LEVEL_COLORS[trafficLevel] }}>{index.toFixed(1)}</b>
            <small>{t(`traffic.level.${trafficLevel}`)}</small>
          </span>
        )}
      </div>
      <div className={`chip alerts ${alerts.length > 0 ? 'active' : ''}`} data-testid="screen-header-alerts" data-count={alerts.length}>
        <span className="label">
          {t('screen.alerts')} <b>{t('screen.alertsCount', { count: alerts.length })}</b>
        </span>
        <span className="text roll" key={shownAlert ? `${shownAlert.alertId}@${shownAlert.simTimeMs}` : 'none'}>
          {shownAlert ? alertText(t, shownAlert, zh) : t('screen.noAlerts')}
        </span>
      </div>
    </header>
  );
}
