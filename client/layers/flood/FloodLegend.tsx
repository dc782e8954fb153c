/** The flood layer's legend in the layer panel: the depth bands (their edges are the road thresholds) and what water that deep does. */
import { useTranslation } from 'react-i18next';
import { DEPTH_BANDS, MIN_DRAWN_DEPTH_M } from './floodColors.ts';
import './panels/flood.css';

export function FloodLegend() {
  const { t, i18n } = useTranslation();
  const fmt = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 });
  return (
    <div className="sub legend flood-legend" aria-label={t('flood.legend')} data-testid="flood-legend">
      {DEPTH_BANDS.map((band, k) => {
        const next = DEPTH_BANDS[k + 1];
        const range = next ? t('flood.bandRange', { from: fmt.format(band.fromM), to: fmt.format(next.fromM) }) : t('flood.bandFrom', { from: fmt.format(band.fromM) });
        return (
          <span key={band.key} className="chip" data-band={band.fromM}>
            <i style={{ background: band.color, opacity: 0.4 + band.alpha * 0.6 }} />
            {range} {t(`flood.band.${band.key}`)}
          </span>
        );
      })}
      <span className="note">{t('flood.notShown', { value: fmt.format(MIN_DRAWN_DEPTH_M) })}</span>
    </div>
  );
}
