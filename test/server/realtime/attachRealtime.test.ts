import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHello, type Ack } from '../../../server/protocol/controls.ts';
import type { RunStateEvent, ServerEvent } from '../../../server/protocol/events.ts';
import { ObjectFrameDecoder } from '../../../server/protocol/ObjectFrameDecoder.ts';
import { roomOf } from '../../../server/realtime/attachRealtime.ts';
import { PROTOCOL_VERSION } from '../../../server/protocol/version.ts';
import { api, connect, request, startTestServer, waitFor, type TestServer, type TwinClient } from './realtimeHarness.ts';

let t: TestServer;
const clients: TwinClient[] = [];
function client(auth?: object): TwinClient {
  const c = connect(t.url, auth, t.cookie);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await t.close();
});

/** A client that decodes the live run's frames, asking for a keyframe after a gap as a real client does. */
function liveViewer() {
  const c = client();
  const decoder = new ObjectFrameDecoder();
  const seen = { frames: 0, decoded: 0, gaps: 0, simTimeMs: -1, other: 0 };
  c.on('objects', (runId, frame) => {
    if (runId !== 'live') return;
    seen.frames++;
    const r = decoder.decode(frame);
    if (r.ok) {
      seen.decoded++;
      seen.simTimeMs = r.frame.simTimeMs;
    } else if (r.error.code === 'frame_sequence') {
      seen.gaps++;
      void request(c, 'keyframe', { runId: 'live' });
    } else seen.other++;
  });
  return { c, decoder, seen };
}

