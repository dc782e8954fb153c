import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrillManager } from '../../../server/drills/DrillManager.ts';
import type { DrillDetail, DrillEvent, DrillList, DrillReview, DrillState } from '../../../server/protocol/drills.ts';
import { signInAs } from '../../helpers/signIn.ts';
import { api, waitFor } from '../realtime/realtimeHarness.ts';
import { drillSocket, startDrillServer, type DrillServer, type DrillSocket } from './drillHarness.ts';

let t: DrillServer;
const cookies: Record<string, string> = {};
let director: DrillSocket;
let viewer: DrillSocket;
let emergency: DrillSocket;
let traffic: DrillSocket;

beforeAll(async () => {
  t = await startDrillServer();
  cookies.director = await signInAs(t.server, 'director');
  cookies.viewer = await signInAs(t.server, 'viewer');
  cookies.emergency = await signInAs(t.server, 'operator', { department: 'emergency_management' });
  cookies.traffic = await signInAs(t.server, 'operator', { department: 'traffic_police' });
  cookies.auditor = await signInAs(t.server, 'auditor');
  director = drillSocket(t.url, cookies.director);
  viewer = drillSocket(t.url, cookies.viewer);
  emergency = drillSocket(t.url, cookies.emergency);
  traffic = drillSocket(t.url, cookies.traffic);
});
afterAll(async () => {
  for (const s of [director, viewer, emergency, traffic]) s?.socket.disconnect();
  await t?.close();
});

const messages = (s: DrillSocket): string[] => s.events.flatMap((e) => (e.type === 'message' ? [e.item.id] : []));
const lastState = (s: DrillSocket): DrillState | undefined => s.events.flatMap((e) => (e.type === 'state' ? [e.state] : [])).at(-1);
const lastView = (s: DrillSocket): number => Math.max(0, ...s.events.flatMap((e) => (e.type === 'view' ? [e.view.seq] : [])));
const camera = (lon: number) => ({ lon, lat: 33.7, height: 1500, heading: 0, pitch: -0.6 });

