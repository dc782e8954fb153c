/** An incident's response level on its colour: "II 级 · 重大" on orange. */
import { useTranslation } from 'react-i18next';
import type { ResponseLevel } from '../../../../server/protocol/responseLevels.ts';
import { levelColor, levelTextColor } from '../emergencyColors.ts';
import { levelBadge } from '../incidentText.ts';

export function LevelBadge({ level }: { level: ResponseLevel }) {
  const { t } = useTranslation();
  return (
    <span className="level-badge" style={{ background: levelColor(level), color: levelTextColor(level) }} data-level={level} data-testid="incident-level">
      {levelBadge(t, level)}
    </span>
  );
}
