/** One of the review's trends (uPlot): a series' value over the drill's sim minutes, drawn dark on light so it prints as it shows. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatOffset } from '../shared/drillText.ts';

const WIDTH = 560;
const HEIGHT = 180;

export function SeriesChart({ points, label }: { points: readonly { simTimeMs: number; value: number }[]; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const axis = { stroke: '#333', grid: { stroke: 'rgba(0,0,0,0.12)', width: 1 }, ticks: { show: false }, font: '11px sans-serif' };
    const u = new uPlot(
      {
        width: WIDTH,
        height: HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false } },
        axes: [
          { ...axis, values: (_u, splits) => splits.map((m) => formatOffset(m * 60_000).slice(2, 7)), size: 24 },
          { ...axis, size: 44 },
        ],
        series: [{}, { stroke: '#1565c0', width: 2, fill: 'rgba(21,101,192,0.12)', points: { show: false } }],
      },
      [points.map((p) => p.simTimeMs / 60_000), points.map((p) => p.value)],
      host.current,
    );
    return () => u.destroy();
  }, [points]);
  return (
    <figure className="series-chart">
      <figcaption>{label}</figcaption>
      <div ref={host} role="img" aria-label={label} data-points={points.length} />
    </figure>
  );
}
