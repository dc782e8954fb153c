/**
 * The traffic panel of a traffic run: the citywide index (交通运行指数) and its level, the districts,
 * the 24-hour chart, origin–destination travel times and the most congested roads (a click shows
 * the road). Hidden for runs without traffic.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { shanghaiTimeOfDayMs } from '../../../../server/protocol/simTime.ts';
import type { CongestionLevel } from '../../../../server/protocol/TrafficSummary.ts';
import { useLive } from '../../../panels/useLive.ts';
import { useTwin } from '../../../panels/useTwin.ts';
import { fetchJson } from '../../../twin/http.ts';
import type { LiveConnection } from '../../../twin/live/LiveConnection.ts';
import type { TwinStore } from '../../../twin/TwinStore.ts';
import type { LiveTraffic } from '../LiveTraffic.ts';
import { LEVEL_COLORS, congestionLevel } from '../trafficColors.ts';
import { linkPick } from '../trafficPick.ts';
import { TrafficChart, type ChartPoint } from './TrafficChart.tsx';
import { linkView, usePolling, useRoads, useTrafficSummary } from './useTraffic.ts';
import './traffic.css';

interface HistoryPoint {
  simTimeMs: number;
  index: number;
}

/** A level's name and colour as a chip. */
export function LevelChip({ level }: { level: CongestionLevel }) {
  const { t } = useTranslation();
  return (
    <span className="level-chip" style={{ background: LEVEL_COLORS[level] }} data-level={level}>
      {t(`traffic.level.${level}`)}
    </span>
  );
}

export function TrafficPanel({ live, store, traffic }: { live: LiveConnection; store: TwinStore; traffic: LiveTraffic }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const summary = useTrafficSummary(traffic);
  const runId = useLive(live.store, (s) => s.runId);
  const startEpochMs = useLive(live.store, (s) => s.runs.find((r) => r.id === s.runId)?.startEpochMs ?? null);
  const city = useTwin(store, (s) => s.city);
  const roads = useRoads(city);
  const [history, setHistory] = useState<HistoryPoint[]>([]);
  const fmt = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 });

  // The history grows by a point every 5 sim minutes: fetch it now and then, the live figure is appended.
  usePolling(summary ? runId : null, 20_000, async (signal) => {
    const body = (await fetchJson(`/api/runs/${encodeURIComponent(runId)}/traffic`, undefined, signal)) as { history?: HistoryPoint[] };
    if (!signal.aborted) setHistory(Array.isArray(body.history) ? body.history : []);
  });

  const fromHour = startEpochMs === null ? 0 : Math.floor(shanghaiTimeOfDayMs(startEpochMs) / 3_600_000);
  const points = useMemo<ChartPoint[]>(() => {
    const base = startEpochMs === null ? 0 : shanghaiTimeOfDayMs(startEpochMs) / 3_600_000;
    const all = history.filter((p) => !summary || p.simTimeMs < summary.simTimeMs).map((p) => ({ hour: base + p.simTimeMs / 3_600_000, index: p.index }));
    if (summary) all.push({ hour: base + summary.simTimeMs / 3_600_000, index: summary.index });
    return all;
  }, [history, summary, startEpochMs]);

  if (!summary) return null;
  const districtName = (id: string) => {
    const d = city?.districts.find((x) => x.id === id);
    return d ? (zh ? d.name.zh : d.name.en) : id;
  };
  const showLink = (linkId: string) => {
    const k = roads?.indexOf.get(linkId);
    if (k === undefined || !roads || !city) return;
    store.pickLayer(linkPick(linkId, k));
    store.command({ kind: 'flyTo', view: linkView(city, roads, k), duration: 1.5 });
  };

  return (
    <section className="panel traffic wide" aria-labelledby="traffic-title" data-testid="traffic-panel">
      <h2 id="traffic-title">{t('traffic.title')}</h2>
      <div className="tpi">
        <span className="tpi-value" style={{ color: LEVEL_COLORS[summary.level] }} data-testid="traffic-index">
          {summary.index.toFixed(1)}
        </span>
        <div>
          <div className="muted">{t('traffic.cityIndex')}</div>
          <LevelChip level={summary.level} />
        </div>
      </div>
      <dl className="traffic-stats">
        <div className="kv">
          <dt>{t('traffic.meanSpeed')}</dt>
          <dd>{t('traffic.kmh', { value: fmt.format(summary.meanSpeedKmh) })}</dd>
        </div>
        <div className="kv">
          <dt>{t('traffic.vehicles')}</dt>
          <dd data-testid="traffic-vehicles">{fmt.format(summary.vehicles)}</dd>
        </div>
        <div className="kv">
          <dt>{t('traffic.delay')}</dt>
          <dd>{t('traffic.vehHours', { value: fmt.format(summary.delayHours) })}</dd>
        </div>
      </dl>
      <div className="label">{t('traffic.districts')}</div>
      <ul className="district-bars">
        {summary.districts.map((d) => (
          <li key={d.id}>
            <span className="name">{districtName(d.id)}</span>
            <span className="bar">
              <i style={{ width: `${d.index * 10}%`, background: LEVEL_COLORS[congestionLevel(d.index)] }} />
            </span>
            <span className="value">{d.index.toFixed(1)}</span>
          </li>
        ))}
      </ul>
      <div className="label">{t('traffic.chart')}</div>
      <TrafficChart points={points} fromHour={fromHour} label={t('traffic.chart')} />
      {summary.odTimes.length > 0 && (
        <>
          <div className="label">{t('traffic.odTimes')}</div>
          <ul className="list">
            {summary.odTimes.map((o) => (
              <li key={o.id} data-testid="traffic-od" data-od={o.id}>
                <span>{zh ? o.name.zh : o.name.en}</span>
                {o.seconds === null ? <span className="unreachable">{t('traffic.unreachable')}</span> : <span>{t('traffic.minutes', { value: fmt.format(o.seconds / 60) })}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="label">{t('traffic.worst')}</div>
      <ol className="worst" data-testid="traffic-worst">
        {summary.worstLinks.slice(0, 6).map((w) => (
          <li key={w.linkId}>
            <button type="button" className="link" onClick={() => showLink(w.linkId)} data-link={w.linkId} disabled={!roads}>
              {w.name || w.linkId}
            </button>
            <span className="value" style={{ color: LEVEL_COLORS[congestionLevel(w.index)] }}>
              {w.index.toFixed(1)}
            </span>
            <span className="muted">{t('traffic.kmh', { value: fmt.format(w.speedKmh) })}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
