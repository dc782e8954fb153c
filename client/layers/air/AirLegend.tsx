/**
 * The air layer's legend in the layer panel: the six AQI levels in their official colours, what the
 * heat map shows (AQI, a pollutant or a released substance) and, for a concentration, its ramp
 * with the range now; the contour levels of a substance's plume.
 */
import { useTranslation } from 'react-i18next';
import { AQI_LEVELS } from '../../../server/protocol/aqi.ts';
import { AQI_LAYER, contourColor, heatScale, isSubstance, POLLUTANTS, RAMP } from './airColors.ts';
import type { AirDisplay } from './AirDisplay.ts';
import { contourLevels } from './contours.ts';
import type { LiveAir } from './LiveAir.ts';
import { formatConcentration, layerName, unitKey, useAirVersion, useHeatLayer } from './panels/useAir.ts';
import './panels/air.css';

export function AirLegend({ air, display }: { air: LiveAir; display: AirDisplay }) {
  const { t, i18n } = useTranslation();
  useAirVersion(air);
  const chosen = useHeatLayer(display);
  const substances = [...air.grids.keys()].filter(isSubstance).sort();
  const options = [AQI_LAYER, ...POLLUTANTS, ...substances];
  if (!options.includes(chosen)) options.push(chosen);
  const grid = air.gridFor(chosen);
  const scale = grid ? heatScale(grid) : null;
  const fmt = (v: number) => formatConcentration(i18n.language, v);
  return (
    <div className="sub legend air-legend" aria-label={t('air.legend')} data-testid="air-legend">
      {AQI_LEVELS.map((l) => (
        <span key={l.level} className="chip">
          <i style={{ background: l.color }} />
          {t(`air.level.${l.level}`)}
        </span>
      ))}
      <label className="air-heat">
        {t('air.heatShows')}
        <select value={chosen} onChange={(e) => display.set(e.target.value)} data-testid="air-heat-layer">
          {options.map((layer) => (
            <option key={layer} value={layer}>
              {layerName(t, layer)}
            </option>
          ))}
        </select>
      </label>
      {scale && scale.kind !== 'aqi' && grid && (
        <span className="air-ramp" data-testid="air-ramp">
          <i style={{ background: `linear-gradient(to right, ${RAMP.join(', ')})` }} />
          <span>
            {t('air.range', { min: fmt(scale.min), max: fmt(scale.max), unit: t(unitKey(grid.layer)) })}
            {scale.kind === 'substance' ? t('air.logScale') : ''}
          </span>
        </span>
      )}
      {substances.map((layer) => {
        const levels = contourLevels(air.grids.get(layer) ? heatScale(air.grids.get(layer)!).max : 0);
        if (levels.length === 0) return null;
        return (
          <span key={layer} className="air-contours">
            {t('air.contours')} · {layerName(t, layer)}
            {levels.map((level, k) => (
              <span key={level} className="chip">
                <i className="line" style={{ background: contourColor(k, levels.length) }} />
                {fmt(level)}
              </span>
            ))}
          </span>
        );
      })}
    </div>
  );
}
