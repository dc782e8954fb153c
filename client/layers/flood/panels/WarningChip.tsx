/** A rainstorm warning signal's Chinese name on its colour (暴雨红色预警), or "no warning". */
import { useTranslation } from 'react-i18next';
import type { RainWarning } from '../../../../server/protocol/FloodSummary.ts';
import { WARNING_COLORS, warningTextColor } from '../floodColors.ts';

export function WarningChip({ warning }: { warning: RainWarning | null }) {
  const { t } = useTranslation();
  if (!warning) return <span className="muted" data-testid="flood-warning" data-warning="none">{t('flood.noWarning')}</span>;
  return (
    <span className="warning-chip" style={{ background: WARNING_COLORS[warning], color: warningTextColor(warning) }} data-testid="flood-warning" data-warning={warning}>
      {t(`flood.warning.${warning}`)}
    </span>
  );
}
