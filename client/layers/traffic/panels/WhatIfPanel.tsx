/**
 * What-if from the interface: the planner gathers changes (roads to close from the road
 * inspector, a demand factor), picks how far ahead to look, and starts a comparison that forks the
 * joined run at its latest checkpoint (POST /api/whatif); progress, then baseline and variant side
 * by side with their differences, and either run can be watched in another window.
 */
import { useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { WhatIfResult } from '../../../../server/whatif/WhatIfManager.ts';
import { formatSimTime } from '../../../../server/protocol/simTime.ts';
import { useLive } from '../../../panels/useLive.ts';
import { fetchJson } from '../../../twin/http.ts';
import type { LiveConnection } from '../../../twin/live/LiveConnection.ts';
import type { LiveTraffic } from '../LiveTraffic.ts';
import { usePolling, useTrafficSummary } from './useTraffic.ts';
import type { WhatIfDraftStore } from './whatIfDraft.ts';

const FACTORS = [0.8, 0.9, 1, 1.1, 1.2, 1.5];
const HORIZONS = [15, 30, 60];

/**
 * A row of the comparison: label, baseline, variant, difference; `higherIsWorse` colours the
 * difference. A travel time is null where its pair is unreachable; `became` then says which way
 * its reachability went (losing it is worse), and the difference is null.
 */
interface Row {
  label: string;
  baseline: number | null;
  variant: number | null;
  delta: number | null;
  digits: number;
  higherIsWorse: boolean;
  became?: 'unreachable' | 'reachable' | null;
}

/** A change that rounds to zero at the row's precision (or a pair unreachable on both sides): shown uncoloured, without a sign. */
const isTiny = (r: Row) => (r.delta === null ? !r.became : Math.abs(r.delta) < 0.5 * 10 ** -r.digits);

export function WhatIfPanel({ live, traffic, draft }: { live: LiveConnection; traffic: LiveTraffic; draft: WhatIfDraftStore }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const summary = useTrafficSummary(traffic);
  const runId = useLive(live.store, (s) => s.runId);
  const canControl = useLive(live.store, (s) => s.canControl);
  const d = useSyncExternalStore(draft.subscribe, draft.get);
  const [result, setResult] = useState<WhatIfResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  usePolling(result?.status === 'running' ? result.id : null, 1000, async (signal) => {
    if (!result) return;
    const next = (await fetchJson(`/api/whatif/${encodeURIComponent(result.id)}`, undefined, signal)) as WhatIfResult;
    if (!signal.aborted) setResult(next);
  });

  if (!summary || !canControl) return null;
  const changes = draft.requestChanges();

  const start = async () => {
    setStarting(true);
    setError(null);
    try {
      const started = (await fetchJson('/api/whatif', { fromRunId: runId, changes, horizonMs: d.horizonMinutes * 60_000 })) as WhatIfResult;
      setResult(started);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setStarting(false);
    }
  };

  const rows: Row[] = [];
  const b = result?.baseline.summary;
  const v = result?.variant.summary;
  if (result?.status === 'done' && b && v && result.deltas) {
    rows.push(
      { label: t('traffic.index'), baseline: b.index, variant: v.index, delta: result.deltas.index, digits: 2, higherIsWorse: true },
      { label: t('traffic.meanSpeed'), baseline: b.meanSpeedKmh, variant: v.meanSpeedKmh, delta: result.deltas.meanSpeedKmh, digits: 1, higherIsWorse: false },
      { label: t('traffic.delay'), baseline: b.delayHours, variant: v.delayHours, delta: result.deltas.delayHours, digits: 0, higherIsWorse: true },
      { label: t('whatif.vehicleHours'), baseline: b.vehicleHours, variant: v.vehicleHours, delta: result.deltas.vehicleHours, digits: 0, higherIsWorse: true },
      ...result.deltas.odTimes.map((o) => ({
        label: t('whatif.odMinutes', { name: zh ? o.name.zh : o.name.en }),
        baseline: o.baselineS === null ? null : o.baselineS / 60,
        variant: o.variantS === null ? null : o.variantS / 60,
        delta: o.deltaS === null ? null : o.deltaS / 60,
        digits: 1,
        higherIsWorse: true,
        became: o.became,
      })),
    );
    // The air, when the run has the environment engine: traffic's share of it changes with the traffic.
    const [ba, va, d] = [result.baseline.air, result.variant.air, result.deltas];
    if (ba && va && d.meanGridAqi !== undefined && d.exposurePm25 !== undefined) {
      const maxNo2 = (s: typeof ba) => s.maxima.find((m) => m.pollutant === 'no2')?.value ?? 0;
      rows.push(
        { label: t('air.whatif.meanGridAqi'), baseline: ba.meanGridAqi, variant: va.meanGridAqi, delta: d.meanGridAqi, digits: 1, higherIsWorse: true },
        { label: t('air.whatif.exposurePm25'), baseline: ba.exposurePm25, variant: va.exposurePm25, delta: d.exposurePm25, digits: 1, higherIsWorse: true },
        { label: t('air.whatif.maxNo2'), baseline: maxNo2(ba), variant: maxNo2(va), delta: d.maxConcentration?.no2 ?? 0, digits: 1, higherIsWorse: true },
      );
    }
  }
  const num = (x: number, digits: number) => new Intl.NumberFormat(i18n.language, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(x);
  const value = (x: number | null, digits: number) => (x === null ? t('traffic.unreachable') : num(x, digits));
  const change = (r: Row, tiny: boolean) => {
    if (r.became) return t(r.became === 'unreachable' ? 'whatif.becameUnreachable' : 'whatif.becameReachable');
    // Unreachable on both sides: no difference to give.
    if (r.delta === null) return '—';
    return tiny ? num(0, r.digits) : `${r.delta > 0 ? '+' : ''}${num(r.delta, r.digits)}`;
  };
  const watch = (id: string) => window.open(`${window.location.pathname}?run=${encodeURIComponent(id)}`, '_blank', 'noopener');
  const clock = (ms: number) => {
    const info = live.store.getState().runs.find((r) => r.id === runId);
    if (!info?.startEpochMs) return `${Math.round(ms / 60_000)} min`;
    // "2026-03-16 06:15:00" → "06:15".
    return formatSimTime(info.startEpochMs + ms).slice(11, 16);
  };

  return (
    <section className="panel whatif" aria-labelledby="whatif-title" data-testid="whatif-panel">
      <h2 id="whatif-title">{t('whatif.title')}</h2>
      {d.changes.length === 0 ? (
        <div className="muted">{t('whatif.hint')}</div>
      ) : (
        <ul className="changes" data-testid="whatif-changes">
          {d.changes.map((c, k) => (
            <li key={`${c.kind}-${k}`}>
              <span>{c.label}</span>
              <button type="button" className="link danger" onClick={() => draft.remove(k)}>
                {t('whatif.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <label className="field">
        {t('whatif.demand')}
        <select value={d.demandFactor} onChange={(e) => draft.set({ demandFactor: Number(e.target.value) })} data-testid="whatif-demand">
          {FACTORS.map((f) => (
            <option key={f} value={f}>
              {`${Math.round(f * 100)}%`}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        {t('whatif.horizon')}
        <select value={d.horizonMinutes} onChange={(e) => draft.set({ horizonMinutes: Number(e.target.value) })} data-testid="whatif-horizon">
          {HORIZONS.map((m) => (
            <option key={m} value={m}>
              {t('whatif.minutesAhead', { value: m })}
            </option>
          ))}
        </select>
      </label>
      <div className="actions">
        <button type="button" className="btn primary" disabled={changes.length === 0 || starting || result?.status === 'running'} onClick={() => void start()} data-testid="whatif-start">
          {t('whatif.start')}
        </button>
      </div>
      {error && <div className="error" data-testid="whatif-error">{error}</div>}
      {result && (
        <div className="whatif-result" data-testid="whatif-result" data-status={result.status}>
          <div className="muted">{t('whatif.window', { from: clock(result.startMs), to: clock(result.untilMs) })}</div>
          {result.status === 'running' && (
            <>
              <div className="progress" role="progressbar" aria-valuenow={Math.round(result.progress * 100)} aria-valuemin={0} aria-valuemax={100}>
                <i style={{ width: `${result.progress * 100}%` }} />
              </div>
              <div className="muted">{t('whatif.running', { value: Math.round(result.progress * 100) })}</div>
            </>
          )}
          {result.status === 'failed' && <div className="error">{t('whatif.failed', { message: result.error ?? '' })}</div>}
          {rows.length > 0 && rows.every(isTiny) && (
            <div className="muted" data-testid="whatif-no-difference">
              {t('whatif.noDifference')}
            </div>
          )}
          {rows.length > 0 && (
            <table className="compare">
              <thead>
                <tr>
                  <th />
                  <th>{t('whatif.baseline')}</th>
                  <th>{t('whatif.variant')}</th>
                  <th>{t('whatif.delta')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const tiny = isTiny(r);
                  const worse = !tiny && (r.delta === null ? r.became === 'unreachable' : (r.delta > 0) === r.higherIsWorse);
                  return (
                    <tr key={r.label}>
                      <td>{r.label}</td>
                      <td>{value(r.baseline, r.digits)}</td>
                      <td>{value(r.variant, r.digits)}</td>
                      <td className={tiny ? '' : worse ? 'worse' : 'better'}>{change(r, tiny)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <div className="actions">
            <button type="button" className="btn" onClick={() => watch(result.baseline.runId)}>
              {t('whatif.watchBaseline')}
            </button>
            <button type="button" className="btn" onClick={() => watch(result.variant.runId)}>
              {t('whatif.watchVariant')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
