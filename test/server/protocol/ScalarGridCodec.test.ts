import { describe, expect, it } from 'vitest';
import { decodeScalarGrid, encodeScalarGrid } from '../../../server/protocol/ScalarGridCodec.ts';
import type { DecodedScalarGrid, ScalarGrid } from '../../../server/protocol/ScalarGridCodec.ts';
import { PROTOCOL_VERSION } from '../../../server/protocol/version.ts';

function plume(cols: number, rows: number): ScalarGrid {
  const values = new Float32Array(cols * rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) values[r * cols + c] = 300 * Math.exp(-((c - cols / 3) ** 2 + (r - rows / 2) ** 2) / 40);
  }
  return { layer: 'pm25', simTimeMs: 3_600_000, cols, rows, originX: -1500, originY: 250.5, cellSize: 25, values };
}

function decodeOk(bytes: Uint8Array): DecodedScalarGrid {
  const result = decodeScalarGrid(bytes);
  if (!result.ok) throw new Error(result.error.message);
  return result.grid;
}

describe('ScalarGridCodec', () => {
  it('round-trips a concentration grid in one byte per cell within half a step', () => {
    const grid = plume(64, 48);
    const bytes = encodeScalarGrid(grid);
    const decoded = decodeOk(bytes);
    expect(decoded).toMatchObject({ layer: 'pm25', simTimeMs: 3_600_000, cols: 64, rows: 48, originX: -1500, originY: 250.5, cellSize: 25, bytesPerValue: 1 });
    expect(bytes.length).toBeLessThan(64 * 48 + 100);
    for (let i = 0; i < grid.values.length; i++) {
      expect(Math.abs(decoded.values[i] - grid.values[i])).toBeLessThanOrEqual(decoded.scale / 2 + 1e-4);
    }
  });

  it('switches to two bytes per cell when the asked resolution needs it', () => {
    const grid = plume(20, 10);
    const decoded = decodeOk(encodeScalarGrid(grid, { resolution: 0.01 }));
    expect(decoded.bytesPerValue).toBe(2);
    for (let i = 0; i < grid.values.length; i++) expect(Math.abs(decoded.values[i] - grid.values[i])).toBeLessThanOrEqual(0.01);
  });

  it('keeps "no value" cells (dry ground in a flood depth grid) as NaN, and handles a constant grid', () => {
    const values = new Float32Array([NaN, 0.5, 0.5, NaN, 1.25, 0]);
    const decoded = decodeOk(encodeScalarGrid({ layer: 'waterDepth', simTimeMs: 0, cols: 3, rows: 2, originX: 0, originY: 0, cellSize: 10, values }));
    expect(Number.isNaN(decoded.values[0])).toBe(true);
    expect(Number.isNaN(decoded.values[3])).toBe(true);
    expect(decoded.values[4]).toBeCloseTo(1.25, 2);
    const flat = decodeOk(encodeScalarGrid({ layer: '水深', simTimeMs: 5, cols: 2, rows: 1, originX: 0, originY: 0, cellSize: 1, values: new Float32Array([7, 7]) }));
    expect(flat.layer).toBe('水深');
    expect([...flat.values]).toEqual([7, 7]);
  });

  it('treats a malformed grid from our own engines as a bug', () => {
    const base = plume(4, 4);
    expect(() => encodeScalarGrid({ ...base, cols: 5 })).toThrow(/16 values for 5 × 4 cells/);
    expect(() => encodeScalarGrid({ ...base, cellSize: 0 })).toThrow(/cellSize/);
    expect(() => encodeScalarGrid({ ...base, layer: '' })).toThrow(/layer id/);
    expect(() => encodeScalarGrid({ ...base, values: new Float32Array(16).fill(Infinity) })).toThrow(/not finite/);
  });

  it('deflates smooth fields to well under a byte per cell, decoding to exactly what the plain frame gives', () => {
    for (const resolution of [undefined, 0.01]) {
      const grid = plume(120, 80);
      grid.values[17] = NaN;
      const packed = encodeScalarGrid(grid, { resolution });
      const plain = encodeScalarGrid(grid, { resolution, compress: false });
      expect(packed.length / grid.values.length).toBeLessThan(0.5);
      expect(plain.length).toBeGreaterThan(grid.values.length);
      const a = decodeOk(packed);
      const b = decodeOk(plain);
      expect(a.bytesPerValue).toBe(resolution ? 2 : 1);
      expect(Number.isNaN(a.values[17])).toBe(true);
      expect([...a.values]).toEqual([...b.values]);
    }
  });

  it('rejects a grid of another protocol version, and truncated grids, with clear errors', () => {
    const bytes = encodeScalarGrid(plume(8, 8));
    const foreign = bytes.slice();
    foreign[2] = 0;
    expect(decodeScalarGrid(foreign)).toEqual({
      ok: false,
      error: { code: 'protocol_version', message: `decodeScalarGrid: protocol: frame speaks version 0, this decoder speaks ${PROTOCOL_VERSION}` },
    });
    const cut = decodeScalarGrid(bytes.subarray(0, bytes.length - 1));
    expect(cut).toMatchObject({ ok: false, error: { code: 'bad_frame', message: 'decodeScalarGrid: deflated values do not inflate' } });
    const plain = encodeScalarGrid(plume(8, 8), { compress: false });
    const plainCut = decodeScalarGrid(plain.subarray(0, plain.length - 1));
    expect(plainCut).toMatchObject({ ok: false, error: { code: 'bad_frame' } });
    expect(!plainCut.ok && plainCut.error.message).toMatch(/8 × 8 cells need 64 bytes of values, 63 follow/);
  });
});
