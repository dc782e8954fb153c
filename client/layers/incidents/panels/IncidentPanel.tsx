/**
 * The incidents panel of a run with the emergency engine: the incidents (the one picked on the map,
 * else the first, open), the run's figures, the evacuation and shelter-in-place orders with their
 * progress, the shelters' occupancy and the hospitals' free beds. Renders nothing without an
 * emergency summary.
 */
import { useTranslation } from 'react-i18next';
import type { EmergencySummary, Evacuation, Incident } from '../../../../server/protocol/EmergencySummary.ts';
import { KeyValues } from '../../../panels/InfoPanel.tsx';
import { useTwin } from '../../../panels/useTwin.ts';
import { enuToGeodetic, viewLookingAt } from '../../../twin/geo.ts';
import type { LiveConnection } from '../../../twin/live/LiveConnection.ts';
import { terrainHeightAt } from '../../../twin/traffic/roads.ts';
import type { TwinStore } from '../../../twin/TwinStore.ts';
import { useRoads } from '../../traffic/panels/useTraffic.ts';
import { incidentPickOf } from '../incidentPick.ts';
import { nameIn } from '../incidentText.ts';
import type { LiveIncidents } from '../LiveIncidents.ts';
import { IncidentCard } from './IncidentCard.tsx';
import { useIncidentsVersion, useRunClock } from './useIncidents.ts';
import './incidents.css';

/** How far a camera looks at an incident from: a fire's building, a release's zones. */
const RANGE_M = { fire: 700, chemical: 3500, flood: 9000 } as const;

/** A bar of `part` of `whole`. */
function Bar({ part, whole, color }: { part: number; whole: number; color: string }) {
  return (
    <span className="bar">
      <i style={{ width: `${whole > 0 ? Math.min(100, (100 * part) / whole) : 0}%`, background: color }} />
    </span>
  );
}

function EvacuationRow({ e, clock }: { e: Evacuation; clock: (ms: number) => string }) {
  const { t, i18n } = useTranslation();
  const fmt = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 });
  const title = t('incidents.orderTitle', { order: t(`incidents.order.${e.order}`), id: e.id, time: clock(e.orderedAtMs) });
  if (e.order === 'shelterInPlace') {
    return (
      <li className="evacuation shelter-in-place" data-order={e.order}>
        <div className="evac-title">{title}</div>
        <KeyValues rows={[[t('incidents.ordered'), t('incidents.people', { value: fmt.format(e.people) })]]} />
        <div className="muted">{t('incidents.staying')}</div>
      </li>
    );
  }
  const cleared = e.clearAtMs === null ? t('incidents.clearing') : t('incidents.minutes', { value: fmt.format((e.clearAtMs - e.orderedAtMs) / 60_000) });
  return (
    <li className="evacuation" data-order={e.order} data-testid="evacuation">
      <div className="evac-title">{title}</div>
      <div className="evac-progress">
        <Bar part={e.leftZone} whole={e.people} color="#e040fb" />
        <span className="value">
          {fmt.format(e.leftZone)} / {fmt.format(e.people)}
        </span>
      </div>
      <KeyValues
        rows={[
          [t('incidents.left'), t('incidents.people', { value: fmt.format(e.leftZone) })],
          [t('incidents.atShelter'), t('incidents.people', { value: fmt.format(e.atShelter) })],
          [t('incidents.noShelter'), t('incidents.people', { value: fmt.format(e.noShelter) })],
          [t('incidents.clearance'), cleared],
        ]}
      />
    </li>
  );
}

function Places({ summary }: { summary: EmergencySummary }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const fmt = new Intl.NumberFormat(i18n.language);
  const shelters = [...summary.shelters].sort((a, b) => b.occupancy - a.occupancy || a.id.localeCompare(b.id));
  return (
    <>
      <div className="label">{t('incidents.shelters')}</div>
      <ul className="places" data-testid="incident-shelters">
        {shelters.map((s) => (
          <li key={s.id}>
            <span className="place-name">{nameIn(s.name, zh)}</span>
            <Bar part={s.occupancy} whole={s.capacity} color="#43c463" />
            <span className="value">{t('incidents.shelterLine', { occupancy: fmt.format(s.occupancy), capacity: fmt.format(s.capacity) })}</span>
          </li>
        ))}
      </ul>
      <div className="label">{t('incidents.hospitals')}</div>
      <ul className="places" data-testid="incident-hospitals">
        {summary.hospitals.map((h) => (
          <li key={h.id}>
            <span className="place-name">{nameIn(h.name, zh)}</span>
            <Bar part={h.bedsFree} whole={h.beds} color="#ff4d6d" />
            <span className="value">{t('incidents.hospitalLine', { free: fmt.format(h.bedsFree), beds: fmt.format(h.beds) })}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

export function IncidentPanel({ live, store, incidents }: { live: LiveConnection; store: TwinStore; incidents: LiveIncidents }) {
  const { t, i18n } = useTranslation();
  useIncidentsVersion(incidents);
  const clock = useRunClock(live);
  const city = useTwin(store, (s) => s.city);
  const picked = useTwin(store, (s) => incidentPickOf(s.layerPick));
  const roads = useRoads(city);
  const summary = incidents.summary;
  if (!summary) return null;
  const fmt = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 });
  const f = summary.figures;
  const openId = summary.incidents.find((i) => i.id === picked?.id)?.id ?? summary.incidents.find((i) => i.status !== 'closed')?.id ?? summary.incidents[0]?.id;
  const show = (inc: Incident) => {
    if (!city) return;
    const ground = roads ? terrainHeightAt(roads.terrain, inc.x, inc.y) : 0;
    const at = enuToGeodetic(city.origin, [inc.x, inc.y, ground]);
    store.command({ kind: 'flyTo', view: viewLookingAt(at, 0, -0.7, RANGE_M[inc.kind]), duration: 1.5 });
  };
  const minutes = (s: number | null) => (s === null ? '—' : t('incidents.minutes', { value: fmt.format(s / 60) }));
  return (
    <section className="panel incidents wide" aria-labelledby="incidents-title" data-testid="incidents-panel">
      <h2 id="incidents-title">
        {t('incidents.title')}
        <span className="muted">{t('incidents.active', { count: summary.incidents.filter((i) => i.status !== 'closed').length })}</span>
      </h2>
      {summary.incidents.length === 0 ? (
        <div className="muted">{t('incidents.none')}</div>
      ) : (
        <>
          {summary.incidents.map((inc) => (
            <IncidentCard key={inc.id} incident={inc} summary={summary} clock={clock} open={inc.id === openId} onShow={() => show(inc)} />
          ))}
          <KeyValues
            rows={[
              [t('incidents.figures.meanResponse'), minutes(f.meanResponseS)],
              [t('incidents.figures.clearance'), minutes(f.clearanceS)],
              [t('incidents.figures.peopleInAegl2'), t('incidents.people', { value: fmt.format(f.peopleInAegl2) })],
              [t('incidents.figures.casualties'), summary.withheld?.includes('casualties') ? t('incidents.withheld') : t('incidents.people', { value: fmt.format(f.casualties) })],
            ]}
            testId="incident-figures"
          />
          {summary.evacuations.length > 0 && (
            <>
              <div className="label">{t('incidents.evacuations')}</div>
              <ul className="evacuations" data-testid="incident-evacuations">
                {summary.evacuations.map((e) => (
                  <EvacuationRow key={e.id} e={e} clock={clock} />
                ))}
              </ul>
            </>
          )}
          <Places summary={summary} />
        </>
      )}
    </section>
  );
}
