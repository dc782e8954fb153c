/**
 * The air panel of a run with the environment engine: the citywide AQI with its level, primary
 * pollutants and the standard in force; the weather and stability now; the stations ranked by AQI
 * (a click flies there); a 24-hour AQI chart, citywide or of one station; the releases. Renders
 * nothing without an air summary.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AirSummary } from '../../../../server/protocol/AirSummary.ts';
import { AQI_LEVELS } from '../../../../server/protocol/aqi.ts';
import { formatSimTime, shanghaiTimeOfDayMs } from '../../../../server/protocol/simTime.ts';
import { KeyValues } from '../../../panels/InfoPanel.tsx';
import { useLive } from '../../../panels/useLive.ts';
import { useTwin } from '../../../panels/useTwin.ts';
import { enuToGeodetic, viewLookingAt } from '../../../twin/geo.ts';
import type { LiveConnection } from '../../../twin/live/LiveConnection.ts';
import { terrainHeightAt } from '../../../twin/traffic/roads.ts';
import type { TwinStore } from '../../../twin/TwinStore.ts';
import { useRoads } from '../../traffic/panels/useTraffic.ts';
import { aqiColor } from '../airColors.ts';
import { stationPick } from '../airPick.ts';
import type { LiveAir } from '../LiveAir.ts';
import { AqiChip } from './AqiChip.tsx';
import { BandChart, type BandChartPoint } from './BandChart.tsx';
import { layerName, useAirSummary, useAirVersion } from './useAir.ts';
import './air.css';

/** The AQI chart's bands: the six levels. */
const AQI_BANDS = AQI_LEVELS.map((l, k) => ({ from: k === 0 ? 0 : AQI_LEVELS[k - 1].max, to: l.max, color: l.color }));
const LEVEL_TOPS = [50, 100, 150, 200, 300, 500];
const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;

/** The eight-point name of the direction a wind blows from. */
export const compassOf = (fromDeg: number) => COMPASS[Math.round((((fromDeg % 360) + 360) % 360) / 45) % 8];

/** An arrow pointing where the wind blows to (it comes from `fromDeg`, clockwise from north). */
export function WindArrow({ fromDeg, label }: { fromDeg: number; label: string }) {
  return (
    <svg className="wind-arrow" viewBox="-10 -10 20 20" width="18" height="18" role="img" aria-label={label} style={{ transform: `rotate(${fromDeg + 180}deg)` }}>
      <path d="M0 -8 L5 4 L0 1.5 L-5 4 Z" fill="currentColor" />
    </svg>
  );
}

/** Where to look at a station from: 900 m away, looking north and down. */
function stationView(summary: AirSummary, stationId: string, store: TwinStore, terrain: Parameters<typeof terrainHeightAt>[0] | null) {
  const city = store.getState().city;
  const s = summary.stations.find((x) => x.id === stationId);
  if (!city || !s) return null;
  const at = enuToGeodetic(city.origin, [s.x, s.y, terrain ? terrainHeightAt(terrain, s.x, s.y) : 0]);
  return viewLookingAt(at, 0, -0.6, 900);
}

