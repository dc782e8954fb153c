/**
 * The traffic engine measured as a traffic engineer would, on small networks and from the published
 * vehicle positions (smallNetworks.ts): saturation flow, start-up lost time and headways at a
 * signal, a lane's capacity out of a queue, free-flow speed, and that none of it depends on how the
 * links are numbered or (much) on the step. The references are in docs/traffic-model.md.
 */
import { describe, expect, it } from 'vitest';
import type { ObjectState } from '../../../../server/protocol/ObjectState.ts';
import { SATURATION_VPH_PER_LANE, SignalState } from '../../../../server/sim/traffic/SignalPlans.ts';
import { corridor, crossroads, linkCapacityExperiment, runFor, saturationExperiment, smallEngine, type Observer } from './smallNetworks.ts';

const relDiff = (a: number, b: number): number => Math.abs(a - b) / Math.min(a, b);

describe('traffic engine calibration', () => {
  const at = { half: saturationExperiment({ stepSeconds: 0.5 }), quarter: saturationExperiment({ stepSeconds: 0.25 }) };

  it('discharges 1,800–1,950 cars per hour of green per lane from a queue at a signal (cycle 90 s, 41 s green, 50 km/h)', () => {
    const d = at.half.discharge;
    expect(d.greens).toBeGreaterThanOrEqual(15);
    expect(d.saturationVph).toBeGreaterThanOrEqual(1800);
    expect(d.saturationVph).toBeLessThanOrEqual(1950);
    // Counted over the whole green (start-up included, amber's crossings too), the flow is in the same range.
    expect(d.perGreenHourVph).toBeGreaterThanOrEqual(1750);
    expect(d.perGreenHourVph).toBeLessThanOrEqual(1950);
  });

  it('loses about 2 s at the start of each green, and its discharge headways vary from driver to driver', () => {
    const d = at.half.discharge;
    expect(d.startUpLostS).toBeGreaterThanOrEqual(1);
    expect(d.startUpLostS).toBeLessThanOrEqual(3);
    // Field studies find a standard deviation of 0.5–1 s; identical drivers would give almost none.
    expect(d.headwaySdS).toBeGreaterThanOrEqual(0.3);
    expect(d.headwaySdS).toBeLessThanOrEqual(1.2);
  });

  const capacity = { half: linkCapacityExperiment({ stepSeconds: 0.5 }), quarter: linkCapacityExperiment({ stepSeconds: 0.25 }) };

  it('gives the same saturation flow and travel times whatever order the links are numbered in', () => {
    for (const numbering of ['reversed', { shuffleSeed: 3 }] as const) {
      const other = saturationExperiment({ stepSeconds: 0.5, numbering });
      expect(relDiff(other.discharge.saturationVph, at.half.discharge.saturationVph)).toBeLessThan(0.01);
      expect(relDiff(other.meanTravelS, at.half.meanTravelS)).toBeLessThan(0.01);
    }
    const reversed = linkCapacityExperiment({ stepSeconds: 0.5, numbering: 'reversed' });
    expect(relDiff(reversed.flowVph, capacity.half.flowVph)).toBeLessThan(0.01);
  });

  it('converges with the step: 0.5 s and 0.25 s agree within 3 % on saturation flow and link capacity', () => {
    expect(relDiff(at.quarter.discharge.saturationVph, at.half.discharge.saturationVph)).toBeLessThan(0.03);
    expect(relDiff(capacity.quarter.flowVph, capacity.half.flowVph)).toBeLessThan(0.03);
  });

  it('carries 1,800–2,200 cars per hour per lane out of a queue when nothing holds the stream up', () => {
    const { flowVph, greens } = capacity.half;
    expect(greens).toBeGreaterThanOrEqual(5);
    expect(flowVph).toBeGreaterThanOrEqual(1800);
    expect(flowVph).toBeLessThanOrEqual(2200);
  });

  it('plans signals with the saturation flow the engine delivers (within 3 %)', () => {
    expect(relDiff(at.half.discharge.saturationVph, SATURATION_VPH_PER_LANE)).toBeLessThan(0.03);
  });

  it('drives at the speed limit on average on a free road, each driver at their own speed', () => {
    const e = smallEngine(corridor({ links: 4, length: 500 }), { seed: 2 });
    // Cars alone on the road: one every 20 s.
    const speeds: number[] = [];
    const onThirdLink: Observer = {
      observe(o: ObjectState) {
        for (let i = 0; i < o.count; i++) if (o.x[i] > 1200 && o.x[i] < 1400) speeds.push(o.speed[i]);
      },
    };
    for (let t = 0; t < 900; t += 20) {
      expect(e.applyInject('traffic.trips', { from: 'C0', to: 'C4', vehicles: 1 }, t * 1000)).toEqual({ ok: true });
      runFor(e, t, t + 20, 0.5, [onThirdLink]);
    }
    const limit = 50 / 3.6;
    const mean = speeds.reduce((a, b) => a + b, 0) / speeds.length;
    expect(speeds.length).toBeGreaterThan(500);
    expect(relDiff(mean, limit)).toBeLessThan(0.03);
    expect(Math.max(...speeds) - Math.min(...speeds)).toBeGreaterThan(0.1 * limit);
  });

  it('moves the first car off a reaction time after the green, and each car behind after the one ahead', () => {
    // A 0.1 s step, so that a start within the green's first half second shows.
    const dt = 0.1;
    const e = smallEngine(crossroads(), { stepSeconds: dt, params: { signalPlans: [{ nodeId: 'X', cycleS: 90, greenSplits: [1, 1] }] } });
    e.applyInject('traffic.trips', { from: 'W0', to: 'E0', vehicles: 300 }, 0);
    let greenAt = -1;
    let queue: number[] = [];
    let before = new Map<number, number>();
    const startX = new Map<number, number>();
    const started = new Map<number, number>();
    const watch: Observer = {
      observe(o: ObjectState, t: number) {
        if (greenAt < 0 && t > 200 && e.signalStateOf('W-X') === SignalState.green) {
          greenAt = t - dt;
          // The five cars nearest the line on the eastbound approach (x < 0, south of the centre line), standing when the green came.
          const standing = [...before.entries()].filter(([, x]) => x < 0 && x > -200).sort((a, b) => b[1] - a[1]);
          queue = standing.slice(0, 5).map(([id]) => id);
          for (const [id, x] of standing.slice(0, 5)) startX.set(id, x);
        }
        const now = new Map<number, number>();
        for (let i = 0; i < o.count; i++) {
          if (o.y[i] < 0 && o.speed[i] === 0) now.set(o.id[i], o.x[i]);
          const x0 = startX.get(o.id[i]);
          if (x0 !== undefined && !started.has(o.id[i]) && o.x[i] > x0 + 1e-6) started.set(o.id[i], t);
        }
        before = now;
      },
    };
    runFor(e, 0, 300, dt, [watch]);
    expect(queue.length).toBe(5);
    const starts = queue.map((id) => started.get(id) as number);
    expect(starts.every((s) => s !== undefined)).toBe(true);
    // Its reaction time is 0.3–1.1 s; a car that moved off at once would show within the first step.
    expect(starts[0] - greenAt).toBeGreaterThanOrEqual(0.3);
    expect(starts[0] - greenAt).toBeLessThanOrEqual(1.2);
    for (let j = 1; j < starts.length; j++) expect(starts[j]).toBeGreaterThan(starts[j - 1]);
  });
});
