import { afterEach, describe, expect, it } from 'vitest';
import { LiveTraffic } from '../../../../client/layers/traffic/LiveTraffic.ts';
import { LiveConnection } from '../../../../client/twin/live/LiveConnection.ts';
import { createLiveStore } from '../../../../client/twin/live/LiveStore.ts';
import { encodeLinkFrame } from '../../../../server/protocol/LinkFrameCodec.ts';
import { createLinkState } from '../../../../server/protocol/LinkState.ts';
import { FakeSocket } from '../../twin/FakeSocket.ts';

describe('LiveTraffic (the traffic layer’s state)', () => {
  const socket = new FakeSocket();
  const live = new LiveConnection({ store: createLiveStore(), openSocket: () => socket });
  afterEach(() => live.dispose());

  it('is fed link frames of the joined run from the stream, cleared on a run switch, and stops when told', () => {
    const traffic = new LiveTraffic();
    const stop = traffic.connect(live);
    live.connect();
    socket.fire('connect');
    const state = createLinkState(2);
    state.index.set([1, 9]);
    socket.fire('links', 'live', encodeLinkFrame(state, 60_000, [2, 2]));
    socket.fire('links', 'another-run', encodeLinkFrame(createLinkState(5), 0, [1, 1, 1, 1, 1]));
    expect(traffic.links?.count).toBe(2);
    expect(traffic.links?.index[1]).toBeCloseTo(9, 1);
    const version = traffic.version;
    live.switchRun('run-2');
    expect(traffic.links).toBeNull();
    expect(traffic.version).toBeGreaterThan(version);
    stop();
    socket.fire('links', 'run-2', encodeLinkFrame(state, 0, [2, 2]));
    expect(traffic.links).toBeNull();
  });
});