export function AirPanel({ live, store, air }: { live: LiveConnection; store: TwinStore; air: LiveAir }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const summary = useAirSummary(air);
  useAirVersion(air);
  const history = air.history;
  const startEpochMs = useLive(live.store, (s) => s.runs.find((r) => r.id === s.runId)?.startEpochMs ?? null);
  const city = useTwin(store, (s) => s.city);
  const roads = useRoads(city);
  const [chartOf, setChartOf] = useState('');
  const fmt = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 });

  const fromHour = startEpochMs === null ? 0 : Math.floor(shanghaiTimeOfDayMs(startEpochMs) / 3_600_000);
  const points = useMemo<BandChartPoint[]>(() => {
    const base = startEpochMs === null ? 0 : shanghaiTimeOfDayMs(startEpochMs) / 3_600_000;
    const valueOf = (p: { aqi: number; stations: { id: string; aqi: number }[] }) => (chartOf === '' ? p.aqi : p.stations.find((s) => s.id === chartOf)?.aqi);
    const all: BandChartPoint[] = [];
    for (const p of history) {
      const value = valueOf(p);
      if (value !== undefined && (!summary || p.simTimeMs < summary.simTimeMs)) all.push({ hour: base + p.simTimeMs / 3_600_000, value });
    }
    const now = summary ? valueOf(summary) : undefined;
    if (summary && now !== undefined) all.push({ hour: base + summary.simTimeMs / 3_600_000, value: now });
    return all;
  }, [history, summary, startEpochMs, chartOf]);

  if (!summary) return null;
  const level = AQI_LEVELS[summary.level - 1];
  const w = summary.weather;
  const stations = [...summary.stations].sort((a, b) => b.aqi - a.aqi || a.id.localeCompare(b.id));
  const peak = points.reduce((m, p) => Math.max(m, p.value), 0);
  const yMax = LEVEL_TOPS.find((top) => top >= Math.max(100, peak)) ?? 500;
  const clock = (ms: number) => (startEpochMs === null ? `${Math.round(ms / 60_000)} min` : formatSimTime(startEpochMs + ms).slice(11, 16));
  const showStation = (id: string) => {
    store.pickLayer(stationPick(id));
    const view = stationView(summary, id, store, roads?.terrain ?? null);
    if (view) store.command({ kind: 'flyTo', view, duration: 1.5 });
  };
  const primary = summary.primary.length > 0 ? summary.primary.map((p) => layerName(t, p)).join('、') : t('air.none');

  return (
    <section className="panel air wide" aria-labelledby="air-title" data-testid="air-panel">
      <h2 id="air-title">{t('air.title')}</h2>
      <div className="aqi-now">
        <span className="aqi-value" style={{ color: level.color }} data-testid="air-aqi">
          {summary.aqi}
        </span>
        <div>
          <div className="muted">{t('air.cityAqi')}</div>
          <AqiChip level={summary.level} />
        </div>
      </div>
      <KeyValues
        rows={[
          [t('air.primary'), primary],
          [t('air.standard'), summary.standard],
        ]}
        testId="air-figures"
      />
      <div className="label">{t('air.weather')}</div>
      <dl className="air-stats">
        <div className="kv">
          <dt>{t('air.wind')}</dt>
          <dd className="wind" data-testid="air-wind">
            <WindArrow fromDeg={w.windFromDeg} label={t('air.windArrow')} />
            {t('air.windValue', { dir: t(`air.dir.${compassOf(w.windFromDeg)}`), speed: fmt.format(w.windSpeedMs) })}
          </dd>
        </div>
      </dl>
      <KeyValues
        rows={[
          [t('air.stability'), t('air.stabilityValue', { cls: w.stability }) + (w.stabilityFixed ? t('air.stabilityFixed') : '')],
          [t('air.mixingHeight'), t('air.metres', { value: fmt.format(w.mixingHeightM) })],
          [t('air.temperature'), t('air.celsius', { value: fmt.format(w.temperatureC) })],
        ]}
        testId="air-weather"
      />
      <div className="muted stability-hint">{t(`air.stabilityHint.${w.stability}`)}</div>
      <div className="label">{t('air.stations')}</div>
      <ol className="air-stations" data-testid="air-stations">
        {stations.map((s) => (
          <li key={s.id}>
            <button type="button" className="link" onClick={() => showStation(s.id)} data-station={s.id}>
              {zh ? s.name.zh : s.name.en}
            </button>
            <span className="value" style={{ color: aqiColor(s.aqi) }} data-testid="air-station-aqi">
              {s.aqi}
            </span>
            <AqiChip level={s.level} />
          </li>
        ))}
      </ol>
      <div className="label chart-label">
        {t('air.chart')}
        <select value={chartOf} onChange={(e) => setChartOf(e.target.value)} aria-label={t('air.chartOf')} data-testid="air-chart-of">
          <option value="">{t('air.citywide')}</option>
          {summary.stations.map((s) => (
            <option key={s.id} value={s.id}>
              {zh ? s.name.zh : s.name.en}
            </option>
          ))}
        </select>
      </div>
      <BandChart points={points} fromHour={fromHour} label={t('air.chart')} bands={AQI_BANDS} yMax={yMax} ySplits={LEVEL_TOPS.filter((v) => v <= yMax)} testId="air-chart" />
      {summary.releases.length > 0 && (
        <>
          <div className="label">{t('air.releases')}</div>
          <ul className="list" data-testid="air-releases">
            {summary.releases.map((r) => (
              <li key={r.id}>
                <span>{t('air.release', { substance: layerName(t, r.substance), rate: fmt.format(r.gPerS), height: fmt.format(r.heightM) })}</span>
                <span className={r.active ? 'release-active' : 'muted'}>{r.active ? `${t('air.releaseActive')} · ${t('air.releaseSince', { time: clock(r.startMs) })}` : t('air.releaseEnded')}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
