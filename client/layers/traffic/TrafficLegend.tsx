/** The traffic layer's legend in the layer panel: the five congestion levels' colours and closed roads'. */
import { useTranslation } from 'react-i18next';
import { CLOSED_COLOR, CONGESTION_LEVELS, LEVEL_COLORS } from './trafficColors.ts';

export function TrafficLegend() {
  const { t } = useTranslation();
  return (
    <div className="sub legend" aria-label={t('traffic.legend')}>
      {CONGESTION_LEVELS.map((level) => (
        <span key={level} className="chip">
          <i style={{ background: LEVEL_COLORS[level] }} />
          {t(`traffic.level.${level}`)}
        </span>
      ))}
      <span className="chip">
        <i style={{ background: CLOSED_COLOR }} />
        {t('traffic.closed')}
      </span>
    </div>
  );
}
