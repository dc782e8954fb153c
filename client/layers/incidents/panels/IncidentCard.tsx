/**
 * One incident in the incidents panel: its level, name (a click shows it on the map) and state;
 * the people affected, the fire's floors or the release, the response time against the standard,
 * the casualties, the units with their ETAs and states, where the patients went, and its timeline.
 */
import { useTranslation } from 'react-i18next';
import type { EmergencySummary, Incident, Unit } from '../../../../server/protocol/EmergencySummary.ts';
import { KeyValues } from '../../../panels/InfoPanel.tsx';
import { UNIT_COLORS } from '../emergencyColors.ts';
import { minutesOf, nameIn, timelineText, unitName, unitStatus } from '../incidentText.ts';
import { LevelBadge } from './LevelBadge.tsx';

/** Units in the list: those still busy (the rest are counted). */
const BUSY = new Set<Unit['state']>(['waiting', 'enRoute', 'onScene', 'toHospital', 'failed']);

export interface IncidentCardProps {
  incident: Incident;
  summary: EmergencySummary;
  clock: (simTimeMs: number) => string;
  open: boolean;
  onShow: () => void;
}

export function IncidentCard({ incident: inc, summary, clock, open, onShow }: IncidentCardProps) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const fmt = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 });
  const list = (items: string[]) => new Intl.ListFormat(i18n.language, { style: 'narrow', type: 'conjunction' }).format(items);
  const c = inc.casualties;
  const standard = fmt.format(inc.responseStandardS / 60);
  const busy = inc.units.filter((u) => BUSY.has(u.state));
  const rows: [string, string][] = [
    [t('incidents.startedAt'), clock(inc.startedAtMs)],
    [t('incidents.peopleAffected'), t('incidents.people', { value: fmt.format(inc.peopleAffected) })],
  ];
  if (inc.kind === 'fire' && inc.burningFloors && inc.floors) rows.push([t('incidents.fireFloors'), t('incidents.fireFloorsValue', { floors: list(inc.burningFloors.map(String)) || '—', total: inc.floors })]);
  if (inc.kind === 'chemical' && inc.chemical) rows.push([t('incidents.chemical'), t('incidents.chemicalValue', { name: t(`air.substance.${inc.chemical}`, { defaultValue: inc.chemical }), rate: fmt.format(inc.kgPerS ?? 0) })]);
  const late = inc.responseTimeS !== null && inc.responseTimeS > inc.responseStandardS;
  return (
    <details className={`incident ${inc.status}`} open={open} data-testid="incident" data-incident={inc.id} data-kind={inc.kind}>
      <summary>
        <LevelBadge level={inc.level} />
        <span className="incident-name">{nameIn(inc.name, zh)}</span>
        <span className={`incident-status ${inc.status}`}>{t(`incidents.status.${inc.status}`)}</span>
      </summary>
      <div className="incident-body">
        <div className="incident-actions">
          <span className="muted">{t(`incidents.kind.${inc.kind}`)}</span>
          <button type="button" className="link" onClick={onShow}>
            {t('incidents.showOnMap')}
          </button>
        </div>
        <KeyValues rows={rows} />
        {inc.kind !== 'flood' && (
          <div className="kv response" data-testid="incident-response">
            <dt className="muted">{t('incidents.response')}</dt>
            <dd>
              {inc.responseTimeS === null ? (
                t('incidents.responsePending', { standard })
              ) : (
                <>
                  {t('incidents.responseValue', { minutes: fmt.format(inc.responseTimeS / 60), standard })}
                  <span className={`response-chip ${late ? 'late' : 'ok'}`}>{t(late ? 'incidents.responseLate' : 'incidents.responseOk')}</span>
                </>
              )}
            </dd>
          </div>
        )}
        <div className="label">{t('incidents.casualties')}</div>
        {summary.withheld?.includes('casualties') ? (
          // Masked by this screen's grants: the server zeroed the counts, which must not read as "no casualties".
          <div className="casualties withheld muted" data-testid="incident-casualties" data-withheld="true">
            {t('incidents.withheld')}
          </div>
        ) : (
          <div className="casualties" data-testid="incident-casualties">
            {(
              [
                ['deaths', c.deaths],
                ['seriouslyInjured', c.seriouslyInjured],
                ['minorInjured', c.minorInjured],
                ['transported', c.transported],
                ['waiting', c.waiting],
              ] as const
            ).map(([key, value]) => (
              <div key={key} className={`casualty ${key}`}>
                <b>{fmt.format(value)}</b>
                <span>{t(`incidents.${key}`)}</span>
              </div>
            ))}
          </div>
        )}
        {inc.units.length > 0 && (
          <>
            <div className="label">{t('incidents.units')}</div>
            <ul className="units" data-testid="incident-units">
              {busy.map((u) => (
                <li key={u.id} data-unit={u.id} data-state={u.state}>
                  <i className="unit-dot" style={{ background: UNIT_COLORS[u.kind] }} />
                  <span className="unit-name" title={nameIn(u.stationName, zh)}>
                    {unitName(t, u)}
                  </span>
                  <span className={`unit-state ${u.state}`}>{u.state === 'onScene' && u.arrivedAtMs !== null ? t('incidents.arrivedIn', { minutes: fmt.format(minutesOf((u.arrivedAtMs - u.dispatchedAtMs) / 1000)) }) : unitStatus(t, u, summary.simTimeMs)}</span>
                </li>
              ))}
              {inc.units.length > busy.length && <li className="muted">{t('incidents.unitsDone', { count: inc.units.length - busy.length })}</li>}
            </ul>
          </>
        )}
        {inc.hospitals.length > 0 && (
          <div className="muted patients">
            {t('incidents.patientsTo')}
            {list(
              inc.hospitals.map((h) => {
                const hospital = summary.hospitals.find((x) => x.id === h.id);
                return `${hospital ? nameIn(hospital.name, zh) : h.id} ${t('incidents.patients', { count: h.patients })}`;
              }),
            )}
          </div>
        )}
        <div className="label">{t('incidents.timeline')}</div>
        <ol className="timeline" data-testid="incident-timeline">
          {[...inc.timeline].reverse().map((entry, k) => (
            <li key={`${entry.simTimeMs}-${k}`} data-key={entry.key}>
              <time>{clock(entry.simTimeMs)}</time>
              <span>{timelineText(t, entry, inc, summary, zh)}</span>
            </li>
          ))}
        </ol>
      </div>
    </details>
  );
}
