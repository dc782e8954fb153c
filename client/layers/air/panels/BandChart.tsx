/**
 * A 24-hour chart (uPlot) of one figure over the hours of a run's day on the bands of its levels:
 * the AQI on its six official colours here, and any banded index the same way.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface BandChartPoint {
  /** Hours since the midnight before the run's start (Asia/Shanghai): 6.5 is 06:30, 25 is 01:00 the next day. */
  hour: number;
  value: number;
}

/** A band of values [from, to] drawn behind the plot in its colour. */
export interface ChartBand {
  from: number;
  to: number;
  color: string;
}

const WIDTH = 276;
const HEIGHT = 120;

function hourLabel(h: number): string {
  return `${String(Math.floor(((h % 24) + 24) % 24)).padStart(2, '0')}:00`;
}

/**
 * The chart over [fromHour, fromHour + 24] and values [0, yMax] with ticks at `ySplits`; `points`
 * ascending by hour. `testId` names it for tests.
 */
export function BandChart({ points, fromHour, label, bands, yMax, ySplits, testId }: { points: BandChartPoint[]; fromHour: number; label: string; bands: readonly ChartBand[]; yMax: number; ySplits: readonly number[]; testId?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // The bands and range are read when drawing: a new maximum redraws without a new plot.
  const shape = useRef({ bands, yMax, ySplits });
  shape.current = { bands, yMax, ySplits };

  useEffect(() => {
    if (!host.current) return;
    const axis = { stroke: '#8da4bb', grid: { stroke: 'rgba(141,164,187,0.15)', width: 1 }, ticks: { show: false }, font: '11px sans-serif' };
    const drawBands = (u: uPlot) => {
      const { ctx, bbox } = u;
      ctx.save();
      ctx.globalAlpha = 0.14;
      for (const band of shape.current.bands) {
        const top = u.valToPos(Math.min(band.to, shape.current.yMax), 'y', true);
        const bottom = u.valToPos(band.from, 'y', true);
        if (bottom <= top) continue;
        ctx.fillStyle = band.color;
        ctx.fillRect(bbox.left, top, bbox.width, bottom - top);
      }
      ctx.restore();
    };
    const u = new uPlot(
      {
        width: WIDTH,
        height: HEIGHT,
        legend: { show: false },
        cursor: { show: true, points: { show: false }, drag: { x: false, y: false } },
        scales: { x: { time: false, range: [fromHour, fromHour + 24] }, y: { range: () => [0, shape.current.yMax] } },
        axes: [
          { ...axis, splits: () => [0, 6, 12, 18, 24].map((h) => fromHour + h), values: (_u, splits) => splits.map(hourLabel), size: 22 },
          { ...axis, splits: () => [...shape.current.ySplits], size: 30 },
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
    plot.current?.setData([points.map((p) => p.hour), points.map((p) => p.value)]);
  }, [points, fromHour, yMax]);

  return <div className="band-chart" ref={host} role="img" aria-label={label} data-points={points.length} data-testid={testId} />;
}
