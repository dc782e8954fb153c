import { describe, expect, it } from 'vitest';
import { LiveObjects } from '../../../client/twin/live/LiveObjects.ts';
import { lerpHeading } from '../../../client/twin/live/interpolate.ts';
import { ObjectFrameDecoder } from '../../../server/protocol/ObjectFrameDecoder.ts';
import { ObjectFrameEncoder } from '../../../server/protocol/ObjectFrameEncoder.ts';
import { ObjectKind, createObjectState } from '../../../server/protocol/ObjectState.ts';
import type { ObjectState } from '../../../server/protocol/ObjectState.ts';

function state(objects: { id: number; x: number; y: number; heading?: number; kind?: number }[]): ObjectState {
  const s = createObjectState(objects.length);
  objects.forEach((o, i) => {
    s.id[i] = o.id;
    s.x[i] = o.x;
    s.y[i] = o.y;
    s.heading[i] = o.heading ?? 0;
    s.speed[i] = 10;
    s.kind[i] = o.kind ?? ObjectKind.car;
  });
  s.count = objects.length;
  return s;
}

describe('LiveObjects', () => {
  it('holds the objects of a keyframe and the deltas after it, as the server had them', () => {
    const encoder = new ObjectFrameEncoder({ streamId: 7 });
    const decoder = new ObjectFrameDecoder();
    const live = new LiveObjects();
    const frames = [
      encoder.encodeKeyframe(state([{ id: 1, x: 0, y: 0 }, { id: 5, x: 100, y: 50, kind: ObjectKind.bus }]), 0),
      encoder.encodeDelta(state([{ id: 1, x: 10, y: 0 }, { id: 5, x: 100, y: 60, kind: ObjectKind.bus }, { id: 9, x: -20, y: 3 }]), 100),
      encoder.encodeDelta(state([{ id: 5, x: 100, y: 70, kind: ObjectKind.bus }, { id: 9, x: -20, y: 4 }]), 200),
    ];
    let now = 1000;
    for (const bytes of frames) {
      const r = decoder.decode(bytes);
      if (!r.ok) throw new Error(r.error.message);
      live.apply(r.state, r.frame.simTimeMs, r.frame.sequence, now);
      now += 100;
    }
    // One interval after the last frame, every object is where the last frame put it.
    live.sample(now + 100);
    expect(live.count).toBe(2);
    expect([...live.id.subarray(0, 2)]).toEqual([5, 9]);
    expect(live.kind[0]).toBe(ObjectKind.bus);
    expect(live.x[0]).toBeCloseTo(100, 2);
    expect(live.y[0]).toBeCloseTo(70, 2);
    expect(live.y[1]).toBeCloseTo(4, 2);
    expect(live.lastSequence).toBe(3);
    expect(live.simTimeMs).toBe(200);
  });

  it('shows an object halfway between two frames halfway through the frame interval', () => {
    const live = new LiveObjects();
    live.apply(state([{ id: 1, x: 0, y: 0 }]), 0, 1, 1000);
    live.apply(state([{ id: 1, x: 10, y: -4 }]), 100, 2, 1100);
    // Drawing lags one interval: at the arrival of frame 2 it still shows frame 1…
    live.sample(1100);
    expect(live.x[0]).toBeCloseTo(0, 9);
    // …halfway to the next arrival it shows the midpoint…
    live.sample(1150);
    expect(live.x[0]).toBeCloseTo(5, 9);
    expect(live.y[0]).toBeCloseTo(-2, 9);
    expect(live.simTimeMs).toBeCloseTo(50, 9);
    // …and it never overshoots while waiting for a late frame.
    live.sample(1400);
    expect(live.x[0]).toBeCloseTo(10, 9);
  });

  it('turns the short way across north when the heading crosses 0/2π', () => {
    const a = (350 * Math.PI) / 180;
    const b = (10 * Math.PI) / 180;
    expect(lerpHeading(a, b, 0.5)).toBeCloseTo(0, 9);
    expect(lerpHeading(b, a, 0.25)).toBeCloseTo((5 * Math.PI) / 180, 9);
    expect(lerpHeading(a, b, 0.75)).toBeCloseTo((5 * Math.PI) / 180, 9);

    const live = new LiveObjects();
    live.apply(state([{ id: 1, x: 0, y: 0, heading: a }]), 0, 1, 0);
    live.apply(state([{ id: 1, x: 0, y: 0, heading: b }]), 100, 2, 100);
    live.sample(150);
    // Within a degree of north, not pointing south.
    expect(Math.min(live.heading[0], 2 * Math.PI - live.heading[0])).toBeLessThan(Math.PI / 180);
  });

  it('places new objects where they appear and jumps instead of gliding after a seek', () => {
    const live = new LiveObjects();
    live.apply(state([{ id: 1, x: 0, y: 0 }]), 0, 1, 0);
    live.apply(state([{ id: 1, x: 10, y: 0 }, { id: 2, x: 500, y: 500 }]), 100, 2, 100);
    live.sample(150);
    expect(live.x[1]).toBe(500);
    live.apply(state([{ id: 1, x: 9000, y: 0 }]), 3_600_000, 3, 200, true);
    live.sample(201);
    expect(live.x[0]).toBe(9000);
    expect(live.simTimeMs).toBe(3_600_000);
  });
});
