import { describe, expect, it } from 'vitest';
import { AirDisplay } from '../../../../client/layers/air/AirDisplay.ts';
import { HeatMapSource } from '../../../../client/layers/air/HeatMapSource.ts';
import { LiveAir } from '../../../../client/layers/air/LiveAir.ts';
import { encodeScalarGrid } from '../../../../server/protocol/ScalarGridCodec.ts';

const frame = (layer: string, simTimeMs: number, cols = 4) => encodeScalarGrid({ layer, simTimeMs, cols, rows: 2, originX: 0, originY: 0, cellSize: 100, values: new Float32Array(cols * 2).fill(50) });

describe('HeatMapSource (what both views’ heat maps draw)', () => {
  it('asks for a mesh per extent and a repaint per new grid or choice, and shows the AQI when the chosen layer has no grid', () => {
    const air = new LiveAir({ fetchAir: async () => ({ history: [] }) });
    const display = new AirDisplay();
    const source = new HeatMapSource(air, display);
    expect(source.next()).toBeNull();
    expect(source.state(true, 0).shown).toBe(false);

    air.applyGrid(frame('aqi', 60_000));
    expect(source.next()).toMatchObject({ remesh: true, repaint: true, grid: { layer: 'aqi' } });
    expect(source.next()).toMatchObject({ remesh: false, repaint: false });
    air.applyGrid(frame('aqi', 120_000));
    expect(source.next()).toMatchObject({ remesh: false, repaint: true });

    display.set('chlorine');
    expect(source.next()).toMatchObject({ repaint: true, grid: { layer: 'aqi' } });
    air.applyGrid(frame('chlorine', 120_000));
    expect(source.next()).toMatchObject({ repaint: true, grid: { layer: 'chlorine' } });
    air.applyGrid(frame('chlorine', 180_000, 6));
    expect(source.next()).toMatchObject({ remesh: true, repaint: true });
    expect(source.state(true, 42)).toEqual({ shown: true, layer: 'chlorine', cols: 6, rows: 2, simTimeMs: 180_000, vertices: 42, paints: 5 });

    air.clear();
    expect(source.next()).toBeNull();
    expect(source.hasPicture).toBe(false);
  });
});