describe('attachRealtime', () => {
  it('streams decodable frames of the live run whose objects are where the run has them', async () => {
    const { c, decoder, seen } = liveViewer();
    const joined = await request<Ack<RunStateEvent>>(c, 'join', { runId: 'live' });
    expect(joined).toMatchObject({ ok: true, result: { type: 'runState', runId: 'live', scenarioId: 'weekday', status: 'playing' } });
    await waitFor(() => seen.decoded >= 5, 'five decoded frames');

    const paused = await request<Ack<RunStateEvent>>(c, 'pause', { runId: 'live' });
    if (!paused.ok) throw new Error(paused.error.message);
    expect(paused.result.status).toBe('paused');
    await waitFor(() => seen.simTimeMs === paused.result.simTimeMs, 'the frame at the paused time');

    const truth = t.manager.objects('live');
    if (!truth) throw new Error('no live objects');
    const got = decoder.state;
    expect(got.count).toBe(truth.count);
    expect(got.count).toBeGreaterThan(50);
    for (let i = 0; i < truth.count; i++) {
      expect(got.id[i]).toBe(truth.id[i]);
      expect(Math.abs(got.x[i] - truth.x[i])).toBeLessThanOrEqual(0.006);
      expect(Math.abs(got.y[i] - truth.y[i])).toBeLessThanOrEqual(0.006);
    }
    expect(seen.other).toBe(0);
    const played = await request<Ack<RunStateEvent>>(c, 'play', { runId: 'live' });
    expect(played).toMatchObject({ ok: true, result: { status: 'playing' } });
  });

  it('answers a client that lost its place with a keyframe on its socket', async () => {
    const { c, decoder, seen } = liveViewer();
    await request(c, 'join', { runId: 'live' });
    await waitFor(() => seen.decoded >= 3, 'three decoded frames');
    decoder.reset();
    const gapsBefore = seen.gaps;
    const decodedBefore = seen.decoded;
    const ack = await request<Ack<{ sequence: number }>>(c, 'keyframe', { runId: 'live' });
    if (!ack.ok) throw new Error(ack.error.message);
    expect(ack.result.sequence).toBeGreaterThan(0);
    // The keyframe came before the ack, so the decoder is back in step and deltas apply again.
    expect(seen.decoded).toBe(decodedBefore + 1);
    await waitFor(() => seen.decoded >= decodedBefore + 5, 'deltas after the keyframe');
    expect(seen.gaps).toBe(gapsBefore);
  });

  it('refuses a WebSocket from a page of a foreign origin and accepts its own pages', async () => {
    const attempt = (origin: string) =>
      new Promise<number>((resolve) => {
        const raw = new WebSocket(`${t.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { origin });
        raw.on('error', () => {});
        raw.on('unexpected-response', (req, res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        raw.on('open', () => {
          resolve(101);
          raw.terminate();
        });
      });
    expect(await attempt('http://elsewhere.example')).toBe(400);
    expect(await attempt(t.url)).toBe(101);
  });

  it('refuses a client of another protocol version with a clear message', async () => {
    const bad = client({ protocolVersion: 999 });
    const error = await new Promise<Error & { data?: { code: string; message: string } }>((resolve) => bad.once('connect_error', resolve));
    expect(error.message).toBe(`protocol: client speaks version 999, server speaks ${PROTOCOL_VERSION}`);
    expect(error.data?.code).toBe('protocol_version');
    bad.close();
  });

  it('refuses bad control requests with codes while the run goes on', async () => {
    const c = client();
    const ask = (name: string, payload: unknown) => request<Ack<unknown>>(c, name, payload);
    const refused = async (name: string, payload: unknown, code: string, mention?: string) => {
      const ack = await ask(name, payload);
      expect(ack.ok, `${name} ${JSON.stringify(payload)}`).toBe(false);
      if (ack.ok) return;
      expect(ack.error.code).toBe(code);
      if (mention) expect(ack.error.message).toContain(mention);
    };
    const before = t.manager.runState('live') as RunStateEvent;
    await refused('seek', { runId: 'live', simTimeMs: -5 }, 'bad_request', 'simTimeMs');
    await refused('speed', { runId: 'live', factor: 99999 }, 'bad_request', '99999');
    await refused('play', { runId: 'live', extra: 1 }, 'bad_request', 'extra');
    await refused('stop', { runId: 'live' }, 'live_protected');
    await refused('inject', { runId: 'live', kind: 'no.such', params: {} }, 'unknown_inject', 'no.such');
    await refused('seek', { runId: 'live', simTimeMs: 10 * 86_400_000 }, 'seek_out_of_range');
    await refused('join', { runId: 'ghost' }, 'not_found', 'ghost');
    await refused('createRun', { scenarioId: 'nope' }, 'unknown_scenario', 'nope');
    const state = t.manager.runState('live') as RunStateEvent;
    expect(state.status).toBe('playing');
    expect(state.speed).toBe(before.speed);
    await waitFor(() => (t.manager.runState('live') as RunStateEvent).simTimeMs > state.simTimeMs, 'the live run to keep advancing');
  });

  it('recovers events missed during a short cut, in order', async () => {
    const c = client();
    const events: ServerEvent[] = [];
    c.on('event', (e) => events.push(e));
    await request(c, 'join', { runId: 'live' });
    await request(c, 'speed', { runId: 'live', factor: 2 });
    await waitFor(() => events.some((e) => e.type === 'runState' && e.speed === 2), 'the first speed event');
    const mark = events.length;

    (c.io.engine as unknown as { close(): void }).close();
    await waitFor(() => !c.connected, 'the cut');
    for (const factor of [3, 4, 5]) expect((await api(t.url, 'POST', '/api/runs/live/control', { action: 'speed', factor }, t.cookie)).status).toBe(200);
    await waitFor(() => c.connected, 'the reconnect');
    expect(c.recovered).toBe(true);
    await waitFor(() => events.some((e) => e.type === 'runState' && e.speed === 5), 'the missed events');
    const speeds = events.slice(mark).flatMap((e) => (e.type === 'runState' ? [e.speed] : []));
    expect(speeds).toEqual([3, 4, 5]);
    await api(t.url, 'POST', '/api/runs/live/control', { action: 'speed', factor: 1 }, t.cookie);
  });

  it('keeps a good client streaming and memory bounded while another client never reads', async () => {
    const { c: good, seen } = liveViewer();
    let big = 0;
    const BIG = 256 * 1024;
    good.on('objects', (_runId, frame) => {
      if ((frame as Uint8Array).byteLength === BIG) big++;
    });
    await request(good, 'join', { runId: 'live' });

    // A raw Engine.IO WebSocket that joins the run and then stops reading its socket.
    const raw = new WebSocket(`${t.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const texts: string[] = [];
    raw.on('message', (data, isBinary) => {
      if (!isBinary) texts.push(String(data));
    });
    await waitFor(() => texts.some((m) => m.startsWith('0{')), 'the engine.io open packet');
    raw.send(`40${JSON.stringify(createHello())}`);
    await waitFor(() => texts.some((m) => m.startsWith('40{')), 'the socket.io connect');
    raw.send(`420${JSON.stringify(['join', { runId: 'live' }])}`);
    await waitFor(() => texts.some((m) => m.startsWith('430[')), 'the join ack');
    (raw as unknown as { _socket: { pause(): void } })._socket.pause();
    const io = t.server.realtime?.io;
    if (!io) throw new Error('no io');
    expect(io.of('/').adapter.rooms.get(roomOf('live'))?.size).toBeGreaterThanOrEqual(2);

    // Big frames through the same broadcast the run uses (volatile, to the run's room): far more
    // than the kernel buffers hold, so an unbounded queue for the stalled client would show.
    const memory = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.external;
    };
    const start = memory();
    let peak = start;
    let peakQueued = 0;
    const stalledQueued = () => {
      let most = 0;
      for (const s of io.of('/').sockets.values()) {
        const conn = s.conn as unknown as { writeBuffer: unknown[]; transport: { socket?: { _socket?: { writableLength: number } } } };
        most = Math.max(most, conn.transport.socket?._socket?.writableLength ?? 0, conn.writeBuffer.length * BIG);
      }
      return most;
    };
    const framesBefore = seen.decoded;
    for (let k = 0; k < 400; k++) {
      io.to(roomOf('live')).volatile.emit('objects', 'live', new Uint8Array(BIG).fill(k & 255));
      await new Promise((r) => setTimeout(r, 20));
      peak = Math.max(peak, memory());
      peakQueued = Math.max(peakQueued, stalledQueued());
    }
    // 400 × 256 KB = 100 MB offered; what the stalled client cannot take is dropped, not queued.
    expect(peakQueued).toBeLessThan(4 * BIG);
    expect(peak - start).toBeLessThan(48 * 1024 * 1024);
    await waitFor(() => seen.decoded > framesBefore + 10, 'the good client to keep decoding live frames');
    expect(big).toBeGreaterThan(100);
    raw.terminate();
  });
});
