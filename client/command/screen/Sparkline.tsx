/**
 * A 24-hour trend as an SVG sparkline: the line and a faint area under it over the day up to the
 * latest point (or from the run's first point, when younger), the range's high and low written at
 * the side (no pointer needed to read it).
 */
import type { TrendPoint } from '../../../server/protocol/Dashboard.ts';

const DAY_MS = 24 * 3_600_000;
const W = 1000;
const H = 100;

export function Sparkline({ points, color = '#4fc3f7', floor, ceiling, label, emptyText }: { points: readonly TrendPoint[]; color?: string; floor?: number; ceiling?: number; label: string; emptyText: string }) {
  if (points.length < 2) {
    return (
      <div className="sparkline empty" role="img" aria-label={label} data-points={points.length}>
        {emptyText}
      </div>
    );
  }
  const last = points[points.length - 1].simTimeMs;
  // The day up to the latest point; a younger run's points fill the width rather than its last sliver.
  const from = Math.max(last - DAY_MS, points[0].simTimeMs);
  const span = Math.max(1, last - from);
  const values = points.map((p) => p.value);
  const low = Math.min(floor ?? Infinity, ...values);
  const high = Math.max(ceiling ?? -Infinity, ...values, low + 1e-9);
  const x = (ms: number) => ((ms - from) / span) * W;
  const y = (v: number) => H - 4 - ((v - low) / (high - low)) * (H - 8);
  const line = points.map((p) => `${x(p.simTimeMs).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const area = `${x(points[0].simTimeMs).toFixed(1)},${H} ${line} ${x(last).toFixed(1)},${H}`;
  const shown = (v: number) => (Math.abs(high - low) < 10 && !Number.isInteger(v) ? v.toFixed(1) : String(Math.round(v)));
  return (
    <div className="sparkline" role="img" aria-label={label} data-points={points.length}>
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none">
        <polygon points={area} fill={color} opacity={0.16} />
        <polyline points={line} fill="none" stroke={color} strokeWidth={2.5} vectorEffect="non-scaling-stroke" />
      </svg>
      <span className="range">
        <span>{shown(Math.max(...values))}</span>
        <span>{shown(Math.min(...values))}</span>
      </span>
    </div>
  );
}
