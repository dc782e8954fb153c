import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DrillClient, followDirector, leadFromStore, viewOf } from '../../../../client/command/drill/DrillClient.ts';
import { LiveConnection } from '../../../../client/twin/live/LiveConnection.ts';
import { createLiveStore } from '../../../../client/twin/live/LiveStore.ts';
import { createTwinStore } from '../../../../client/twin/TwinStore.ts';
import type { DirectorView, DrillAck, DrillEvent, DrillState, TimelineEntry } from '../../../../server/protocol/drills.ts';
import { FakeSocket } from '../../../client/twin/FakeSocket.ts';

const camera = (lon: number) => ({ lon, lat: 33.7, height: 1500, heading: 0, pitch: -0.6 });
const view = (lon: number, patch: Partial<DirectorView> = {}): DirectorView => ({ camera: camera(lon), layers: {}, selection: null, ...patch });

function state(patch: Partial<DrillState> = {}): DrillState {
  return {
    drillId: 'storm',
    sessionId: 'storm-1',
    title: { zh: '演练', en: 'Drill' },
    status: 'running',
    runId: 'rainstorm-3',
    director: 'chen',
    speed: 10,
    startedWallMs: 0,
    simTimeMs: 0,
    startEpochMs: 0,
    view: { ...view(113.1), seq: 1 },
    delivered: [],
    warnings: [],
    ...patch,
  };
}
function entry(seq: number): TimelineEntry {
  return { seq, simTimeMs: seq * 1000, wallMs: 0, kind: 'msel', actor: 'system', department: null, mselId: `M0${seq}`, text: { zh: '注入', en: 'Inject' }, action: null };
}

