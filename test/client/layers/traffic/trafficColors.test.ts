import { describe, expect, it } from 'vitest';
import { fillLinkColors } from '../../../../client/layers/traffic/trafficColors.ts';
import type { DecodedLinkFrame } from '../../../../server/protocol/LinkFrameCodec.ts';

describe('fillLinkColors', () => {
  // Index 1 is free flow, 9 severe; link 2 is closed; link 3 is past the frame.
  const frame: DecodedLinkFrame = { simTimeMs: 0, count: 3, index: new Float32Array([1, 9, 1]), speedKmh: new Float32Array(3), closed: new Uint8Array([0, 0, 1]) };

  it('gives every link an opaque colour by its level, closed roads their own', () => {
    const c = fillLinkColors(frame, 4);
    expect(Array.from(c.slice(0, 4))).toEqual([0x2e, 0xcc, 0x71, 255]);
    expect(Array.from(c.slice(4, 8))).toEqual([0xd7, 0x26, 0x3d, 255]);
    expect(Array.from(c.slice(8, 12))).toEqual([0xb0, 0x4c, 0xff, 255]);
    expect(Array.from(c.slice(12, 16))).toEqual([0x5b, 0x6b, 0x80, 255]);
  });

  it("writes a level's emphasis into alpha when asked, leaving closed and no-data roads opaque", () => {
    const c = fillLinkColors(frame, 4, undefined, [100, 150, 200, 250, 255]);
    expect([c[3], c[7], c[11], c[15]]).toEqual([100, 255, 255, 255]);
  });
});
