import { describe, expect, it } from 'vitest';
import { TrafficSequence } from '../../../bench/stream.ts';
import { ObjectFrameDecoder } from '../../../server/protocol/ObjectFrameDecoder.ts';
import { ObjectFrameEncoder } from '../../../server/protocol/ObjectFrameEncoder.ts';
import { ObjectFlags, ObjectKind, createObjectState } from '../../../server/protocol/ObjectState.ts';
import type { ObjectState } from '../../../server/protocol/ObjectState.ts';
import { PROTOCOL_VERSION } from '../../../server/protocol/version.ts';

interface Obj {
  id: number;
  x: number;
  y: number;
  heading?: number;
  speed?: number;
  kind?: number;
  flags?: number;
}

function stateOf(objects: Obj[]): ObjectState {
  const s = createObjectState(objects.length);
  objects.forEach((o, i) => {
    s.id[i] = o.id;
    s.x[i] = o.x;
    s.y[i] = o.y;
    s.heading[i] = o.heading ?? 0;
    s.speed[i] = o.speed ?? 0;
    s.kind[i] = o.kind ?? ObjectKind.car;
    s.flags[i] = o.flags ?? 0;
  });
  s.count = objects.length;
  return s;
}

function objectsOf(s: ObjectState): Obj[] {
  return Array.from({ length: s.count }, (_, i) => ({
    id: s.id[i],
    x: s.x[i],
    y: s.y[i],
    heading: s.heading[i],
    speed: s.speed[i],
    kind: s.kind[i],
    flags: s.flags[i],
  }));
}

function decodeOk(decoder: ObjectFrameDecoder, bytes: Uint8Array) {
  const result = decoder.decode(bytes);
  if (!result.ok) throw new Error(result.error.message);
  return result;
}

/** The decoded state must equal the truth quantized (cm, uint16 heading, cm/s) — exactly, with no drift. */
function expectQuantizedTruth(decoded: ObjectState, truth: ObjectState): void {
  expect(decoded.count).toBe(truth.count);
  for (let i = 0; i < truth.count; i++) {
    if (decoded.id[i] !== truth.id[i]) throw new Error(`object ${i}: id ${decoded.id[i]} ≠ ${truth.id[i]}`);
    if (decoded.x[i] !== Math.round(truth.x[i] * 100) / 100 || decoded.y[i] !== Math.round(truth.y[i] * 100) / 100) {
      throw new Error(`object ${truth.id[i]}: decoded (${decoded.x[i]}, ${decoded.y[i]}) drifted from (${truth.x[i]}, ${truth.y[i]})`);
    }
    if (Math.abs(decoded.speed[i] - truth.speed[i]) > 0.0051) throw new Error(`object ${truth.id[i]}: speed ${decoded.speed[i]} vs ${truth.speed[i]}`);
    if (decoded.kind[i] !== truth.kind[i] || decoded.flags[i] !== truth.flags[i]) throw new Error(`object ${truth.id[i]}: kind/flags differ`);
  }
}

