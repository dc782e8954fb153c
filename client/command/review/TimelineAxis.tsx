/**
 * The drill's event timeline on a time axis: one row of markers per kind (injects, actions,
 * arrivals, level changes, warnings, controls), ticks every so many minutes of sim time; a click on
 * a marker asks to jump the replay there.
 */
import { useTranslation } from 'react-i18next';
import type { TimelineEntry } from '../../../server/protocol/drills.ts';
import { actorLabel } from '../shared/TimelineList.tsx';
import { formatOffset, textIn } from '../shared/drillText.ts';

/** The rows, top to bottom: what exercise controllers look at first. */
export const AXIS_ROWS: readonly TimelineEntry['kind'][] = ['msel', 'action', 'warning', 'arrival', 'level', 'alert', 'control'];

const WIDTH = 1000;
const LABEL = 90;
const ROW = 22;

/** Tick spacing for a span: about six ticks, at 1, 5, 10, 15, 30 or 60 minutes. */
export function tickStepMs(spanMs: number): number {
  const steps = [1, 5, 10, 15, 30, 60, 120].map((m) => m * 60_000);
  return steps.find((s) => spanMs / s <= 8) ?? steps[steps.length - 1];
}

export function TimelineAxis({ entries, endMs, onJump, selectedSeq }: { entries: readonly TimelineEntry[]; endMs: number; onJump: (entry: TimelineEntry) => void; selectedSeq: number | null }) {
  const { t, i18n } = useTranslation();
  const span = Math.max(endMs, ...entries.map((e) => e.simTimeMs), 60_000);
  const x = (ms: number) => LABEL + ((WIDTH - LABEL - 10) * ms) / span;
  const rows = AXIS_ROWS.filter((kind) => entries.some((e) => e.kind === kind));
  const height = rows.length * ROW + 26;
  const step = tickStepMs(span);
  const ticks = Array.from({ length: Math.floor(span / step) + 1 }, (_, k) => k * step);
  return (
    <svg className="timeline-axis" viewBox={`0 0 ${WIDTH} ${height}`} role="group" aria-label={t('review.timeline')} data-testid="timeline-axis">
      {ticks.map((ms) => (
        <g key={ms} className="tick">
          <line x1={x(ms)} x2={x(ms)} y1={0} y2={height - 20} />
          <text x={x(ms)} y={height - 6} textAnchor="middle">
            {formatOffset(ms).slice(2, 7)}
          </text>
        </g>
      ))}
      {rows.map((kind, r) => (
        <g key={kind} className={`row ${kind}`}>
          <text x={4} y={r * ROW + 15} className="row-label">
            {t(`command.kind.${kind}`)}
          </text>
          <line className="row-line" x1={LABEL} x2={WIDTH - 10} y1={r * ROW + 11} y2={r * ROW + 11} />
          {entries
            .filter((e) => e.kind === kind)
            .map((e) => (
              <circle
                key={e.seq}
                className={`marker ${kind}${selectedSeq === e.seq ? ' selected' : ''}`}
                cx={x(e.simTimeMs)}
                cy={r * ROW + 11}
                r={selectedSeq === e.seq ? 7 : 5}
                tabIndex={0}
                role="button"
                data-seq={e.seq}
                data-testid={`marker-${e.seq}`}
                onClick={() => onJump(e)}
                onKeyDown={(k) => (k.key === 'Enter' || k.key === ' ') && onJump(e)}
              >
                <title>{`${formatOffset(e.simTimeMs)} ${actorLabel(e, i18n.language, t)}: ${textIn(e.text, i18n.language)}`}</title>
              </circle>
            ))}
        </g>
      ))}
    </svg>
  );
}