describe('a drill over the socket', () => {
  it('lists the drill before it starts, and follow answers with no session yet', async () => {
    const list = await api(t.url, 'GET', '/api/drills', undefined, cookies.viewer);
    expect(list.status).toBe(200);
    expect((list.body as unknown as DrillList).drills).toEqual([expect.objectContaining({ id: 'exercise', items: 3, status: null })]);
    for (const s of [director, viewer, emergency, traffic]) {
      const ack = await s.drill({ op: 'follow', drillId: 'exercise' });
      expect(ack).toEqual({ ok: true, result: { state: null, view: null, timeline: [] } });
    }
  });

  it('lets only a director control it', async () => {
    for (const s of [viewer, emergency]) {
      const ack = await s.drill({ op: 'control', drillId: 'exercise', control: 'start' });
      expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('only a drill director may') } });
    }
    const http = await api(t.url, 'POST', '/api/drills/exercise/control', { control: 'start' }, cookies.viewer);
    expect(http.status).toBe(403);
  });

  it('starts a session on a run of the scenario, the director leads and a late follower catches up at once', async () => {
    const started = await director.drill({ op: 'control', drillId: 'exercise', control: 'start' });
    expect(started.ok).toBe(true);
    const state = started.ok ? started.result.state : null;
    expect(state).toMatchObject({ drillId: 'exercise', sessionId: 'exercise-1', status: 'running', director: 'test-director', speed: 60 });
    expect(t.server.realtime?.manager.get(state?.runId ?? '')?.owner).toBe('test-director');

    for (const lon of [113.19, 113.2]) {
      const ack = await director.drill({ op: 'view', drillId: 'exercise', view: { camera: camera(lon), layers: { traffic: true }, selection: { kind: 'building', id: 'B000001' } } });
      expect(ack.ok).toBe(true);
    }
    await waitFor(() => lastView(viewer) === 2, 'the follower to get both views');
    expect(lastState(viewer)?.sessionId).toBe('exercise-1');

    const late = drillSocket(t.url, cookies.viewer);
    try {
      const ack = await late.drill({ op: 'follow', drillId: 'exercise' });
      if (!ack.ok) throw new Error(ack.error.message);
      expect(ack.result.view).toMatchObject({ seq: 2, camera: { lon: 113.2 } });
      expect(ack.result.state).toMatchObject({ sessionId: 'exercise-1', status: 'running', view: { seq: 2 } });
      expect(ack.result.timeline[0]).toMatchObject({ kind: 'control', actor: 'test-director' });
      await director.drill({ op: 'view', drillId: 'exercise', view: { camera: camera(113.21), layers: {}, selection: null } });
      await waitFor(() => lastView(late) === 3 && lastView(viewer) === 3, 'both followers to get the third view');
    } finally {
      late.socket.disconnect();
    }
  });

  it('delivers each MSEL item to its department and the director only', async () => {
    await waitFor(() => messages(emergency).includes('M01') && messages(traffic).includes('M02'), 'the operators to get their items', 30_000);
    expect(messages(emergency)).toEqual(['M01']);
    expect(messages(traffic)).toEqual(['M02']);
    expect(messages(viewer)).toEqual([]);
    await waitFor(() => messages(director).length === 2, 'the director to get both');
    const m01 = director.events.find((e): e is Extract<DrillEvent, { type: 'message' }> => e.type === 'message' && e.item.id === 'M01');
    expect(m01?.item).toMatchObject({ from: { zh: '119 指挥中心' }, expected: { action: 'emergency.evacuate', withinMs: 600_000 } });
  });

  it('takes an operator action of their department, matched to the item it answers', async () => {
    const ack = await emergency.drill({ op: 'act', drillId: 'exercise', action: { type: 'inject', kind: 'emergency.evacuate', params: { zone: { x: 0, y: 0, radiusM: 200 } } } });
    expect(ack.ok).toBe(true);
    await waitFor(() => viewer.events.some((e) => e.type === 'timeline' && e.entry.kind === 'action'), 'the action in the followers’ timeline');
  });

  it('refuses an inject kind of another department, naming it', async () => {
    const ack = await traffic.drill({ op: 'act', drillId: 'exercise', action: { type: 'inject', kind: 'emergency.evacuate', params: { zone: { x: 0, y: 0, radiusM: 200 } } } });
    expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('may not make emergency.evacuate') } });
  });

  it('answers bad requests with errors naming the field and value, and carries on', async () => {
    const noKind = await emergency.drill({ op: 'act', drillId: 'exercise', action: { type: 'inject', params: {} } });
    expect(noKind).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('action.kind') } });
    const badOp = await viewer.drill({ op: 'launch', drillId: 'exercise' });
    expect(badOp).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/op.*launch/) } });
    const badParams = await emergency.drill({ op: 'act', drillId: 'exercise', action: { type: 'inject', kind: 'emergency.evacuate', params: { zone: { x: 0 } } } });
    expect(badParams).toMatchObject({ ok: false, error: { message: expect.stringContaining('zone') } });
    const badItem = await emergency.drill({ op: 'act', drillId: 'exercise', mselId: 'M99', action: { type: 'warning', kind: 'flood', level: 'blue', message: '注意' } });
    expect(badItem).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('"M99"') } });
    const unknown = await viewer.drill({ op: 'follow', drillId: 'no-such-drill' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await viewer.drill({ op: 'follow', drillId: 'exercise' })).ok).toBe(true);
  });

  it('refuses actions while frozen and takes them again after resume', async () => {
    // Late on purpose: M02 allows 30 sim seconds, a half wall second at ×60.
    await new Promise((r) => setTimeout(r, 1200));
    expect((await director.drill({ op: 'control', drillId: 'exercise', control: 'freeze' })).ok).toBe(true);
    await waitFor(() => lastState(traffic)?.status === 'frozen', 'the frozen state to reach the operator');
    const warning = { type: 'warning', kind: 'rainstorm', level: 'red', message: '暴雨红色预警' };
    const frozen = await traffic.drill({ op: 'act', drillId: 'exercise', action: warning });
    expect(frozen).toMatchObject({ ok: false, error: { code: 'drill_frozen' } });
    expect((await director.drill({ op: 'control', drillId: 'exercise', control: 'resume' })).ok).toBe(true);
    const done = await traffic.drill({ op: 'act', drillId: 'exercise', action: warning });
    expect(done.ok).toBe(true);
    expect(done.ok && done.result.state?.warnings).toEqual([expect.objectContaining({ kind: 'rainstorm', level: 'red', by: 'op-traffic-police' })]);
  });

  it('reviews the session: actions with who and department, checks met and late', async () => {
    const review = await api(t.url, 'GET', '/api/drills/sessions/exercise-1/review', undefined, cookies.viewer);
    expect(review.status).toBe(200);
    const body = review.body as unknown as DrillReview;
    const actions = body.timeline.filter((e) => e.kind === 'action' || e.kind === 'warning');
    expect(actions).toEqual([
      expect.objectContaining({ kind: 'action', actor: 'op-emergency-management', department: 'emergency_management', mselId: 'M01' }),
      expect.objectContaining({ kind: 'warning', actor: 'op-traffic-police', department: 'traffic_police', mselId: 'M02' }),
    ]);
    expect(body.checks.map((c) => [c.mselId, c.status])).toEqual([
      ['M01', 'met'],
      ['M02', 'late'],
      ['M03', 'not_reached'],
    ]);
    expect(body.figures).toMatchObject({ met: 1, late: 1, notReached: 1 });
    expect(body.session).toMatchObject({ sessionId: 'exercise-1', director: 'test-director', recordingId: expect.any(Number) });
    expect(body.timeline.some((e) => e.kind === 'level' && e.text.en.includes('New incident'))).toBe(true);

    const audit = await api(t.url, 'GET', '/api/audit?action=drill.act', undefined, cookies.auditor);
    const records = (audit.body as { records: { actor: string; result: string }[] }).records;
    expect(records.filter((r) => r.result === 'ok').map((r) => r.actor).sort()).toEqual(['op-emergency-management', 'op-traffic-police']);
    expect(records.some((r) => r.result === 'denied')).toBe(true);
  });

  it('shows controller notes to directors only', async () => {
    const asOperator = (await api(t.url, 'GET', '/api/drills/exercise', undefined, cookies.emergency)).body as unknown as DrillDetail;
    const asDirector = (await api(t.url, 'GET', '/api/drills/exercise', undefined, cookies.director)).body as unknown as DrillDetail;
    expect(asOperator.drill.msel[0].notes).toBeUndefined();
    expect(asDirector.drill.msel[0].notes).toEqual({ zh: '导调备注', en: 'Controller note' });
    expect(asDirector.sessions).toEqual([expect.objectContaining({ sessionId: 'exercise-1', status: 'running' })]);
  });

  it('ends over HTTP, keeps the session on disk for a restart, and starts a new session after', async () => {
    const ended = await api(t.url, 'POST', '/api/drills/exercise/control', { control: 'end' }, cookies.director);
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ state: { status: 'ended' } });
    await waitFor(() => lastState(viewer)?.status === 'ended', 'the end to reach the follower');
    const after = await traffic.drill({ op: 'act', drillId: 'exercise', action: { type: 'warning', kind: 'flood', level: 'blue', message: '注意' } });
    expect(after).toMatchObject({ ok: false, error: { code: 'drill_ended' } });

    const file = path.join(t.dataDir, 'drills', 'exercise-1.json');
    expect(fs.existsSync(file)).toBe(true);
    const server = t.server;
    const restarted = new DrillManager({ manager: server.realtime!.manager, trust: server.trust, dataDir: t.dataDir, drills: [...server.drills!.drills] });
    try {
      const review = restarted.review('exercise-1');
      expect(review?.session.status).toBe('ended');
      expect(review?.checks.map((c) => c.status)).toEqual(['met', 'late', 'not_reached']);
      expect(restarted.list().drills[0].status).toBe('ended');
    } finally {
      restarted.close();
    }

    const again = await director.drill({ op: 'control', drillId: 'exercise', control: 'start', speed: 30 });
    expect(again.ok && again.result.state).toMatchObject({ sessionId: 'exercise-2', status: 'running', speed: 30 });
    const bad = await api(t.url, 'POST', '/api/drills/exercise/control', { control: 'launch' }, cookies.director);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('control');
    await director.drill({ op: 'control', drillId: 'exercise', control: 'end' });
  });
});
