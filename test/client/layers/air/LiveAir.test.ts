import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveAir } from '../../../../client/layers/air/LiveAir.ts';
import { LiveConnection } from '../../../../client/twin/live/LiveConnection.ts';
import { createLiveStore } from '../../../../client/twin/live/LiveStore.ts';
import type { AirSummary } from '../../../../server/protocol/AirSummary.ts';
import { encodeScalarGrid } from '../../../../server/protocol/ScalarGridCodec.ts';
import { FakeSocket } from '../../twin/FakeSocket.ts';

/** A valid air summary at `simTimeMs` with two stations. */
function airSummary(simTimeMs: number, aqi = 66): AirSummary {
  const c = { pm25: 40, pm10: 70, so2: 8, no2: 18, co: 0.6, o3: 42 };
  const station = (id: string, x: number, stationAqi: number) => ({ id, name: { zh: `站${id}`, en: `Station ${id}` }, x, y: 0, aqi: stationAqi, level: 2, primary: ['pm10'], hourly: c, minute: c, daily: null });
  return {
    simTimeMs,
    standard: 'HJ 633—2026',
    aqi,
    level: 2,
    primary: ['pm10'],
    concentrations: c,
    meanGridAqi: 65,
    exposurePm25: 40,
    maxima: [{ pollutant: 'no2', value: 112, x: 0, y: 0 }],
    weather: { windFromDeg: 35, windSpeedMs: 1.6, stability: 'F', stabilityFixed: false, mixingHeightM: 250, cloudOktas: 3, temperatureC: 4, solarElevationDeg: -8 },
    stations: [station('a', -500, aqi - 1), station('b', 500, aqi + 1)],
    releases: [],
  };
}

function gridFrame(layer: string, simTimeMs: number, value: number): Uint8Array {
  return encodeScalarGrid({ layer, simTimeMs, cols: 3, rows: 2, originX: -150, originY: -100, cellSize: 100, values: new Float32Array(6).fill(value) });
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('LiveAir (the air layer’s state)', () => {
  let socket = new FakeSocket();
  let live = new LiveConnection({ store: createLiveStore(), openSocket: () => socket });
  beforeEach(() => {
    socket = new FakeSocket();
    live = new LiveConnection({ store: createLiveStore(), openSocket: () => socket });
  });
  afterEach(() => live.dispose());

  it('is fed grids and summaries of the joined run, refuses bad ones, is cleared on a run switch, and stops when told', async () => {
    const asked: string[] = [];
    const air = new LiveAir({ fetchAir: async (runId) => (asked.push(runId), { runId, history: [] }) });
    const stop = air.connect(live);
    live.connect();
    socket.fire('connect');
    socket.fire('grid', 'live', gridFrame('pm25', 60_000, 41));
    socket.fire('grid', 'live', gridFrame('aqi', 60_000, 66));
    socket.fire('grid', 'another-run', gridFrame('no2', 60_000, 1));
    socket.fire('air', 'live', airSummary(60_000));
    expect([...air.grids.keys()].sort()).toEqual(['aqi', 'pm25']);
    expect(air.grids.get('pm25')?.values[0]).toBeCloseTo(41, 0);
    expect(air.summary?.aqi).toBe(66);
    expect(air.gridFor('chlorine')?.layer).toBe('aqi');

    socket.fire('grid', 'live', new Uint8Array([1, 2, 3]));
    socket.fire('air', 'live', { ...airSummary(120_000), aqi: -1 });
    expect(air.rejected).toBe(2);
    expect(air.summary?.simTimeMs).toBe(60_000);

    const { version, gridVersion } = air;
    live.switchRun('run-2');
    expect(air.grids.size).toBe(0);
    expect(air.summary).toBeNull();
    expect(air.version).toBeGreaterThan(version);
    expect(air.gridVersion).toBeGreaterThan(gridVersion);
    stop();
    socket.fire('air', 'run-2', airSummary(0));
    expect(air.summary).toBeNull();
    await settle();
    expect(asked).toEqual(['live']);
  });

  it('fetches the run’s 24-hour history with its first summary, then adds a point every 5 sim minutes', async () => {
    let answer: (body: unknown) => void = () => {};
    const asked: string[] = [];
    const air = new LiveAir({ fetchAir: (runId) => (asked.push(runId), new Promise((resolve) => (answer = resolve))) });
    air.connect(live);
    live.connect();
    socket.fire('connect');
    socket.fire('air', 'live', airSummary(600_000));
    socket.fire('air', 'live', airSummary(660_000));
    expect(asked).toEqual(['live']);
    // The server's points up to 10:00, then what was heard since it answered.
    answer({ runId: 'live', history: [0, 300_000, 600_000].map((simTimeMs) => ({ simTimeMs, aqi: 60, stations: [{ id: 'a', aqi: 59 }] })) });
    await settle();
    expect(air.history.map((p) => p.simTimeMs)).toEqual([0, 300_000, 600_000]);
    socket.fire('air', 'live', airSummary(890_000, 70));
    socket.fire('air', 'live', airSummary(900_000, 80));
    socket.fire('air', 'live', airSummary(960_000, 90));
    expect(air.history.map((p) => [p.simTimeMs, p.aqi])).toEqual([
      [0, 60],
      [300_000, 60],
      [600_000, 60],
      [900_000, 80],
    ]);
    expect(air.history[3].stations).toEqual([
      { id: 'a', aqi: 79 },
      { id: 'b', aqi: 81 },
    ]);
    // Seeking back forgets the future it had heard and asks again.
    socket.fire('air', 'live', airSummary(320_000));
    expect(air.history.map((p) => p.simTimeMs)).toEqual([0, 300_000]);
    expect(asked).toEqual(['live', 'live']);
  });

  it('drops a history that arrives after the run was switched', async () => {
    let answer: (body: unknown) => void = () => {};
    const air = new LiveAir({ fetchAir: () => new Promise((resolve) => (answer = resolve)) });
    air.connect(live);
    live.connect();
    socket.fire('connect');
    socket.fire('air', 'live', airSummary(0));
    live.switchRun('run-2');
    answer({ history: [{ simTimeMs: 0, aqi: 1, stations: [] }] });
    await settle();
    expect(air.history).toEqual([]);
  });
});
