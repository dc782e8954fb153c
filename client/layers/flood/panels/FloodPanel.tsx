/**
 * The flood panel of a run with the flood engine: the rain now and fallen with the rainstorm warning
 * signal, the deepest water, flooded cells and wet buildings, the water balance since the start,
 * and the roads under water (deepest first; a click shows the road). Renders nothing without a
 * flood summary.
 */
import { useTranslation } from 'react-i18next';
import type { FloodedLink } from '../../../../server/protocol/FloodSummary.ts';
import { KeyValues } from '../../../panels/InfoPanel.tsx';
import { useTwin } from '../../../panels/useTwin.ts';
import type { TwinStore } from '../../../twin/TwinStore.ts';
import { linkView, useRoads } from '../../traffic/panels/useTraffic.ts';
import { linkPick } from '../../traffic/trafficPick.ts';
import type { LiveFlood } from '../LiveFlood.ts';
import { useFloodSummary } from './useFlood.ts';
import { WarningChip } from './WarningChip.tsx';
import './flood.css';

/** Roads listed before "and n more". */
const ROADS_SHOWN = 10;
/** Cells counted as flooded hold this much water or more (the summary's rule). */
const FLOODED_FROM_M = 0.15;

export function FloodPanel({ store, flood }: { store: TwinStore; flood: LiveFlood }) {
  const { t, i18n } = useTranslation();
  const summary = useFloodSummary(flood);
  const city = useTwin(store, (s) => s.city);
  const roads = useRoads(city);
  if (!summary) return null;
  const fmt = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 });
  const m3 = (value: number) => t('flood.m3', { value: new Intl.NumberFormat(i18n.language, { notation: 'compact', maximumFractionDigits: 1 }).format(value) });
  const areaKm2 = (summary.floodedCells * summary.cellM ** 2) / 1e6;
  const counts = summary.linkCounts;
  const flooded = counts.slow + counts.closed + counts.impassable;
  const showRoad = (road: FloodedLink) => {
    const k = roads?.indexOf.get(road.linkId);
    if (k === undefined || !roads || !city) return;
    store.pickLayer(linkPick(road.linkId, k));
    store.command({ kind: 'flyTo', view: linkView(city, roads, k), duration: 1.5 });
  };
  return (
    <section className="panel flood wide" aria-labelledby="flood-title" data-testid="flood-panel">
      <h2 id="flood-title">{t('flood.title')}</h2>
      <div className="rain-now">
        <span className="rain-value" data-testid="flood-rain">
          {fmt.format(summary.rainMmPerH)}
        </span>
        <div>
          <div className="muted">{t('flood.rainNowUnit')}</div>
          <WarningChip warning={summary.warning} />
        </div>
      </div>
      <KeyValues
        rows={[
          [t('flood.rainFallen'), t('flood.mm', { value: fmt.format(summary.rainMm) })],
          [t('flood.maxDepth'), t('flood.metres', { value: fmt.format(summary.maxDepthM) })],
          [t('flood.floodedCells', { depth: FLOODED_FROM_M }), t('flood.cellsValue', { count: summary.floodedCells, area: fmt.format(areaKm2) })],
          [t('flood.wetBuildings'), t('flood.buildingsValue', { value: summary.wetBuildings })],
        ]}
        testId="flood-figures"
      />
      <div className="label">{t('flood.volumes')}</div>
      <KeyValues
        rows={[
          [t('flood.rainM3'), m3(summary.rainM3)],
          [t('flood.waterM3'), m3(summary.waterM3)],
          [t('flood.drainedM3'), m3(summary.drainedM3)],
          [t('flood.infiltratedM3'), m3(summary.infiltratedM3)],
          [t('flood.outflowM3'), m3(summary.outflowM3)],
        ]}
        testId="flood-volumes"
      />
      <div className="label">{t('flood.roads', { count: flooded })}</div>
      <div className="road-counts" data-testid="flood-road-counts">
        {(['slow', 'closed', 'impassable'] as const).map((state) => (
          <span key={state} className={`road-state ${state}`}>
            {t(`flood.roadState.${state}`)} {counts[state]}
          </span>
        ))}
        <span className="muted">{t('flood.closedKm', { value: fmt.format(summary.closedKm) })}</span>
      </div>
      {summary.closedLinks.length === 0 ? (
        <div className="muted">{t('flood.noRoads')}</div>
      ) : (
        <ol className="flood-roads" data-testid="flood-roads">
          {summary.closedLinks.slice(0, ROADS_SHOWN).map((road) => (
            <li key={road.linkId}>
              <button type="button" className="link" onClick={() => showRoad(road)} data-link={road.linkId} disabled={!roads}>
                {road.name || road.linkId}
              </button>
              <span className="value">{t('flood.metres', { value: fmt.format(road.depthM) })}</span>
              <span className={`road-state ${road.state}`}>{t(`flood.roadState.${road.state}`)}</span>
            </li>
          ))}
          {flooded > ROADS_SHOWN && <li className="muted">{t('flood.roadsMore', { count: flooded - Math.min(ROADS_SHOWN, summary.closedLinks.length) })}</li>}
        </ol>
      )}
    </section>
  );
}
