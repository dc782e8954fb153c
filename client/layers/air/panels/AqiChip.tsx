/** An AQI level's name on its official colour, as the panels and the inspector show it. */
import { useTranslation } from 'react-i18next';
import { AQI_LEVELS } from '../../../../server/protocol/aqi.ts';

/** Dark text on the three light colours, white on the three dark ones. */
const textColor = (level: number) => (level >= 4 ? '#ffffff' : '#04121f');

export function AqiChip({ level }: { level: number }) {
  const { t } = useTranslation();
  const info = AQI_LEVELS[Math.min(6, Math.max(1, level)) - 1];
  return (
    <span className="aqi-chip" style={{ background: info.color, color: textColor(info.level) }} data-level={info.level}>
      {t(`air.level.${info.level}`)}
    </span>
  );
}
