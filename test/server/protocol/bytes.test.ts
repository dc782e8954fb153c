import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter, FrameError, MAX_VARINT } from '../../../server/protocol/bytes.ts';
import { FrameKind, peekFrameKind } from '../../../server/protocol/frameHeader.ts';
import { ObjectFrameEncoder } from '../../../server/protocol/ObjectFrameEncoder.ts';
import { createObjectState } from '../../../server/protocol/ObjectState.ts';
import { encodeScalarGrid } from '../../../server/protocol/ScalarGridCodec.ts';

describe('varints', () => {
  it('round-trip unsigned and zig-zag values up to 35 bits, in as few bytes as they need', () => {
    const unsigned = [0, 1, 127, 128, 16_383, 16_384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, MAX_VARINT];
    const signed = [0, -1, 1, -64, 63, -65, 2 ** 30, -(2 ** 31), 2 ** 33];
    const w = new ByteWriter(4);
    for (const v of unsigned) w.varUint(v);
    for (const v of signed) w.varInt(v);
    const r = new ByteReader(w.bytes());
    for (const v of unsigned) expect(r.varUint('u')).toBe(v);
    for (const v of signed) expect(r.varInt('s')).toBe(v);
    expect(r.remaining).toBe(0);
    const one = new ByteWriter();
    one.varInt(-64);
    expect(one.length).toBe(1);
  });

  it('refuse a varint longer than 5 bytes or cut short', () => {
    expect(() => new ByteReader(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).varUint('n')).toThrow(FrameError);
    expect(() => new ByteReader(new Uint8Array([0x80, 0x80])).varUint('n')).toThrow(/runs past the end/);
  });
});

describe('peekFrameKind', () => {
  it('routes each binary frame to its decoder and ignores anything else', () => {
    const state = createObjectState(1);
    state.count = 1;
    const encoder = new ObjectFrameEncoder();
    expect(peekFrameKind(encoder.encodeKeyframe(state, 0))).toBe(FrameKind.objectKeyframe);
    expect(peekFrameKind(encoder.encodeDelta(state, 100))).toBe(FrameKind.objectDelta);
    const grid = encodeScalarGrid({ layer: 'o3', simTimeMs: 0, cols: 1, rows: 1, originX: 0, originY: 0, cellSize: 1, values: new Float32Array(1) });
    expect(peekFrameKind(grid.buffer)).toBe(FrameKind.scalarGrid);
    expect(peekFrameKind(new Uint8Array(20))).toBeNull();
    expect(peekFrameKind('frame')).toBeNull();
  });
});