describe('DrillClient', () => {
  let socket: FakeSocket;
  let live: LiveConnection;
  let answer: DrillAck;

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    socket = new FakeSocket();
    answer = { state: state(), view: { ...view(113.1), seq: 1 }, timeline: [entry(1)] };
    const base = socket.answer;
    socket.answer = (event, payload) => (event === 'drill' ? { ok: true, result: answer } : base(event, payload));
    live = new LiveConnection({ store: createLiveStore(), openSocket: () => socket });
    live.connect();
    socket.fire('connect');
  });
  afterEach(() => {
    live.dispose();
    vi.useRealTimers();
  });

  const drillRequests = () => socket.sent('drill') as { op: string }[];

  it('follows at start and again on every reconnect, the ack replacing what it had', async () => {
    const client = new DrillClient(live, 'storm');
    client.start();
    await vi.waitFor(() => expect(client.getSnapshot().state?.sessionId).toBe('storm-1'));
    expect(drillRequests()).toEqual([{ op: 'follow', drillId: 'storm' }]);
    expect(client.getSnapshot().timeline.map((e) => e.seq)).toEqual([1]);

    answer = { state: state({ status: 'paused' }), view: { ...view(113.2), seq: 5 }, timeline: [entry(1), entry(2), entry(3)] };
    socket.fire('disconnect', 'transport close');
    socket.fire('connect');
    await vi.waitFor(() => expect(client.getSnapshot().state?.status).toBe('paused'));
    expect(client.getSnapshot().view?.seq).toBe(5);
    expect(client.getSnapshot().timeline.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(drillRequests().filter((r) => r.op === 'follow')).toHaveLength(2);

    client.dispose();
    expect(drillRequests().at(-1)).toEqual({ op: 'unfollow', drillId: 'storm' });
  });

  it('keeps one snapshot object until something changes, and applies pushed events of its drill only', async () => {
    const client = new DrillClient(live, 'storm');
    client.start();
    await vi.waitFor(() => expect(client.getSnapshot().state).not.toBeNull());
    const first = client.getSnapshot();
    expect(client.getSnapshot()).toBe(first);
    const heard = vi.fn();
    client.subscribe(heard);

    const push = (event: DrillEvent) => socket.fire('drill', event);
    push({ type: 'view', drillId: 'other', view: { ...view(1), seq: 9 } });
    push({ type: 'view', drillId: 'storm', view: { ...view(113.3), seq: 1 } });
    expect(client.getSnapshot()).toBe(first);
    expect(heard).not.toHaveBeenCalled();

    push({ type: 'view', drillId: 'storm', view: { ...view(113.3), seq: 2 } });
    push({ type: 'timeline', drillId: 'storm', entry: entry(3) });
    push({ type: 'timeline', drillId: 'storm', entry: entry(2) });
    push({ type: 'timeline', drillId: 'storm', entry: entry(2) });
    push({ type: 'message', drillId: 'storm', item: { id: 'M02', to: 'traffic_police', message: { zh: '积水', en: 'Water' }, simTimeMs: 5000 } });
    push({ type: 'state', state: state({ status: 'frozen' }) });
    const s = client.getSnapshot();
    expect(s).not.toBe(first);
    expect(s.view?.seq).toBe(2);
    expect(s.timeline.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(s.messages.map((m) => m.id)).toEqual(['M02']);
    expect(s.state?.status).toBe('frozen');

    // A new session starts afresh: its own view, no timeline or messages of the last one.
    push({ type: 'state', state: state({ sessionId: 'storm-2', view: { ...view(113.4), seq: 7 } }) });
    expect(client.getSnapshot()).toMatchObject({ timeline: [], messages: [], view: { seq: 7 } });
  });

  it('sends the first view at once and, within 100 ms, only the last one at the end of the interval', () => {
    const client = new DrillClient(live, 'storm');
    const views = () => drillRequests().filter((r) => r.op === 'view') as unknown as { view: DirectorView }[];
    client.setView(view(1));
    expect(views()).toHaveLength(1);
    expect(views()[0].view.sentAt).toBe(1_000_000);
    vi.advanceTimersByTime(30);
    client.setView(view(2));
    client.setView(view(3));
    expect(views()).toHaveLength(1);
    vi.advanceTimersByTime(70);
    expect(views().map((r) => r.view.camera?.lon)).toEqual([1, 3]);
    vi.advanceTimersByTime(500);
    client.setView(view(4));
    expect(views().map((r) => r.view.camera?.lon)).toEqual([1, 3, 4]);
  });

  it('puts a refusal in the snapshot and resolves false', async () => {
    socket.answer = () => ({ ok: false, error: { code: 'drill_frozen', message: 'act: drill storm is frozen' } });
    const client = new DrillClient(live, 'storm');
    expect(await client.act({ type: 'warning', kind: 'rainstorm', level: 'red', message: '红色预警' }, 'M06')).toBe(false);
    expect(client.getSnapshot().error).toEqual({ code: 'drill_frozen', message: 'act: drill storm is frozen' });
    expect(drillRequests().at(-1)).toMatchObject({ op: 'act', mselId: 'M06' });
  });

  it('takes the new session arriving as the answer to a start that timed out', async () => {
    socket.answer = () => ({ ok: false, error: { code: 'timeout', message: 'LiveConnection: drill: no answer from the server within 8 s' } });
    const client = new DrillClient(live, 'storm');
    client.start();
    expect(await client.control('start')).toBe(false);
    expect(client.getSnapshot().error?.code).toBe('timeout');
    socket.fire('drill', { type: 'state', state: state({ sessionId: 'storm-2' }) });
    expect(client.getSnapshot()).toMatchObject({ error: null, state: { sessionId: 'storm-2' } });
  });

  it('follows the director: the run, a jump then flights, layers and the layer pick; a jump again after a reconnect', async () => {
    const client = new DrillClient(live, 'storm');
    const store = createTwinStore();
    client.start();
    const stop = followDirector(client, live, store, { fetchBuilding: async () => null });
    await vi.waitFor(() => expect(live.store.getState().runId).toBe('rainstorm-3'));
    expect(store.getState().cameraCommand).toMatchObject({ kind: 'flyTo', view: { lon: 113.1 }, duration: 0 });

    const pick = { layer: 'traffic', kind: 'link', linkId: 'L12', index: 11 };
    socket.fire('drill', { type: 'view', drillId: 'storm', view: { ...view(113.2, { layers: { traffic: true, buildings: false }, selection: { kind: 'layer', layer: 'traffic', id: 'L12', pick } }), seq: 2 } });
    const now = store.getState();
    expect(now.cameraCommand).toMatchObject({ view: { lon: 113.2 }, duration: 0.8 });
    expect(now.layers.overlays.traffic).toBe(true);
    expect(now.layers.buildings).toBe(false);
    expect(now.layerPick).toEqual(pick);

    answer = { ...answer, view: { ...view(113.5), seq: 4 } };
    socket.fire('disconnect', 'transport close');
    socket.fire('connect');
    await vi.waitFor(() => expect(store.getState().cameraCommand).toMatchObject({ view: { lon: 113.5 }, duration: 0 }));
    stop();
  });

  it('leads from the store: camera, layers and selection as a director view', () => {
    const client = new DrillClient(live, 'storm');
    const store = createTwinStore();
    const stop = leadFromStore(client, store);
    vi.advanceTimersByTime(200);
    store.setCamera(camera(113.3));
    store.setLayer('traffic', true);
    vi.advanceTimersByTime(200);
    const last = (drillRequests().filter((r) => r.op === 'view') as unknown as { view: DirectorView }[]).at(-1)?.view;
    expect(last).toMatchObject({ camera: { lon: 113.3 }, layers: { traffic: true, buildings: true, grid: false }, selection: null });
    stop();
    const picked = createTwinStore();
    picked.pickLayer({ layer: 'air', kind: 'station', id: 'aq-3' });
    expect(viewOf(picked.getState()).selection).toEqual({ kind: 'layer', layer: 'air', id: 'aq-3', pick: { layer: 'air', kind: 'station', id: 'aq-3' } });
  });
});
