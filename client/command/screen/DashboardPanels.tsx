/**
 * The leaders' dashboard (领导驾驶舱) on the wall: traffic and its worst roads, air quality,
 * incidents and their levels, responders and their ETAs, shelters, hospital beds, each with its
 * 24-hour trend; on the wide wall also the districts' traffic and the alerts. Big figures, no
 * pointer needed; a road, an incident, a shelter or a hospital is a button that flies the 3D view
 * to it.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { aqiLevel } from '../../../server/protocol/aqi.ts';
import type { Dashboard } from '../../../server/protocol/Dashboard.ts';
import { RESPONSE_LEVEL_INFO } from '../../../server/protocol/responseLevels.ts';
import { formatSimTime } from '../../../server/protocol/simTime.ts';
import { alertText, minutesOf, nameIn } from '../../layers/incidents/incidentText.ts';
import { congestionLevel, LEVEL_COLORS } from '../../layers/traffic/trafficColors.ts';
import { useTwin } from '../../panels/useTwin.ts';
import type { TwinStore } from '../../twin/TwinStore.ts';
import { flyToPlace, lonLatOf } from './flyToPlace.ts';
import type { ScreenFeed } from './ScreenFeed.ts';
import type { TrendPoint } from '../../../server/protocol/Dashboard.ts';
import { activeAlerts, readableOn, weatherText } from './screenText.ts';
import { Sparkline } from './Sparkline.tsx';

export interface PanelProps {
  feed: ScreenFeed;
  store: TwinStore;
}

/** The panels by name, for the layouts to place. */
export type PanelName = 'traffic' | 'air' | 'incidents' | 'responders' | 'shelters' | 'hospitals' | 'districts' | 'alerts';

const SEVERITY_COLORS = { info: '#4fc3f7', warning: '#ffb300', critical: '#ff4d4f' } as const;

