/**
 * Fuzz: every decoder and parser answers hostile input with `{ ok: false, error }` (or, for a bit flip that
 * happens to stay valid, a sane `{ ok: true }`), never throws, never hangs, and never corrupts the state it holds.
 */
import { describe, expect, it } from 'vitest';
import { TrafficSequence } from '../../../bench/stream.ts';
import { parseControlRequest, parseHello } from '../../../server/protocol/controls.ts';
import type { ControlName } from '../../../server/protocol/controls.ts';
import { parseServerEvent } from '../../../server/protocol/events.ts';
import { ObjectFrameDecoder } from '../../../server/protocol/ObjectFrameDecoder.ts';
import { ObjectFrameEncoder } from '../../../server/protocol/ObjectFrameEncoder.ts';
import { decodeScalarGrid, encodeScalarGrid } from '../../../server/protocol/ScalarGridCodec.ts';
import { createRandom } from '../../../server/city/generate/random.ts';

/** Seeded numbers in [0, 1): the project's mulberry32 stream, the same on every machine. */
const seededRandom = (seed: number): (() => number) => createRandom(seed).next;

const random = seededRandom(20_261_127);
const int = (n: number): number => Math.floor(random() * n);

function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = int(256);
  return out;
}

/** Hostile variants of a valid frame: random bytes, random bytes behind its header, truncations, bit flips, splices. */
function* mutants(valid: Uint8Array, cases: number): Generator<Uint8Array> {
  for (let c = 0; c < cases; c++) {
    const kind = c % 5;
    if (kind === 0) yield randomBytes(int(80));
    else if (kind === 1) {
      const out = randomBytes(36 + int(200));
      out.set(valid.subarray(0, Math.min(valid.length, 16 + int(21))));
      yield out;
    } else if (kind === 2) yield valid.slice(0, int(valid.length));
    else if (kind === 3) {
      const out = valid.slice();
      for (let f = 1 + int(3); f > 0; f--) out[int(out.length)] ^= 1 << int(8);
      yield out;
    } else {
      const out = valid.slice();
      const at = int(out.length);
      out.set(randomBytes(Math.min(4, out.length - at)), at);
      yield out;
    }
  }
}

type Result = { ok: true } | { ok: false; error: { code: string; message: string } };

function expectAnswer(result: Result, bytes: Uint8Array, mustFail: boolean): void {
  if (result.ok && !mustFail) return;
  if (result.ok) throw new Error(`accepted a truncated frame of ${bytes.length} bytes`);
  expect(typeof result.error.code).toBe('string');
  expect(result.error.message.length).toBeGreaterThan(0);
}

function fingerprint(decoder: ObjectFrameDecoder): string {
  const s = decoder.state;
  return `${decoder.sequence}:${s.count}:${s.id.subarray(0, s.count).join(',')}:${s.x.subarray(0, s.count).join(',')}:${s.flags.subarray(0, s.count).join(',')}`;
}

