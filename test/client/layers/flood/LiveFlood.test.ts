import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveAir } from '../../../../client/layers/air/LiveAir.ts';
import { LiveFlood } from '../../../../client/layers/flood/LiveFlood.ts';
import { LiveConnection } from '../../../../client/twin/live/LiveConnection.ts';
import { createLiveStore } from '../../../../client/twin/live/LiveStore.ts';
import type { FloodSummary } from '../../../../server/protocol/FloodSummary.ts';
import { encodeScalarGrid } from '../../../../server/protocol/ScalarGridCodec.ts';
import { FakeSocket } from '../../twin/FakeSocket.ts';

/** A flood summary at `simTimeMs` with one road closed to cars. */
export function floodSummary(simTimeMs: number, warning: FloodSummary['warning'] = 'orange'): FloodSummary {
  return {
    simTimeMs,
    rainM3: 1_250_000,
    waterM3: 310_000,
    drainedM3: 700_000,
    infiltratedM3: 200_000,
    outflowM3: 40_000,
    maxDepthM: 1.12,
    floodedCells: 830,
    cellM: 25,
    rainMmPerH: 62.5,
    rainMm: 118,
    warning,
    closedLinks: [{ linkId: 'L1', name: '建设路', depthM: 0.42, state: 'closed' }],
    linkCounts: { slow: 3, closed: 1, impassable: 0 },
    closedKm: 0.4,
    wetBuildings: 57,
  };
}

/** A grid frame of `layer`: depths 0.1, 0.4 and NaN (dry) in a row. */
export function depthFrame(layer = 'waterDepth', simTimeMs = 60_000): Uint8Array {
  return encodeScalarGrid({ layer, simTimeMs, cols: 3, rows: 1, originX: 0, originY: 0, cellSize: 25, values: Float32Array.from([0.1, 0.4, Number.NaN]) }, { resolution: 0.001 });
}

describe('LiveFlood (the flood layer’s state)', () => {
  let socket = new FakeSocket();
  let live = new LiveConnection({ store: createLiveStore(), openSocket: () => socket });
  beforeEach(() => {
    socket = new FakeSocket();
    live = new LiveConnection({ store: createLiveStore(), openSocket: () => socket });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => {
    live.dispose();
    vi.restoreAllMocks();
  });

  it('keeps the joined run’s water depth grid and flood summaries, refuses bad ones, and forgets them on a run switch', () => {
    const flood = new LiveFlood();
    const stop = flood.connect(live);
    live.connect();
    socket.fire('connect');
    socket.fire('grid', 'live', depthFrame('pm25'));
    expect(flood.depth).toBeNull();
    socket.fire('grid', 'live', depthFrame());
    socket.fire('flood', 'live', floodSummary(60_000));
    socket.fire('flood', 'another-run', floodSummary(120_000, 'red'));
    expect(flood.depth?.cols).toBe(3);
    expect(flood.depth?.values[1]).toBeCloseTo(0.4, 2);
    expect(Number.isNaN(flood.depth?.values[2])).toBe(true);
    expect(flood.gridFor()).toBe(flood.depth);
    expect(flood.summary?.warning).toBe('orange');
    const before = flood.gridVersion;

    // A summary with a warning no signal has, and bytes that are no frame: counted and warned about, the last good kept.
    socket.fire('flood', 'live', { ...floodSummary(180_000), warning: 'purple' });
    socket.fire('grid', 'live', new Uint8Array([9, 9, 9]));
    expect(flood.rejected).toBe(2);
    expect(flood.summary?.simTimeMs).toBe(60_000);
    expect(vi.mocked(console.warn).mock.calls.map((c) => String(c[0]))[0]).toMatch(/^LiveFlood: summary: warning: /);

    live.switchRun('rainstorm-1');
    expect(flood.depth).toBeNull();
    expect(flood.summary).toBeNull();
    expect(flood.gridVersion).toBeGreaterThan(before);
    stop();
    socket.fire('flood', 'rainstorm-1', floodSummary(240_000));
    expect(flood.summary).toBeNull();
  });

  it('is the flood layer’s alone: the air layer neither keeps nor lists the depth grid', () => {
    const air = new LiveAir({ fetchAir: async () => ({ history: [] }) });
    expect(air.applyGrid(depthFrame())).toBe(true);
    expect([...air.grids.keys()]).toEqual([]);
    expect(air.gridVersion).toBe(0);
  });
});