describe('ObjectFrameEncoder / ObjectFrameDecoder', () => {
  it('round-trips a keyframe within 5 mm, 0.0001 rad and 0.005 m/s', () => {
    const truth = stateOf([
      { id: 3, x: 1234.5678, y: -987.6543, heading: 0.1, speed: 13.37, kind: ObjectKind.bus, flags: ObjectFlags.braking },
      { id: 7, x: -0.004, y: 0.0049, heading: 6.28, speed: 0, kind: ObjectKind.car, flags: ObjectFlags.stopped },
      { id: 4_000_000_000, x: 99_999.999, y: -99_999.999, heading: Math.PI, speed: 41.2, kind: ObjectKind.emergency, flags: ObjectFlags.sirens },
    ]);
    const { frame, state } = decodeOk(new ObjectFrameDecoder(), new ObjectFrameEncoder({ streamId: 9 }).encodeKeyframe(truth, 61_000));
    expect(frame).toMatchObject({ type: 'keyframe', simTimeMs: 61_000, streamId: 9, sequence: 1, count: 3 });
    expect([...state.id.subarray(0, 3)]).toEqual([3, 7, 4_000_000_000]);
    for (let i = 0; i < 3; i++) {
      expect(Math.hypot(state.x[i] - truth.x[i], state.y[i] - truth.y[i])).toBeLessThanOrEqual(0.05);
      const dh = Math.abs(((state.heading[i] - truth.heading[i] + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
      expect(dh).toBeLessThan(1e-4);
      expect(Math.abs(state.speed[i] - truth.speed[i])).toBeLessThanOrEqual(0.005);
    }
    expect([...state.kind.subarray(0, 3)]).toEqual([ObjectKind.bus, ObjectKind.car, ObjectKind.emergency]);
    expect([...state.flags.subarray(0, 3)]).toEqual([ObjectFlags.braking, ObjectFlags.stopped, ObjectFlags.sirens]);
  });

  it('applies deltas with moves, additions, removals and kind/flag changes', () => {
    const encoder = new ObjectFrameEncoder();
    const decoder = new ObjectFrameDecoder();
    decodeOk(decoder, encoder.encodeKeyframe(stateOf([
      { id: 1, x: 0, y: 0, speed: 10 },
      { id: 2, x: 50, y: 50 },
      { id: 5, x: 100, y: 0, heading: Math.PI / 2 },
    ]), 0));
    const next = stateOf([
      { id: 1, x: 1, y: 0, speed: 10 }, // moved
      { id: 3, x: -20, y: 7.25, heading: Math.PI, speed: 3, kind: ObjectKind.truck }, // added
      { id: 5, x: 100, y: 0, heading: Math.PI / 2, kind: ObjectKind.emergency, flags: ObjectFlags.sirens }, // kind and flags changed
      { id: 9, x: 5, y: 5 }, // added
    ]); // 2 removed
    const { frame, state } = decodeOk(decoder, encoder.encodeDelta(next, 100));
    expect(frame).toMatchObject({ type: 'delta', sequence: 2, baseSequence: 1, count: 4, added: 2, removed: 1, changed: 2 });
    expect(objectsOf(state)).toEqual(objectsOf(next));
  });

  it('skips objects that stand still or keep their motion: such a delta is header-only', () => {
    const encoder = new ObjectFrameEncoder();
    const decoder = new ObjectFrameDecoder();
    const at = (t: number) => stateOf([
      { id: 1, x: 10, y: 10, flags: ObjectFlags.stopped },
      { id: 2, x: 12.5 * t, y: -3 * t, heading: 1.8, speed: 12.87 },
    ]);
    decodeOk(decoder, encoder.encodeKeyframe(at(0), 0));
    decodeOk(decoder, encoder.encodeDelta(at(0.1), 100));
    for (let f = 2; f < 50; f++) {
      const bytes = encoder.encodeDelta(at(f / 10), f * 100);
      const { frame, state } = decodeOk(decoder, bytes);
      expect(frame.entries).toBe(0);
      expect(bytes.length).toBe(36);
      expectQuantizedTruth(state, at(f / 10));
    }
  });

  it('crosses north without a jump in heading cost', () => {
    const encoder = new ObjectFrameEncoder();
    const decoder = new ObjectFrameDecoder();
    decodeOk(decoder, encoder.encodeKeyframe(stateOf([{ id: 1, x: 0, y: 0, heading: 2 * Math.PI - 0.001 }]), 0));
    const bytes = encoder.encodeDelta(stateOf([{ id: 1, x: 0, y: 0, heading: 0.001 }]), 100);
    const { state } = decodeOk(decoder, bytes);
    expect(bytes.length).toBeLessThanOrEqual(36 + 4);
    expect(state.heading[0]).toBeCloseTo(0.001, 4);
  });

  it('stays exact against the quantized truth over a long traffic sequence with churn', () => {
    const traffic = new TrafficSequence({ objects: 300, seed: 7 });
    const encoder = new ObjectFrameEncoder();
    const decoder = new ObjectFrameDecoder();
    decodeOk(decoder, encoder.encodeKeyframe(traffic.state, 0));
    for (let f = 1; f <= 3000; f++) {
      traffic.step();
      const { state } = decodeOk(decoder, encoder.encodeDelta(traffic.state, traffic.simTimeMs));
      if (f % 25 === 0) expectQuantizedTruth(state, traffic.state);
    }
    expectQuantizedTruth(decoder.state, traffic.state);
  });

  it('sends at most 10 bytes per object per update on a traffic-like sequence', () => {
    const traffic = new TrafficSequence({ objects: 2000, seed: 11 });
    const encoder = new ObjectFrameEncoder();
    let bytes = 0;
    let updates = 0;
    for (let f = 0; f < 300; f++) {
      if (f > 0) traffic.step();
      const frame = f % 100 === 0 ? encoder.encodeKeyframe(traffic.state, traffic.simTimeMs) : encoder.encodeDelta(traffic.state, traffic.simTimeMs);
      bytes += frame.length;
      updates += traffic.state.count;
    }
    expect(bytes / updates).toBeLessThanOrEqual(10);
  });

  it('lets a late joiner start from a snapshot keyframe and follow the broadcast deltas', () => {
    const traffic = new TrafficSequence({ objects: 200, seed: 3 });
    const encoder = new ObjectFrameEncoder({ streamId: 42 });
    const early = new ObjectFrameDecoder();
    decodeOk(early, encoder.encodeKeyframe(traffic.state, 0));
    for (let f = 0; f < 30; f++) {
      traffic.step();
      decodeOk(early, encoder.encodeDelta(traffic.state, traffic.simTimeMs));
    }
    const late = new ObjectFrameDecoder();
    expect(decodeOk(late, encoder.snapshotKeyframe()).frame.sequence).toBe(encoder.sequence);
    for (let f = 0; f < 30; f++) {
      traffic.step();
      const delta = encoder.encodeDelta(traffic.state, traffic.simTimeMs);
      decodeOk(early, delta);
      decodeOk(late, delta);
    }
    expect(objectsOf(late.state)).toEqual(objectsOf(early.state));
    expectQuantizedTruth(late.state, traffic.state);
  });

  it('rejects a delta that does not follow the frame it holds, keeps its state, and recovers at a keyframe', () => {
    const encoder = new ObjectFrameEncoder({ streamId: 1 });
    const decoder = new ObjectFrameDecoder();
    const s = (x: number) => stateOf([{ id: 1, x, y: 0 }]);
    expect(decoder.decode(encoder.encodeKeyframe(s(0), 0))).toMatchObject({ ok: true });
    encoder.encodeDelta(s(1), 100); // lost on the way
    const result = decoder.decode(encoder.encodeDelta(s(2), 200));
    expect(result).toMatchObject({ ok: false, error: { code: 'frame_sequence' } });
    expect(!result.ok && result.error.message).toMatch(/delta applies to frame 2 .* holds frame 1 .*keyframe/);
    expect(decoder.state.x[0]).toBe(0);
    expect(decoder.decode(encoder.encodeKeyframe(s(3), 300))).toMatchObject({ ok: true, frame: { sequence: 4 } });
    expect(decoder.decode(encoder.encodeDelta(s(4), 400))).toMatchObject({ ok: true });
    expect(decoder.state.x[0]).toBe(4);

    const other = new ObjectFrameEncoder({ streamId: 2 });
    other.encodeKeyframe(s(0), 0);
    other.encodeKeyframe(s(0), 0);
    other.encodeKeyframe(s(0), 0);
    other.encodeKeyframe(s(0), 0);
    expect(decoder.decode(other.encodeDelta(s(9), 500))).toMatchObject({ ok: false, error: { code: 'frame_sequence' } });
  });

  it('returns a fresh buffer for every frame', () => {
    const encoder = new ObjectFrameEncoder();
    const first = encoder.encodeKeyframe(stateOf([{ id: 1, x: 1, y: 2 }]), 0);
    const copy = first.slice();
    encoder.encodeKeyframe(stateOf([{ id: 8, x: 9, y: 9, speed: 5 }]), 100);
    encoder.encodeDelta(stateOf([{ id: 8, x: 10, y: 9, speed: 5 }]), 200);
    expect(first).toEqual(copy);
    expect(first.byteOffset).toBe(0);
    expect(first.buffer.byteLength).toBe(first.length);
  });

  it('accepts an ArrayBuffer, as a browser receives it', () => {
    const bytes = new ObjectFrameEncoder().encodeKeyframe(stateOf([{ id: 1, x: 1, y: 2 }]), 0);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    expect(new ObjectFrameDecoder().decode(buffer)).toMatchObject({ ok: true, frame: { count: 1 } });
  });

  it('rejects a frame of another protocol version with a clear error', () => {
    const bytes = new ObjectFrameEncoder().encodeKeyframe(stateOf([{ id: 1, x: 1, y: 2 }]), 0);
    bytes[2] = PROTOCOL_VERSION + 1;
    const result = new ObjectFrameDecoder().decode(bytes);
    expect(result).toEqual({
      ok: false,
      error: { code: 'protocol_version', message: `ObjectFrameDecoder: protocol: frame speaks version ${PROTOCOL_VERSION + 1}, this decoder speaks ${PROTOCOL_VERSION}` },
    });
  });

  it('treats unsorted ids, far positions and non-integer times as bugs of the caller', () => {
    const encoder = new ObjectFrameEncoder();
    expect(() => encoder.encodeKeyframe(stateOf([{ id: 2, x: 0, y: 0 }, { id: 1, x: 0, y: 0 }]), 0)).toThrow(/ascending/);
    expect(() => encoder.encodeKeyframe(stateOf([{ id: 1, x: 2e6, y: 0 }]), 0)).toThrow(/beyond/);
    expect(() => encoder.encodeKeyframe(stateOf([{ id: 1, x: NaN, y: 0 }]), 0)).toThrow(/beyond/);
    expect(() => encoder.encodeKeyframe(stateOf([{ id: 1, x: 0, y: 0 }]), 0.5)).toThrow(/simTimeMs/);
    expect(() => new ObjectFrameEncoder().encodeDelta(stateOf([]), 0)).toThrow(/before any keyframe/);
  });
});