describe('fuzz', () => {
  const traffic = new TrafficSequence({ objects: 40, seed: 5 });
  const encoder = new ObjectFrameEncoder({ streamId: 3 });
  const keyframe = encoder.encodeKeyframe(traffic.state, 0);
  const deltas: Uint8Array[] = [];
  for (let f = 0; f < 40; f++) {
    traffic.step();
    if (f === 20) traffic.state.flags[0] ^= 8;
    deltas.push(encoder.encodeDelta(traffic.state, traffic.simTimeMs));
  }

  it('ObjectFrameDecoder survives mangled keyframes', () => {
    const decoder = new ObjectFrameDecoder({ maxObjects: 10_000 });
    for (const bytes of mutants(keyframe, 4000)) {
      const truncated = bytes.length < keyframe.length && keyframe.subarray(0, bytes.length).every((b, i) => b === bytes[i]);
      const result = decoder.decode(bytes);
      expectAnswer(result, bytes, truncated);
      if (result.ok) {
        const { state } = result;
        for (let i = 1; i < state.count; i++) if (state.id[i] <= state.id[i - 1]) throw new Error(`ids out of order at ${i}`);
      }
    }
  });

  it('ObjectFrameDecoder survives mangled deltas and keeps its state when it refuses one', () => {
    const primed = new ObjectFrameDecoder();
    primed.decode(keyframe);
    for (let f = 0; f < 20; f++) expect(primed.decode(deltas[f]).ok).toBe(true);
    const before = fingerprint(primed);
    const next = deltas[20];
    let decoder = primed;
    let accepted = 0;
    for (const bytes of mutants(next, 4000)) {
      const truncated = bytes.length < next.length && next.subarray(0, bytes.length).every((b, i) => b === bytes[i]);
      const result = decoder.decode(bytes);
      expectAnswer(result, bytes, truncated);
      if (!result.ok) {
        expect(fingerprint(decoder)).toBe(before);
        continue;
      }
      // A flip that stayed valid moved the decoder on: start the next case from frame 21 again.
      accepted++;
      decoder = new ObjectFrameDecoder();
      decoder.decode(keyframe);
      for (let f = 0; f < 20; f++) decoder.decode(deltas[f]);
    }
    expect(accepted).toBeLessThan(2000);
  });

  it('ObjectFrameDecoder refuses non-binary input', () => {
    const decoder = new ObjectFrameDecoder();
    for (const input of [undefined, null, 42, 'YT', {}, [1, 2, 3], new Float64Array(8)]) {
      expect(decoder.decode(input)).toMatchObject({ ok: false });
    }
  });

  it('decodeScalarGrid survives mangled grids', () => {
    const values = new Float32Array(12 * 9).map((_, i) => (i % 7 === 0 ? NaN : i * 0.37));
    const grids = [
      encodeScalarGrid({ layer: 'no2', simTimeMs: 1000, cols: 12, rows: 9, originX: 5, originY: -5, cellSize: 50, values }),
      encodeScalarGrid({ layer: 'waterDepth', simTimeMs: 1000, cols: 12, rows: 9, originX: 5, originY: -5, cellSize: 50, values }, { resolution: 0.001 }),
    ];
    for (const valid of grids) {
      for (const bytes of mutants(valid, 3000)) {
        const truncated = bytes.length < valid.length && valid.subarray(0, bytes.length).every((b, i) => b === bytes[i]);
        const result = decodeScalarGrid(bytes);
        expectAnswer(result, bytes, truncated);
        if (result.ok) expect(result.grid.values.length).toBe(result.grid.cols * result.grid.rows);
      }
    }
    expect(decodeScalarGrid('grid')).toMatchObject({ ok: false });
  });

  it('parseServerEvent, parseControlRequest and parseHello survive random JSON-like values', () => {
    const valid = [
      { type: 'runState', runId: 'r', scenarioId: 's', status: 'playing', speed: 1, simTimeMs: 0 },
      { type: 'dispatch', runId: 'r', simTimeMs: 1, dispatchId: 'd', incidentId: 'i', unitId: 1, unitKind: 'police', status: 'assigned', etaMs: 0 },
      { type: 'alert', runId: 'r', simTimeMs: 1, alertId: 'a', severity: 'info', source: 'system', messageKey: 'k', params: {} },
    ];
    const keys = ['type', 'runId', 'status', 'speed', 'simTimeMs', 'params', 'x', '__proto__', 'constructor', 'factor', 'protocolVersion'];
    const atom = (): unknown => [null, undefined, true, -1, 0.5, 1e308, NaN, Infinity, '', 'max', 'runState', 'x'.repeat(200), BigInt(7)][int(13)];
    const value = (depth: number): unknown => {
      const pick = int(depth > 3 ? 1 : 4);
      if (pick === 0) return atom();
      if (pick === 1) return Array.from({ length: int(4) }, () => value(depth + 1));
      const out: Record<string, unknown> = {};
      for (let k = int(5); k > 0; k--) out[keys[int(keys.length)]] = value(depth + 1);
      return out;
    };
    const controls: ControlName[] = ['createRun', 'join', 'leave', 'keyframe', 'play', 'pause', 'speed', 'seek', 'inject', 'stop'];
    let failures = 0;
    for (let c = 0; c < 4000; c++) {
      let input: unknown = value(0);
      if (c % 2 === 0) {
        const base: Record<string, unknown> = { ...valid[int(valid.length)] };
        base[keys[int(keys.length)]] = value(2);
        input = base;
      }
      const results = [parseServerEvent(input), parseControlRequest(controls[int(controls.length)], input), parseHello(input)];
      for (const result of results) {
        if (!result.ok) {
          failures++;
          expect(result.error.message.length).toBeGreaterThan(0);
        }
      }
    }
    expect(failures).toBeGreaterThan(8000);
  });
});
