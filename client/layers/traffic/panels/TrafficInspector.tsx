/**
 * The figures of the road or vehicle last clicked in a view (from the run's REST API, refreshed
 * while shown); a road can be closed or reopened in the joined run, or added to the what-if draft.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LinkFigures } from '../../../../server/realtime/RunManager.ts';
import type { ObjectDescription } from '../../../../server/sim/Engine.ts';
import { KeyValues } from '../../../panels/InfoPanel.tsx';
import { useLive } from '../../../panels/useLive.ts';
import { useTwin } from '../../../panels/useTwin.ts';
import { fetchJson, HttpError } from '../../../twin/http.ts';
import type { LiveConnection } from '../../../twin/live/LiveConnection.ts';
import type { TwinStore } from '../../../twin/TwinStore.ts';
import { trafficPickOf, type TrafficPick } from '../trafficPick.ts';
import { LevelChip } from './TrafficPanel.tsx';
import { usePolling } from './useTraffic.ts';
import type { WhatIfDraftStore } from './whatIfDraft.ts';

type VehicleFigures = ObjectDescription;

type Loaded = { pick: string; link?: LinkFigures; vehicle?: VehicleFigures; error?: string; gone?: boolean };

const keyOf = (p: TrafficPick) => (p.kind === 'link' ? `link:${p.linkId}` : `vehicle:${p.objectId}`);

export function TrafficInspector({ live, store, draft }: { live: LiveConnection; store: TwinStore; draft: WhatIfDraftStore }) {
  const { t, i18n } = useTranslation();
  const pick = useTwin(store, (s) => trafficPickOf(s.layerPick));
  const runId = useLive(live.store, (s) => s.runId);
  const canControl = useLive(live.store, (s) => s.canControl);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [busy, setBusy] = useState(false);
  const fmt = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 });
  const key = pick ? `${runId}|${keyOf(pick)}` : null;

  usePolling(key, pick?.kind === 'vehicle' ? 1000 : 2000, async (signal) => {
    if (!pick) return;
    const base = `/api/runs/${encodeURIComponent(runId)}`;
    const k = keyOf(pick);
    try {
      if (pick.kind === 'link') {
        const link = (await fetchJson(`${base}/links/${encodeURIComponent(pick.linkId)}`, undefined, signal)) as LinkFigures;
        if (!signal.aborted) setLoaded({ pick: k, link });
      } else {
        const vehicle = (await fetchJson(`${base}/objects/${pick.objectId}`, undefined, signal)) as VehicleFigures;
        if (!signal.aborted) setLoaded({ pick: k, vehicle });
      }
    } catch (error) {
      if (signal.aborted) return;
      // A vehicle that has arrived is no longer on the network: say so rather than show an error.
      const gone = pick.kind === 'vehicle' && error instanceof HttpError && error.status === 404;
      setLoaded((prev) => ({ ...(prev?.pick === k ? prev : {}), pick: k, error: gone ? undefined : (error as Error).message, gone }));
    }
  });

  if (!pick) return null;
  const shown = loaded?.pick === keyOf(pick) ? loaded : null;
  const value = (v: number | null | undefined, unit: string) => (v === null || v === undefined ? '—' : t(unit, { value: fmt.format(v) }));

  const act = async (kind: 'traffic.close_link' | 'traffic.open_link', linkId: string) => {
    setBusy(true);
    try {
      await live.inject(kind, { linkId });
    } finally {
      setBusy(false);
    }
  };

  let body;
  if (pick.kind === 'link') {
    const l = shown?.link;
    const closed = (l?.closedLanes ?? 0) > 0;
    const rows: [string, string][] = [
      [t('traffic.road.id'), pick.linkId],
      [t('traffic.road.class'), l ? t(`traffic.roadClass.${l.class}`, { defaultValue: l.class }) : '—'],
      [t('traffic.road.lanes'), l ? String(l.lanes) : '—'],
      [t('traffic.meanSpeed'), value(l?.speedKmh, 'traffic.kmh')],
      [t('traffic.road.density'), value(l?.densityVehPerKm, 'traffic.perKm')],
      [t('traffic.road.flow'), value(l?.flowVph, 'traffic.perHour')],
      [t('traffic.road.queue'), value(l?.queueM, 'traffic.metres')],
      [t('traffic.road.closedLanes'), l?.closedLanes ? String(l.closedLanes) : t('traffic.road.none')],
    ];
    body = (
      <>
        <h2 id="inspector-title">{t('traffic.road.title')}</h2>
        <div className="title" data-testid="inspector-name">{l?.name || pick.linkId}</div>
        <div className="tpi">
          <span className="muted">{t('traffic.index')}</span> <b data-testid="inspector-index">{l?.index === null || l?.index === undefined ? '—' : l.index.toFixed(1)}</b>{' '}
          {l?.level && <LevelChip level={l.level} />}
        </div>
        <KeyValues rows={rows} />
        <div className="actions">
          {canControl && (
            <button type="button" className={`btn ${closed ? '' : 'danger'}`} disabled={busy} onClick={() => void act(closed ? 'traffic.open_link' : 'traffic.close_link', pick.linkId)} data-testid="close-road">
              {closed ? t('traffic.road.open') : t('traffic.road.close')}
            </button>
          )}
          <button
            type="button"
            className="btn"
            onClick={() => draft.add({ kind: 'traffic.close_link', params: { linkId: pick.linkId }, label: t('whatif.closeRoad', { name: l?.name || pick.linkId }) })}
            data-testid="add-to-whatif"
          >
            {t('traffic.road.addToWhatIf')}
          </button>
        </div>
      </>
    );
  } else {
    const v = shown?.vehicle;
    const rows: [string, string][] = [
      [t('traffic.vehicle.id'), String(pick.objectId)],
      [t('traffic.vehicle.kind'), v ? t(`traffic.kind.${v.kind}`, { defaultValue: v.kind }) : '—'],
      [t('traffic.meanSpeed'), value(v?.speedKmh, 'traffic.kmh')],
      [t('traffic.vehicle.street'), v?.street || '—'],
      [t('traffic.vehicle.destination'), v?.destinationStreet || '—'],
      [t('traffic.vehicle.travelling'), value(v?.travellingMinutes, 'traffic.minutes')],
    ];
    body = (
      <>
        <h2 id="inspector-title">{t('traffic.vehicle.title')}</h2>
        {shown?.gone ? (
          <div className="muted" data-testid="vehicle-gone">{t('traffic.vehicle.gone')}</div>
        ) : (
          <KeyValues rows={rows} testId="vehicle-figures" />
        )}
      </>
    );
  }
  return (
    <section className="panel info inspector" aria-labelledby="inspector-title" data-testid="traffic-inspector">
      {body}
      {shown?.error && <div className="error">{shown.error}</div>}
      <button type="button" className="link" onClick={() => store.pickLayer(null)}>
        {t('info.clear')}
      </button>
    </section>
  );
}
