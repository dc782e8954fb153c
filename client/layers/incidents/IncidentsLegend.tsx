/** The incidents layer's legend in the layer panel: response levels I–IV, the zones' fills and outlines, the units' routes. */
import { useTranslation } from 'react-i18next';
import { RESPONSE_LEVELS } from '../../../server/protocol/responseLevels.ts';
import { UNIT_KINDS } from '../../../server/protocol/EmergencySummary.ts';
import { levelColor, UNIT_COLORS, ZONE_ORDER, ZONE_STYLES } from './emergencyColors.ts';
import { levelBadge } from './incidentText.ts';
import './panels/incidents.css';

export function IncidentsLegend() {
  const { t } = useTranslation();
  return (
    <div className="sub legend incidents-legend" aria-label={t('incidents.legend')} data-testid="incidents-legend">
      <span className="group">
        {RESPONSE_LEVELS.map((level) => (
          <span key={level} className="chip">
            <i style={{ background: levelColor(level) }} />
            {levelBadge(t, level)}
          </span>
        ))}
      </span>
      <span className="group">
        {ZONE_ORDER.map((kind) => {
          const style = ZONE_STYLES[kind];
          return (
            <span key={kind} className="chip" data-zone={kind}>
              {style.dashM.length > 0 ? <i className="line" style={{ borderColor: style.color, borderTopStyle: style.dashM[0] < style.dashM[1] ? 'dotted' : 'dashed' }} /> : <i style={{ background: style.color, opacity: 0.4 + style.fillAlpha }} />}
              {t(`incidents.zone.${kind}`)}
            </span>
          );
        })}
      </span>
      <span className="group">
        {t('incidents.routes')}
        {UNIT_KINDS.map((kind) => (
          <span key={kind} className="chip">
            <i style={{ background: UNIT_COLORS[kind], height: 3 }} />
            {t(`incidents.unitKind.${kind}`)}
          </span>
        ))}
      </span>
    </div>
  );
}
