/**
 * The air of the place or station last clicked with the air layer on: at a point, every
 * pollutant's and substance's concentration with their AQI (GET /api/runs/:id/air/point, refreshed
 * while shown) and, for planners, a release to simulate there; at a station, its readings from the
 * air summary.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AQI_LEVELS } from '../../../../server/protocol/aqi.ts';
import type { AirAtPoint } from '../../../../server/realtime/airAtPoint.ts';
import { KeyValues } from '../../../panels/InfoPanel.tsx';
import { useLive } from '../../../panels/useLive.ts';
import { useTwin } from '../../../panels/useTwin.ts';
import { fetchJson } from '../../../twin/http.ts';
import type { LiveConnection } from '../../../twin/live/LiveConnection.ts';
import type { TwinStore } from '../../../twin/TwinStore.ts';
import { usePolling } from '../../traffic/panels/useTraffic.ts';
import { POLLUTANTS } from '../airColors.ts';
import { airPickOf, type AirPick } from '../airPick.ts';
import type { LiveAir } from '../LiveAir.ts';
import { AqiChip } from './AqiChip.tsx';
import { formatConcentration, layerName, unitKey, useAirSummary } from './useAir.ts';

const SUBSTANCES = ['chlorine', 'ammonia'] as const;
const RATES_G_PER_S = [200, 1000, 5000] as const;
const DURATIONS_MIN = [10, 30, 60] as const;
/** A leak at the ground: a tank or a pipe, not a stack. */
const RELEASE_HEIGHT_M = 2;

type Loaded = { key: string; point?: AirAtPoint; error?: string };

const keyOf = (p: AirPick) => (p.kind === 'point' ? `point:${p.lon},${p.lat}` : `station:${p.stationId}`);

/** Concentrations as rows: the six pollutants first, then any substance, each with its unit. */
function concentrationRows(t: ReturnType<typeof useTranslation>['t'], language: string, values: Record<string, number>): [string, string][] {
  const ids = [...POLLUTANTS.filter((p) => p in values), ...Object.keys(values).filter((k) => !(POLLUTANTS as readonly string[]).includes(k) && k !== 'o3_8h').sort()];
  return ids.map((id) => [layerName(t, id), `${formatConcentration(language, values[id])} ${t(unitKey(id))}`]);
}

/** The big AQI figure and its level's chip. */
function AqiNow({ aqi, level, testId }: { aqi: number | null; level: number | null; testId: string }) {
  const { t } = useTranslation();
  const color = level ? AQI_LEVELS[level - 1].color : undefined;
  return (
    <div className="aqi-now">
      <span className="aqi-value" style={{ color }} data-testid={testId}>
        {aqi ?? '—'}
      </span>
      <div>
        <div className="muted">{t('air.aqi')}</div>
        {level && <AqiChip level={level} />}
      </div>
    </div>
  );
}

