/**
 * The 24-hour traffic index chart (uPlot): the run's index every 5 sim minutes over the hours of
 * its day, on the five level bands, with the latest figure appended live.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { CONGESTION_LEVELS, LEVEL_COLORS } from '../trafficColors.ts';

export interface ChartPoint {
  /** Hours since the midnight before the run's start (Asia/Shanghai): 6.5 is 06:30, 25 is 01:00 the next day. */
  hour: number;
  index: number;
}

const WIDTH = 276;
const HEIGHT = 120;

function hourLabel(h: number): string {
  return `${String(Math.floor((((h % 24) + 24) % 24))).padStart(2, '0')}:00`;
}

/** Draws the five level bands behind the plot. */
function drawBands(u: uPlot): void {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.globalAlpha = 0.12;
  CONGESTION_LEVELS.forEach((level, k) => {
    const top = u.valToPos(2 * k + 2, 'y', true);
    const bottom = u.valToPos(2 * k, 'y', true);
    ctx.fillStyle = LEVEL_COLORS[level];
    ctx.fillRect(bbox.left, top, bbox.width, bottom - top);
  });
  ctx.restore();
}

/** The chart over [fromHour, fromHour + 24]; `points` ascending by hour. */
export function TrafficChart({ points, fromHour, label }: { points: ChartPoint[]; fromHour: number; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    if (!host.current) return;
    const axis = { stroke: '#8da4bb', grid: { stroke: 'rgba(141,164,187,0.15)', width: 1 }, ticks: { show: false }, font: '11px sans-serif' };
    const u = new uPlot(
      {
        width: WIDTH,
        height: HEIGHT,
        legend: { show: false },
        cursor: { show: true, points: { show: false }, drag: { x: false, y: false } },
        scales: { x: { time: false, range: [fromHour, fromHour + 24] }, y: { range: [0, 10] } },
        axes: [
          { ...axis, splits: () => [0, 6, 12, 18, 24].map((h) => fromHour + h), values: (_u, splits) => splits.map(hourLabel), size: 22 },
          { ...axis, splits: () => [0, 2, 4, 6, 8, 10], size: 26 },
        ],
        series: [{}, { stroke: '#e6f0fa', width: 1.5, points: { show: false } }],
        hooks: { drawClear: [drawBands] },
      },
      [[], []],
      host.current,
    );
    plot.current = u;
    return () => {
      u.destroy();
      plot.current = null;
    };
  }, [fromHour]);

  useEffect(() => {
    plot.current?.setData([points.map((p) => p.hour), points.map((p) => p.index)]);
  }, [points, fromHour]);

  return <div className="traffic-chart" ref={host} role="img" aria-label={label} data-points={points.length} />;
}
