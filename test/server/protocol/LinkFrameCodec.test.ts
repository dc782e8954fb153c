import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../server/city/generate/random.ts';
import { peekFrameKind, FrameKind } from '../../../server/protocol/frameHeader.ts';
import { decodeLinkFrame, encodeLinkFrame, type DecodedLinkFrame } from '../../../server/protocol/LinkFrameCodec.ts';
import { createLinkState, type LinkState } from '../../../server/protocol/LinkState.ts';
import { PROTOCOL_VERSION } from '../../../server/protocol/version.ts';

/** A rush-hour network of `count` links with two lanes each: speeds 0–80 km/h, indices 0–10, link 3 fully closed, link 4 half closed. */
function rushHour(count: number, seed = 5): { state: LinkState; lanes: Uint8Array } {
  const random = createRandom(seed).next;
  const state = createLinkState(count);
  const lanes = new Uint8Array(count).fill(2);
  for (let k = 0; k < count; k++) {
    state.speed[k] = (random() * 80) / 3.6;
    state.index[k] = random() * 10;
    state.density[k] = random() * 120;
  }
  if (count > 4) {
    state.closedLanes[3] = 2;
    state.closedLanes[4] = 1;
  }
  return { state, lanes };
}

function decodeOk(bytes: Uint8Array, linkCount?: number): DecodedLinkFrame {
  const result = decodeLinkFrame(bytes, { linkCount });
  if (!result.ok) throw new Error(result.error.message);
  return result.frame;
}

describe('LinkFrameCodec', () => {
  it('carries every link in two bytes: index to 0.02 and speed to 0.5 km/h', () => {
    const { state, lanes } = rushHour(5000);
    const bytes = encodeLinkFrame(state, 8 * 3_600_000, lanes);
    expect(bytes.length).toBe(16 + 4 + 2 * 5000);
    expect(peekFrameKind(bytes)).toBe(FrameKind.linkState);
    const frame = decodeOk(bytes, 5000);
    expect(frame.simTimeMs).toBe(8 * 3_600_000);
    expect(frame.count).toBe(5000);
    for (let k = 0; k < 5000; k++) {
      if (k === 3) continue;
      expect(Math.abs(frame.index[k] - state.index[k])).toBeLessThanOrEqual(0.02 + 1e-6);
      expect(Math.abs(frame.speedKmh[k] - state.speed[k] * 3.6)).toBeLessThanOrEqual(0.5 + 1e-4);
    }
  });

  it('marks a link closed on every lane, but not one with a lane still open', () => {
    const { state, lanes } = rushHour(10);
    const frame = decodeOk(encodeLinkFrame(state, 0, lanes));
    expect(frame.closed[3]).toBe(1);
    expect(Number.isNaN(frame.index[3])).toBe(true);
    expect(frame.closed[4]).toBe(0);
    expect(frame.index[4]).toBeCloseTo(state.index[4], 1);
    expect([...frame.closed].filter(Boolean)).toHaveLength(1);
  });

  it('keeps "no speed" as NaN and clamps out-of-range figures instead of wrapping them', () => {
    const state = createLinkState(4);
    state.speed.set([NaN, 400 / 3.6, -1, 36 / 3.6]);
    state.index.set([0, 12, -3, 10]);
    const frame = decodeOk(encodeLinkFrame(state, 1000, [1, 1, 1, 1]));
    expect(Number.isNaN(frame.speedKmh[0])).toBe(true);
    expect([...frame.speedKmh.subarray(1)]).toEqual([254, 0, 36]);
    expect([...frame.index]).toEqual([0, 10, 0, 10]);
  });

  it('encodes an empty network, and treats a malformed state from our own engine as a bug', () => {
    expect(decodeOk(encodeLinkFrame(createLinkState(0), 0, [])).count).toBe(0);
    const { state, lanes } = rushHour(8);
    expect(() => encodeLinkFrame(state, 0, lanes.subarray(0, 7))).toThrow(/7 lane counts for 8 links/);
    expect(() => encodeLinkFrame(state, 1.5, lanes)).toThrow(/simTimeMs must be a non-negative integer/);
    const broken = { ...state, index: new Float32Array(8).fill(NaN) };
    expect(() => encodeLinkFrame(broken, 0, lanes)).toThrow(/index of link 0 is NaN/);
  });

  it('refuses a frame of another city, another version, a truncated frame or an unknown code, saying which', () => {
    const { state, lanes } = rushHour(20);
    const bytes = encodeLinkFrame(state, 5000, lanes);
    expect(decodeLinkFrame(bytes, { linkCount: 21 })).toEqual({
      ok: false,
      error: { code: 'bad_frame', message: "decodeLinkFrame: link count 20 is not the city's 21 links (a frame of another city?)" },
    });
    const foreign = bytes.slice();
    foreign[2] = 9;
    expect(decodeLinkFrame(foreign)).toEqual({
      ok: false,
      error: { code: 'protocol_version', message: `decodeLinkFrame: protocol: frame speaks version 9, this decoder speaks ${PROTOCOL_VERSION}` },
    });
    const cut = decodeLinkFrame(bytes.subarray(0, bytes.length - 1));
    expect(!cut.ok && cut.error.message).toBe('decodeLinkFrame: 20 links need 40 bytes of codes, 39 follow');
    const odd = bytes.slice();
    odd[20 + 6] = 251;
    expect(!decodeLinkFrame(odd).ok && (decodeLinkFrame(odd) as { error: { message: string } }).error.message).toBe(
      'decodeLinkFrame: index code 251 of link 6 is neither 0–250 nor 255 (closed)',
    );
    expect(decodeLinkFrame('not bytes')).toMatchObject({ ok: false, error: { code: 'bad_frame' } });
    const huge = bytes.slice(0, 20);
    new DataView(huge.buffer).setUint32(16, 0xffffffff, true);
    expect(decodeLinkFrame(huge)).toMatchObject({ ok: false, error: { code: 'bad_frame', message: expect.stringMatching(/link count 4294967295 is more than/) } });
  });

  it('answers thousands of hostile variants of a frame without throwing', () => {
    const random = createRandom(20_261_127).next;
    const int = (n: number) => Math.floor(random() * n);
    const { state, lanes } = rushHour(64);
    const valid = encodeLinkFrame(state, 123_000, lanes);
    let refused = 0;
    for (let c = 0; c < 4000; c++) {
      let bytes: Uint8Array;
      if (c % 4 === 0) bytes = Uint8Array.from({ length: int(200) }, () => int(256));
      else if (c % 4 === 1) bytes = valid.slice(0, int(valid.length));
      else {
        bytes = valid.slice();
        for (let f = 1 + int(3); f > 0; f--) bytes[int(bytes.length)] ^= 1 << int(8);
      }
      const result = decodeLinkFrame(bytes);
      if (result.ok) {
        expect(result.frame.count).toBe((bytes.length - 20) / 2);
        for (let k = 0; k < result.frame.count; k++) {
          const i = result.frame.index[k];
          expect(Number.isNaN(i) || (i >= 0 && i <= 10)).toBe(true);
        }
      } else {
        refused++;
        expect(result.error.message).toMatch(/^decodeLinkFrame: /);
      }
    }
    expect(refused).toBeGreaterThan(2000);
  });
});