function Panel({ name, title, children }: { name: string; title: string; children: ReactNode }) {
  return (
    <section className={`screen-panel ${name}`} data-testid={`screen-panel-${name}`}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

type Withheld = NonNullable<Dashboard['withheld']>[number];

/** True when this screen's grants mask any of `fields` (shown as withheld, never as zero). */
function isWithheld(feed: ScreenFeed, fields: readonly Withheld[]): boolean {
  const cut = feed.dashboard?.withheld ?? feed.incidents.summary?.withheld ?? [];
  return fields.some((f) => cut.includes(f));
}

/** Waiting for the first answer, a run without this engine, or a figure this screen may not see. */
function Missing({ feed, withheld = false }: { feed: ScreenFeed; withheld?: boolean }) {
  const { t } = useTranslation();
  return <p className="missing">{withheld ? t('screen.withheld') : feed.dashboard ? t('screen.notInRun') : t('screen.waiting')}</p>;
}

function Trend({ points, color, floor, ceiling }: { points: readonly TrendPoint[] | undefined; color?: string; floor?: number; ceiling?: number }) {
  const { t } = useTranslation();
  return (
    <div className="trend">
      <span className="trend-label">{t('screen.trend24h')}</span>
      <Sparkline points={points ?? []} color={color} floor={floor} ceiling={ceiling} label={t('screen.trend24h')} emptyText={t('screen.trendGathering')} />
    </div>
  );
}

function Figure({ value, unit, color, badge, badgeColor, testId }: { value: string; unit?: string; color?: string; badge?: string; badgeColor?: string; testId?: string }) {
  return (
    <div className="figure">
      <span className="value" style={color ? { color } : undefined} data-testid={testId}>
        {value}
      </span>
      {unit && <span className="unit">{unit}</span>}
      {badge && (
        <span className="badge" style={badgeColor ? { background: badgeColor, color: readableOn(badgeColor) } : undefined}>
          {badge}
        </span>
      )}
    </div>
  );
}

export function TrafficPanel({ feed, store }: PanelProps) {
  const { t } = useTranslation();
  const d = feed.dashboard?.traffic ?? null;
  const live = feed.traffic;
  const index = live?.index ?? d?.index ?? null;
  const level = index === null ? null : congestionLevel(index);
  // The dashboard's roads carry their place (a click flies there); the stream's stand in before it answers.
  // A road's two directions are two links: the wall names each road once, at its worse direction.
  const roads = (d?.worstRoads.map((r) => ({ ...r, place: { lon: r.lon, lat: r.lat } })) ?? live?.worstLinks.map((r) => ({ ...r, place: null })) ?? [])
    .filter((r, k, all) => r.name === '' || all.findIndex((o) => o.name === r.name) === k)
    .slice(0, 5);
  return (
    <Panel name="traffic" title={t('screen.traffic.title')}>
      {index === null || level === null ? (
        <Missing feed={feed} />
      ) : (
        <>
          <Figure value={index.toFixed(1)} color={LEVEL_COLORS[level]} badge={t(`traffic.level.${level}`)} badgeColor={LEVEL_COLORS[level]} testId="screen-traffic-index" />
          <div className="facts">
            <span>
              {t('screen.traffic.meanSpeed')} <b>{Math.round(live?.meanSpeedKmh ?? d?.meanSpeedKmh ?? 0)}</b> {t('screen.traffic.speedUnit')}
            </span>
            <span>
              {t('screen.traffic.vehicles')} <b>{(live?.vehicles ?? d?.vehicles ?? 0).toLocaleString()}</b>
            </span>
          </div>
          <h3>{t('screen.traffic.worstRoads')}</h3>
          <ol className="items" data-testid="screen-worst-roads">
            {roads.map((road, k) => (
              <li key={road.linkId}>
                <button type="button" disabled={!road.place} onClick={() => road.place && flyToPlace(store, road.place, 900)}>
                  <span className="rank">{k + 1}</span>
                  <span className="name">{road.name || road.linkId}</span>
                  <span className="tag" style={{ color: LEVEL_COLORS[congestionLevel(road.index)] }}>
                    {road.index.toFixed(1)}
                  </span>
                </button>
              </li>
            ))}
            {roads.length === 0 && <li className="none">{t('screen.traffic.noJams')}</li>}
          </ol>
        </>
      )}
      <Trend points={feed.dashboard?.trends.trafficIndex} color="#ffd23f" floor={0} ceiling={4} />
    </Panel>
  );
}

export function AirPanel({ feed }: PanelProps) {
  const { t } = useTranslation();
  const d = feed.dashboard?.air ?? null;
  const aqi = feed.air?.aqi ?? d?.aqi ?? null;
  const primary = feed.air ? (feed.air.primary[0] ?? null) : (d?.primaryPollutant ?? null);
  const level = aqi === null ? null : aqiLevel(aqi);
  const weather = weatherText(t, feed.air?.weather ?? d?.weather ?? null, feed.flood);
  return (
    <Panel name="air" title={t('screen.air.title')}>
      {aqi === null || level === null ? (
        <Missing feed={feed} />
      ) : (
        <>
          <Figure value={String(Math.round(aqi))} unit="AQI" color={level.color} badge={t(`air.level.${level.level}`)} badgeColor={level.color} testId="screen-aqi" />
          <div className="facts">
            <span>
              {t('screen.air.primary')} <b>{primary ? t(`air.pollutant.${primary}`, { defaultValue: primary }) : t('screen.air.none')}</b>
            </span>
            {weather && <span>{weather}</span>}
          </div>
        </>
      )}
      <Trend points={feed.dashboard?.trends.aqi} color="#7bd88f" floor={0} ceiling={100} />
    </Panel>
  );
}

export function IncidentsPanel({ feed, store }: PanelProps) {
  const { t, i18n } = useTranslation();
  const zh = !i18n.language.startsWith('en');
  const city = useTwin(store, (s) => s.city);
  const summary = feed.incidents.summary;
  // The socket's summary is the freshest; the dashboard stands in before it (or for a run without the stream).
  const withheld = isWithheld(feed, ['incidents']);
  const list = withheld
    ? null
    : summary && city
      ? summary.incidents.filter((i) => i.status !== 'closed').map((i) => ({ id: i.id, kind: i.kind, level: i.level, title: nameIn(i.name, zh), ...lonLatOf(city, i.x, i.y) }))
      : (feed.dashboard?.incidents ?? null);
  return (
    <Panel name="incidents" title={t('screen.incidents.title')}>
      {list === null ? (
        <Missing feed={feed} withheld={withheld} />
      ) : (
        <>
          <Figure value={String(list.length)} unit={t('screen.incidents.unit')} color={list.length > 0 ? '#ff7b25' : undefined} badge={t('screen.incidents.count')} testId="screen-incident-count" />
          <ol className="items short" data-testid="screen-incidents">
            {list.slice(0, 4).map((i) => (
              <li key={i.id}>
                <button type="button" onClick={() => flyToPlace(store, i, 1200)}>
                  <span className="level" style={{ background: RESPONSE_LEVEL_INFO[i.level].color, color: readableOn(RESPONSE_LEVEL_INFO[i.level].color) }}>
                    {i.level}
                  </span>
                  <span className="name">{typeof i.title === 'string' ? i.title : nameIn(i.title, zh)}</span>
                  <span className="tag">{t(`incidents.kind.${i.kind}`, { defaultValue: i.kind })}</span>
                </button>
              </li>
            ))}
            {list.length === 0 && <li className="none">{t('screen.incidents.none')}</li>}
          </ol>
        </>
      )}
      <Trend points={feed.dashboard?.trends.incidents} color="#ff7b25" floor={0} ceiling={3} />
    </Panel>
  );
}

export function RespondersPanel({ feed }: PanelProps) {
  const { t, i18n } = useTranslation();
  const zh = !i18n.language.startsWith('en');
  const d = feed.dashboard?.responders ?? null;
  const summary = feed.incidents.summary;
  const units = (summary?.incidents ?? []).flatMap((i) => i.units);
  const moving = units.filter((u) => u.state === 'waiting' || u.state === 'enRoute');
  // The stream's units name their station; the dashboard's ETAs stand in before the first summary.
  const etas = (
    summary
      ? moving.map((u) => ({ id: u.id, label: `${t(`incidents.unitKind.${u.kind}`)} · ${nameIn(u.stationName, zh)}`, leftS: Math.max(0, (u.dispatchedAtMs + u.etaS * 1000 - summary.simTimeMs) / 1000) }))
      : (d?.etas ?? []).map((e) => ({ id: e.unitId, label: `${t(`incidents.unitKind.${e.kind}`)} ${e.unitId}`, leftS: e.etaS }))
  ).sort((a, b) => a.leftS - b.leftS);
  const withheld = isWithheld(feed, ['incidents', 'units']);
  const enRoute = withheld ? null : (d?.enRoute ?? (summary ? moving.length : null));
  const onScene = d?.onScene ?? (summary ? units.filter((u) => u.state === 'onScene').length : null);
  return (
    <Panel name="responders" title={t('screen.responders.title')}>
      {enRoute === null ? (
        <Missing feed={feed} withheld={withheld} />
      ) : (
        <>
          <div className="figure-pair">
            <Figure value={String(enRoute)} unit={t('screen.responders.unit')} badge={t('screen.responders.enRoute')} color="#4fc3f7" testId="screen-en-route" />
            <Figure value={String(onScene ?? 0)} unit={t('screen.responders.unit')} badge={t('screen.responders.onScene')} />
          </div>
          <ol className="items short" data-testid="screen-etas">
            {etas.slice(0, 4).map((eta) => (
              <li key={eta.id}>
                <span className="name">{eta.label}</span>
                <span className="tag">{eta.leftS > 30 ? t('screen.responders.eta', { minutes: minutesOf(eta.leftS) }) : t('screen.responders.etaNow')}</span>
              </li>
            ))}
            {etas.length === 0 && <li className="none">{t('screen.responders.none')}</li>}
          </ol>
        </>
      )}
      <Trend points={feed.dashboard?.trends.respondersEnRoute} color="#4fc3f7" floor={0} ceiling={4} />
    </Panel>
  );
}

/** A share as a bar: `part` of `whole`. */
function Bar({ part, whole, color }: { part: number; whole: number; color: string }) {
  const share = whole > 0 ? Math.min(1, part / whole) : 0;
  return (
    <div className="bar">
      <i style={{ width: `${(share * 100).toFixed(1)}%`, background: color }} />
    </div>
  );
}

/** The first two places of a list (a shelter, a hospital) with a figure each; a click flies there. */
function PlaceList({ store, places }: { store: TwinStore; places: readonly { id: string; name: { zh: string; en: string }; x: number; y: number; figure: string }[] }) {
  const { i18n } = useTranslation();
  const city = useTwin(store, (s) => s.city);
  if (!city) return null;
  return (
    <ol className="items compact">
      {places.slice(0, 2).map((p) => (
        <li key={p.id}>
          <button type="button" onClick={() => flyToPlace(store, lonLatOf(city, p.x, p.y), 900)}>
            <span className="name">{nameIn(p.name, !i18n.language.startsWith('en'))}</span>
            <span className="tag">{p.figure}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}

export function SheltersPanel({ feed, store }: PanelProps) {
  const { t } = useTranslation();
  const d = feed.dashboard?.shelters ?? null;
  const places = feed.incidents.summary?.shelters ?? [];
  const withheld = isWithheld(feed, ['incidents', 'shelters']);
  const occupancy = withheld ? null : (d?.occupancy ?? (places.length ? places.reduce((n, s) => n + s.occupancy, 0) : null));
  const capacity = d?.capacity ?? places.reduce((n, s) => n + s.capacity, 0);
  const fullest = [...places].filter((s) => s.occupancy > 0).sort((a, b) => b.occupancy / Math.max(1, b.capacity) - a.occupancy / Math.max(1, a.capacity));
  return (
    <Panel name="shelters" title={t('screen.shelters.title')}>
      {occupancy === null ? (
        <Missing feed={feed} withheld={withheld} />
      ) : (
        <>
          <Figure value={occupancy.toLocaleString()} unit={t('screen.shelters.people')} badge={t('screen.shelters.capacity', { capacity: capacity.toLocaleString() })} testId="screen-shelter-occupancy" />
          <Bar part={occupancy} whole={capacity} color="#7bd88f" />
          <PlaceList store={store} places={fullest.map((s) => ({ ...s, figure: `${s.occupancy}/${s.capacity}` }))} />
        </>
      )}
      <Trend points={feed.dashboard?.trends.shelterOccupancy} color="#7bd88f" floor={0} />
    </Panel>
  );
}

export function HospitalsPanel({ feed, store }: PanelProps) {
  const { t } = useTranslation();
  const d = feed.dashboard?.hospitals ?? null;
  const places = feed.incidents.summary?.hospitals ?? [];
  const withheld = isWithheld(feed, ['beds']);
  const free = withheld ? null : (d?.freeBeds ?? (places.length ? places.reduce((n, h) => n + h.bedsFree, 0) : null));
  const beds = d?.beds ?? places.reduce((n, h) => n + h.beds, 0);
  const busiest = [...places].sort((a, b) => a.bedsFree / Math.max(1, a.beds) - b.bedsFree / Math.max(1, b.beds));
  return (
    <Panel name="hospitals" title={t('screen.hospitals.title')}>
      {free === null ? (
        <Missing feed={feed} withheld={withheld} />
      ) : (
        <>
          <Figure value={free.toLocaleString()} unit={t('screen.hospitals.unit')} badge={t('screen.hospitals.of', { beds: beds.toLocaleString() })} color="#e6f0fa" testId="screen-free-beds" />
          <Bar part={free} whole={beds} color="#4fc3f7" />
          <PlaceList store={store} places={busiest.map((h) => ({ ...h, figure: `${h.bedsFree}/${h.beds}` }))} />
        </>
      )}
      <Trend points={feed.dashboard?.trends.freeBeds} color="#4fc3f7" />
    </Panel>
  );
}

export function DistrictsPanel({ feed, store }: PanelProps) {
  const { t, i18n } = useTranslation();
  const zh = !i18n.language.startsWith('en');
  const city = useTwin(store, (s) => s.city);
  const districts = feed.traffic?.districts ?? null;
  return (
    <Panel name="districts" title={t('screen.districts.title')}>
      {districts === null ? (
        <Missing feed={feed} />
      ) : (
        <ol className="items">
          {districts.map((d) => {
            const level = congestionLevel(d.index);
            const known = city?.districts.find((c) => c.id === d.id);
            return (
              <li key={d.id} className="district">
                <span className="name">{known ? nameIn(known.name, zh) : d.id}</span>
                <Bar part={d.index} whole={10} color={LEVEL_COLORS[level]} />
                <span className="tag" style={{ color: LEVEL_COLORS[level] }}>
                  {d.index.toFixed(1)}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </Panel>
  );
}

export function AlertsPanel({ feed, store }: PanelProps) {
  const { t, i18n } = useTranslation();
  const zh = !i18n.language.startsWith('en');
  const city = useTwin(store, (s) => s.city);
  const start = feed.dashboard?.startEpochMs ?? null;
  const alerts = activeAlerts(feed.incidents.alerts, feed.incidents.summary, feed.flood);
  return (
    <Panel name="alerts" title={t('screen.alertList.title')}>
      <ol className="items">
        {alerts.slice(0, 5).map((a) => (
          <li key={`${a.alertId}@${a.simTimeMs}`}>
            <button type="button" disabled={!city || a.x === undefined || a.y === undefined} onClick={() => city && a.x !== undefined && a.y !== undefined && flyToPlace(store, lonLatOf(city, a.x, a.y), 1200)}>
              <span className="dot" style={{ background: SEVERITY_COLORS[a.severity] }} />
              <span className="name">{alertText(t, a, zh)}</span>
              {start !== null && <span className="tag">{formatSimTime(start + a.simTimeMs).slice(11, 16)}</span>}
            </button>
          </li>
        ))}
        {alerts.length === 0 && <li className="none">{t('screen.noAlerts')}</li>}
      </ol>
    </Panel>
  );
}

export const PANELS: Record<PanelName, (props: PanelProps) => ReactNode> = {
  traffic: TrafficPanel,
  air: AirPanel,
  incidents: IncidentsPanel,
  responders: RespondersPanel,
  shelters: SheltersPanel,
  hospitals: HospitalsPanel,
  districts: DistrictsPanel,
  alerts: AlertsPanel,
};
