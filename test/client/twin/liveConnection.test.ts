import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveConnection } from '../../../client/twin/live/LiveConnection.ts';
import { createLiveStore } from '../../../client/twin/live/LiveStore.ts';
import type { Hello } from '../../../server/protocol/controls.ts';
import type { RunStateEvent } from '../../../server/protocol/events.ts';
import { ObjectFrameEncoder } from '../../../server/protocol/ObjectFrameEncoder.ts';
import { createObjectState } from '../../../server/protocol/ObjectState.ts';
import { PROTOCOL_VERSION } from '../../../server/protocol/version.ts';
import { FakeSocket } from './FakeSocket.ts';

function runState(runId: string, patch: Partial<RunStateEvent> = {}): RunStateEvent {
  return { type: 'runState', runId, scenarioId: 'weekday', status: 'playing', speed: 1, simTimeMs: 0, ...patch };
}

function movingCars(t: number) {
  const s = createObjectState(3);
  for (let i = 0; i < 3; i++) {
    s.id[i] = i + 1;
    s.x[i] = i * 100 + t * 10;
    s.y[i] = 0;
    s.speed[i] = 10;
  }
  s.count = 3;
  return s;
}

describe('LiveConnection', () => {
  let socket: FakeSocket;
  let hello: Hello | null;
  let live: LiveConnection;

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 2, 16, 1, 0, 0) });
    socket = new FakeSocket();
    hello = null;
    live = new LiveConnection({
      store: createLiveStore(),
      openSocket: (h) => {
        hello = h;
        return socket;
      },
    });
    live.connect();
  });

  afterEach(() => {
    live.dispose();
    vi.useRealTimers();
  });

  it('says its protocol version in the handshake and joins the live baseline once connected', async () => {
    expect(hello?.protocolVersion).toBe(PROTOCOL_VERSION);
    expect(live.store.getState().connection).toBe('connecting');
    socket.fire('connect');
    expect(live.store.getState().connection).toBe('connected');
    expect(socket.sent('join')).toEqual([{ runId: 'live' }]);
    await vi.advanceTimersByTimeAsync(0);
    expect(live.store.getState().run?.status).toBe('playing');
  });

  it('decodes frames of the joined run into moving objects and ignores other runs', () => {
    socket.fire('connect');
    const encoder = new ObjectFrameEncoder({ streamId: 1 });
    socket.fire('objects', 'live', encoder.encodeKeyframe(movingCars(0), 0));
    socket.fire('objects', 'other', new ObjectFrameEncoder().encodeKeyframe(movingCars(50), 0));
    vi.advanceTimersByTime(100);
    socket.fire('objects', 'live', encoder.encodeDelta(movingCars(1), 100).buffer);
    expect(live.objects.count).toBe(3);
    expect(live.objects.lastSequence).toBe(2);
    vi.advanceTimersByTime(50);
    const objects = live.sample();
    expect(objects.x[0]).toBeCloseTo(5, 2);
    expect(live.store.getState().frameSimTimeMs).toBe(100);
  });

  it('asks for a keyframe when a delta is lost, and resumes from it', () => {
    socket.fire('connect');
    const encoder = new ObjectFrameEncoder({ streamId: 1 });
    socket.fire('objects', 'live', encoder.encodeKeyframe(movingCars(0), 0));
    const keyframesBefore = socket.sent('keyframe').length;
    encoder.encodeDelta(movingCars(1), 100); // lost on the way
    socket.fire('objects', 'live', encoder.encodeDelta(movingCars(2), 200));
    expect(socket.sent('keyframe').length).toBe(keyframesBefore + 1);
    expect(socket.sent('keyframe').at(-1)).toEqual({ runId: 'live' });
    expect(live.objects.lastSequence).toBe(1);
    socket.fire('objects', 'live', encoder.snapshotKeyframe());
    socket.fire('objects', 'live', encoder.encodeDelta(movingCars(3), 300));
    expect(live.objects.lastSequence).toBe(4);
  });

  it('marks the data stale when no frame comes for more than 3 s, and fresh again on the next', () => {
    socket.fire('connect');
    const encoder = new ObjectFrameEncoder({ streamId: 1 });
    socket.fire('objects', 'live', encoder.encodeKeyframe(movingCars(0), 0));
    const lastFrameAt = Date.now();
    vi.advanceTimersByTime(2500);
    expect(live.store.getState().staleSinceMs).toBeNull();
    vi.advanceTimersByTime(1500);
    expect(live.store.getState().staleSinceMs).toBe(lastFrameAt);
    socket.fire('objects', 'live', encoder.encodeDelta(movingCars(1), 100));
    expect(live.store.getState().staleSinceMs).toBeNull();
  });

  it('does not call a paused run stale, but does when the connection drops', () => {
    socket.fire('connect');
    socket.fire('event', runState('live', { status: 'paused' }));
    vi.advanceTimersByTime(10_000);
    expect(live.store.getState().staleSinceMs).toBeNull();
    socket.fire('disconnect', 'transport close');
    expect(live.store.getState().connection).toBe('reconnecting');
    expect(live.store.getState().staleSinceMs).not.toBeNull();
    socket.fire('connect');
    expect(live.store.getState().connection).toBe('connected');
    expect(socket.sent('join')).toHaveLength(2);
  });

  it('shows the server’s reason when it refuses a control, and the new state when it accepts one', async () => {
    socket.fire('connect');
    socket.answer = (event) =>
      event === 'speed'
        ? { ok: false, error: { code: 'not_allowed', message: 'speed: the live baseline runs in real time' } }
        : { ok: true, result: runState('live', { status: 'paused' }) };
    expect(await live.setSpeed(600)).toBe(false);
    expect(socket.sent('speed')).toEqual([{ runId: 'live', factor: 600 }]);
    expect(live.store.getState().controlError).toEqual({ code: 'not_allowed', message: 'speed: the live baseline runs in real time' });
    expect(await live.pause()).toBe(true);
    expect(live.store.getState().controlError).toBeNull();
    expect(live.store.getState().run?.status).toBe('paused');
  });

  it('switches the stream to another run: leaves, forgets the old objects, joins', () => {
    socket.fire('connect');
    socket.fire('objects', 'live', new ObjectFrameEncoder({ streamId: 1 }).encodeKeyframe(movingCars(0), 0));
    live.switchRun('run-2');
    expect(socket.sent('leave')).toEqual([{ runId: 'live' }]);
    expect(socket.sent('join').at(-1)).toEqual({ runId: 'run-2' });
    expect(live.objects.count).toBe(0);
    socket.fire('objects', 'live', new ObjectFrameEncoder({ streamId: 1 }).encodeKeyframe(movingCars(5), 0));
    expect(live.objects.count).toBe(0);
  });

  it('gives a layer the joined run’s messages of its kind, subscribed before or after connecting, until it stops', () => {
    const early: unknown[] = [];
    const late: unknown[] = [];
    const other: unknown[] = [];
    // `live` connected in beforeEach: a second connection whose layer subscribes before it connects.
    const socket2 = new FakeSocket();
    const live2 = new LiveConnection({ store: createLiveStore(), openSocket: () => socket2 });
    const stopEarly = live2.onRunMessage('grid', (p) => early.push(p));
    live2.connect();
    live2.onRunMessage('grid', (p) => late.push(p));
    live2.onRunMessage('stations', (p) => other.push(p));
    socket2.fire('connect');
    socket2.fire('grid', 'live', 'a');
    socket2.fire('grid', 'another-run', 'b');
    stopEarly();
    socket2.fire('grid', 'live', 'c');
    expect(early).toEqual(['a']);
    expect(late).toEqual(['a', 'c']);
    expect(other).toEqual([]);
    live2.dispose();
  });

});