function SimulateRelease({ live, lon, lat }: { live: LiveConnection; lon: number; lat: number }) {
  const { t } = useTranslation();
  const [substance, setSubstance] = useState<string>(SUBSTANCES[0]);
  const [rate, setRate] = useState<number>(RATES_G_PER_S[1]);
  const [minutes, setMinutes] = useState<number>(DURATIONS_MIN[1]);
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState<string | null>(null);
  const start = async () => {
    setBusy(true);
    try {
      const id = await live.inject('environment.release', { at: { lon, lat }, heightM: RELEASE_HEIGHT_M, pollutant: substance, gPerS: rate, durationS: minutes * 60 });
      setStarted(id);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="simulate" data-testid="air-simulate">
      <div className="label">{t('air.simulate.title')}</div>
      <label className="field">
        {t('air.simulate.substance')}
        <select value={substance} onChange={(e) => setSubstance(e.target.value)} data-testid="air-simulate-substance">
          {SUBSTANCES.map((s) => (
            <option key={s} value={s}>
              {layerName(t, s)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        {t('air.simulate.rate')}
        <select value={rate} onChange={(e) => setRate(Number(e.target.value))} data-testid="air-simulate-rate">
          {RATES_G_PER_S.map((r) => (
            <option key={r} value={r}>
              {t('air.simulate.gPerS', { value: r })}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        {t('air.simulate.duration')}
        <select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
          {DURATIONS_MIN.map((m) => (
            <option key={m} value={m}>
              {t('air.simulate.minutes', { value: m })}
            </option>
          ))}
        </select>
      </label>
      <div className="actions">
        <button type="button" className="btn danger" disabled={busy} onClick={() => void start()} data-testid="air-simulate-start">
          {t('air.simulate.start')}
        </button>
      </div>
      {started && <div className="muted">{t('air.simulate.started', { id: started })}</div>}
    </div>
  );
}

export function AirInspector({ live, store, air }: { live: LiveConnection; store: TwinStore; air: LiveAir }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const pick = useTwin(store, (s) => airPickOf(s.layerPick));
  const runId = useLive(live.store, (s) => s.runId);
  const canControl = useLive(live.store, (s) => s.canControl);
  const summary = useAirSummary(air);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const key = pick?.kind === 'point' ? `${runId}|${keyOf(pick)}` : null;

  usePolling(key, 5000, async (signal) => {
    if (pick?.kind !== 'point' || key === null) return;
    const url = `/api/runs/${encodeURIComponent(runId)}/air/point?lon=${pick.lon}&lat=${pick.lat}`;
    try {
      const point = (await fetchJson(url, undefined, signal)) as AirAtPoint;
      if (!signal.aborted) setLoaded({ key, point });
    } catch (error) {
      if (!signal.aborted) setLoaded((prev) => ({ ...(prev?.key === key ? prev : {}), key, error: (error as Error).message }));
    }
  });

  if (!pick) return null;
  const fmtDeg = (v: number) => v.toFixed(5);
  let body;
  if (pick.kind === 'point') {
    const shown = loaded?.key === key ? loaded : null;
    const p = shown?.point;
    body = (
      <>
        <h2 id="inspector-title">{t('air.point.title')}</h2>
        <div className="muted" data-testid="air-point-where">
          {t('air.point.where')} {fmtDeg(pick.lon)}, {fmtDeg(pick.lat)}
        </div>
        {p ? (
          <>
            <AqiNow aqi={p.aqi} level={p.level} testId="air-point-aqi" />
            <KeyValues rows={[[t('air.primary'), p.primary.length > 0 ? p.primary.map((x) => layerName(t, x)).join('、') : t('air.none')]]} />
            <div className="label">{t('air.point.concentrations')}</div>
            <KeyValues rows={concentrationRows(t, i18n.language, p.concentrations)} testId="air-point-concentrations" />
          </>
        ) : (
          !shown?.error && <div className="muted">{t('air.point.loading')}</div>
        )}
        {canControl && <SimulateRelease live={live} lon={pick.lon} lat={pick.lat} />}
      </>
    );
  } else {
    const s = summary?.stations.find((x) => x.id === pick.stationId);
    body = (
      <>
        <h2 id="inspector-title">{t('air.station.title')}</h2>
        <div className="title" data-testid="air-station-name">
          {s ? (zh ? s.name.zh : s.name.en) : pick.stationId}
        </div>
        {s && (
          <>
            <AqiNow aqi={s.aqi} level={s.level} testId="air-station-inspector-aqi" />
            <KeyValues
              rows={[
                [t('air.primary'), s.primary.length > 0 ? s.primary.map((x) => layerName(t, x)).join('、') : t('air.none')],
                [t('air.station.daily'), s.daily ? `${s.daily.aqi} ${t(`air.level.${s.daily.level}`)}` : t('air.station.dailyPending')],
              ]}
            />
            <div className="label">{t('air.station.hourly')}</div>
            <KeyValues rows={concentrationRows(t, i18n.language, s.hourly)} testId="air-station-hourly" />
            <div className="label">{t('air.station.minute')}</div>
            <KeyValues rows={concentrationRows(t, i18n.language, s.minute)} />
          </>
        )}
      </>
    );
  }
  return (
    <section className="panel info inspector air-inspector" aria-labelledby="inspector-title" data-testid="air-inspector">
      {body}
      {pick.kind === 'point' && loaded?.key === key && loaded?.error && <div className="error">{loaded.error}</div>}
      <button type="button" className="link" onClick={() => store.pickLayer(null)}>
        {t('info.clear')}
      </button>
    </section>
  );
}
