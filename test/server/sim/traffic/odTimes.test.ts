/**
 * Origin–destination travel times in the traffic summary when closures cut pairs off: unreachable
 * is reported as such (null seconds), never as 0 s or Infinity, and the summary stays valid through
 * JSON, a recording and its replay.
 */
import { describe, expect, it } from 'vitest';
import type { CityModel } from '../../../../server/city/CityModel.ts';
import { TrafficSummary } from '../../../../server/protocol/TrafficSummary.ts';
import type { StreamMessage } from '../../../../server/realtime/streams/OutputStream.ts';
import { TrafficStream } from '../../../../server/realtime/streams/TrafficStream.ts';
import { createRng } from '../../../../server/sim/random.ts';
import { standaloneContext } from '../../../../server/sim/standaloneContext.ts';
import { TrafficEngine } from '../../../../server/sim/traffic/TrafficEngine.ts';
import { RunStore } from '../../../../server/store/RunStore.ts';
import { smallCity } from '../../../helpers/smallCity.ts';

const city: CityModel = smallCity();
const START = Date.parse('2026-03-16T07:30:00+08:00');
const STEP_MS = 500;
const name = { zh: '测试', en: 'Test' };
// N0-0 is the south-west corner of the small city's grid: two links in, two out. (Its street
// from x = 1 to x = 2 is one-way eastbound, so the corner is reached from the west only.)
const OD_PAIRS = [
  { id: 'into-corner', name, from: 'N1-3', to: 'N0-0' },
  { id: 'out-of-corner', name, from: 'N0-0', to: 'N3-3' },
  { id: 'across', name, from: 'N3-0', to: 'N3-6' },
];

/** The id of the link from node `from` to node `to`. */
function linkId(from: string, to: string): string {
  const link = city.roads.links.find((l) => l.from === from && l.to === to);
  if (!link) throw new Error(`linkId: no link ${from}→${to} in the small city`);
  return link.id;
}

function engine(): TrafficEngine {
  const e = new TrafficEngine();
  e.init(standaloneContext({ city, params: { dailyTrips: 20_000, busLines: 0, odPairs: OD_PAIRS }, rng: createRng(5), stepMs: STEP_MS, startEpochMs: START }));
  for (let t = STEP_MS; t <= 60_000; t += STEP_MS) e.step(t);
  return e;
}

function close(e: TrafficEngine, from: string, to: string): void {
  expect(e.applyInject('traffic.close_link', { linkId: linkId(from, to) }, 60_000)).toEqual({ ok: true });
}

/** The pairs' seconds in a summary, by id. */
function seconds(s: TrafficSummary): Record<string, number | null> {
  return Object.fromEntries(s.odTimes.map((o) => [o.id, o.seconds]));
}

describe('origin–destination travel times', () => {
  it('times every pair while roads are open', () => {
    const s = seconds(engine().trafficSummary());
    for (const id of ['into-corner', 'out-of-corner', 'across']) {
      expect(s[id]).toBeGreaterThan(60);
      expect(s[id]).toBeLessThan(600);
    }
  });

  it('reports a pair cut off at its end as unreachable, not 0 s, and times the others', () => {
    const e = engine();
    const before = seconds(e.trafficSummary());
    close(e, 'N0-1', 'N0-0');
    close(e, 'N1-0', 'N0-0');
    const after = seconds(e.trafficSummary());
    expect(after['into-corner']).toBeNull();
    expect(after['out-of-corner']).toBe(before['out-of-corner']);
    expect(after.across).toBe(before.across);
  });

  it('reports a pair whose first links are closed as unreachable, not Infinity', () => {
    const e = engine();
    close(e, 'N0-0', 'N0-1');
    close(e, 'N0-0', 'N1-0');
    const after = seconds(e.trafficSummary());
    expect(after['out-of-corner']).toBeNull();
    expect(after['into-corner']).toBeGreaterThan(0);
  });

  it('times a pair round a closed first link or a closed middle link when another way is open', () => {
    const e = engine();
    const before = seconds(e.trafficSummary());
    // One of the corner's two ways out, and the arterial's link in the middle of the pair across.
    close(e, 'N0-0', 'N0-1');
    close(e, 'N3-2', 'N3-3');
    const after = seconds(e.trafficSummary());
    expect(after['out-of-corner']).toBeGreaterThanOrEqual(before['out-of-corner'] as number);
    expect(after['out-of-corner']).toBeLessThan(Infinity);
    expect(after.across).toBeGreaterThan(before.across as number);
    expect(after.across).toBeLessThan(Infinity);
  });

  it('keeps a summary with unreachable pairs valid by its schema, through JSON, a recording and its replay', () => {
    const e = engine();
    close(e, 'N0-1', 'N0-0');
    close(e, 'N1-0', 'N0-0');
    close(e, 'N0-0', 'N0-1');
    close(e, 'N0-0', 'N1-0');
    const summary = e.trafficSummary();
    expect(seconds(summary)).toMatchObject({ 'into-corner': null, 'out-of-corner': null });
    expect(TrafficSummary.safeParse(summary).error).toBeUndefined();
    expect(TrafficSummary.parse(JSON.parse(JSON.stringify(summary)))).toEqual(summary);

    // Recorded as a run's `traffic` event, as TrafficStream records it, and replayed from the store.
    const store = new RunStore(':memory:');
    try {
      const run = store.createRun({ scenarioId: 'test', seed: 5, city: city.id, startEpochMs: START });
      store.recordEvent(run.id, { simTimeMs: summary.simTimeMs, type: 'traffic', data: summary });
      store.flush();
      const [event] = store.eventsBetween(run.id, 0, summary.simTimeMs + 1);
      const sent: StreamMessage[] = [];
      const replay = new TrafficStream({ send: (m) => sent.push(m), recordFrame: () => {}, recordEvent: () => {} }, new Uint8Array(0), 1000);
      expect(replay.replayEvent(event)).toBe(true);
      expect(sent).toEqual([{ type: 'traffic', summary }]);
      expect(replay.summary(undefined)).toEqual(summary);
    } finally {
      store.close();
    }
  });
});
