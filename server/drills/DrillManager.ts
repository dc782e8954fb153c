/**
 * Live drill sessions: one per drill at a time, each a run of the drill's scenario. Delivers the
 * MSEL items as the run's clock reaches them (the inject on the run, the message to the recipients,
 * a timeline entry), takes the director's controls, view and ad-hoc injects and the operators'
 * actions (matched to MSEL items in actions.ts), adds what the run reports (runWatch.ts) to the
 * timeline and trends, and keeps each session (DrillSession.ts) on disk for the after-action review (review.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEPARTMENT_NAMES, type Department } from '../protocol/access.ts';
import type { Ack } from '../protocol/controls.ts';
import type {
  DirectorView,
  Drill,
  DrillAck,
  DrillAction,
  DrillDetail,
  DrillEvent,
  DrillList,
  DrillReview,
  DrillState,
  DrillText,
  MselItem,
  Recipient,
  TimelineEntry,
} from '../protocol/drills.ts';
import { actorName, type Principal } from '../auth/principal.ts';
import type { Trust } from '../auth/Trust.ts';
import type { RunManager } from '../realtime/RunManager.ts';
import { actionEntry, matchItem } from './actions.ts';
import { deliveries } from './checks.ts';
import { controlEntry, readSessions, sessionInfo, writeSessions, type DrillSession, type TimelineDraft } from './DrillSession.ts';
import { loadDrills } from './loadDrills.ts';
import { sessionReview } from './review.ts';
import { newRunMemory, runChanges, sampleTrends, type RunMemory } from './runWatch.ts';

/** Who a drill event goes to: every follower, the directors, or one department's operators. */
export type DrillAudience = 'all' | 'director' | Department;
export type DrillSink = (drillId: string, audience: DrillAudience, event: DrillEvent) => void;

export interface DrillManagerOptions {
  manager: RunManager;
  /** The audit trail of the controls and actions. */
  trust: Trust;
  /** Sessions are kept in `<dataDir>/drills/<sessionId>.json`; null keeps them in memory only. */
  dataDir: string | null;
  /** The drill folder (the repository's `drills` by default); ignored when `drills` is given. */
  drillsDir?: string;
  /** Already loaded drills (tests). */
  drills?: Drill[];
  /** How often the runs' clocks are looked at, wall ms (250). */
  pollMs?: number;
  /** Trend points are taken each time this much sim time has passed (60 s). */
  seriesEveryMs?: number;
  log?: (line: string) => void;
}

type Refusal = { ok: false; error: { code: string; message: string } };
type Sequenced = DirectorView & { seq: number };

/** What a live session tracks besides what is kept: the next MSEL item, the ad-hoc injects' count, the last trend point, what was seen of the run. */
interface Tracking extends RunMemory {
  nextMsel: number;
  adhoc: number;
  lastSeriesMs: number;
}

const NO_VIEW: Sequenced = { camera: null, layers: {}, selection: null, seq: 0 };
const fail = (code: string, message: string): Refusal => ({ ok: false, error: { code, message } });
const recipientName = (to: Recipient): DrillText => (to === 'director' ? { zh: '导调组', en: 'the director' } : DEPARTMENT_NAMES[to]);

/** Drill sessions of the server. */
export class DrillManager {
  readonly drills: readonly Drill[];
  readonly errors: readonly string[];
  private readonly manager: RunManager;
  private readonly trust: Trust;
  private readonly dir: string | null;
  private readonly seriesEveryMs: number;
  private readonly log: (line: string) => void;
  /** Every session by id, and each drill's latest. */
  private readonly sessions = new Map<string, DrillSession>();
  private readonly latest = new Map<string, DrillSession>();
  private readonly tracking = new Map<string, Tracking>();
  /** The director's view per drill: it carries over from one session to the next. */
  private readonly views = new Map<string, Sequenced>();
  private sink: DrillSink = () => {};
  private readonly dirty = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private readonly flushTimer: NodeJS.Timeout;

  constructor(options: DrillManagerOptions) {
    this.manager = options.manager;
    this.trust = options.trust;
    this.log = options.log ?? (() => {});
    this.seriesEveryMs = options.seriesEveryMs ?? 60_000;
    if (options.drills) {
      this.drills = options.drills;
      this.errors = [];
    } else {
      const loaded = loadDrills(options.drillsDir ?? fileURLToPath(new URL('../../drills', import.meta.url)), this.manager.scenarios, this.manager.registry);
      this.drills = loaded.drills;
      this.errors = loaded.errors;
      for (const e of loaded.errors) this.log(`DrillManager: drill not loaded: ${e}`);
    }
    this.dir = options.dataDir === null ? null : path.join(options.dataDir, 'drills');
    this.restore();
    this.timer = setInterval(() => this.poll(), options.pollMs ?? 250);
    this.timer.unref();
    // Changed sessions reach the disk within a second.
    this.flushTimer = setInterval(() => this.flush(), 1000);
    this.flushTimer.unref();
  }

  /** Sends drill events to `sink` from now on (the socket layer maps audiences to rooms). */
  setSink(sink: DrillSink): void {
    this.sink = sink;
  }

  /** Stops the timers and writes what changed. */
  close(): void {
    clearInterval(this.timer);
    clearInterval(this.flushTimer);
    this.flush();
  }

  /** GET /api/drills. */
  list(): DrillList {
    return {
      drills: this.drills.map((d) => ({ id: d.id, title: d.title, description: d.description, scenario: d.scenario, items: d.msel.length, status: this.latest.get(d.id)?.state.status ?? null })),
      errors: [...this.errors],
    };
  }

  /** GET /api/drills/:id: controller notes only with `notes`. */
  detail(drillId: string, notes: boolean): DrillDetail | undefined {
    const drill = this.drills.find((d) => d.id === drillId);
    if (!drill) return undefined;
    const shown = notes ? drill : { ...drill, msel: drill.msel.map(({ notes: _notes, ...item }) => item) };
    const sessions = [...this.sessions.values()].filter((s) => s.drill.id === drillId).map(sessionInfo).sort((a, b) => b.startedWallMs - a.startedWallMs);
    return { drill: shown, sessions, state: this.latest.get(drillId)?.state ?? null };
  }

  /** What a follower needs now: the latest session's state, the director's view and (with `timeline`) the timeline so far. */
  snapshot(drillId: string, timeline: boolean): Ack<DrillAck> {
    if (!this.drills.some((d) => d.id === drillId)) return this.noDrill(drillId);
    const session = this.latest.get(drillId);
    return { ok: true, result: { state: session?.state ?? null, view: this.views.get(drillId) ?? null, timeline: timeline && session ? [...session.timeline] : [] } };
  }

  /** Director: start (a new session), pause, freeze, resume or end. */
  control(principal: Principal, drillId: string, control: 'start' | 'pause' | 'freeze' | 'resume' | 'end', speed?: number): Ack<DrillAck> {
    const drill = this.drills.find((d) => d.id === drillId);
    if (!drill) return this.noDrill(drillId);
    const result = control === 'start' ? this.start(principal, drill, speed) : this.change(principal, drillId, control, speed);
    this.trust.record(principal, `drill.${control}`, result.ok ? (this.latest.get(drillId)?.state.sessionId ?? drillId) : drillId, result.ok ? 'ok' : 'failed', speed === undefined ? null : { speed });
    return result.ok ? this.snapshot(drillId, false) : result;
  }

  /** Director: what every follower shows. Kept per drill with a growing seq, so it also holds before the first start and across sessions. */
  setView(drillId: string, view: DirectorView): Ack<DrillAck> {
    if (!this.drills.some((d) => d.id === drillId)) return this.noDrill(drillId);
    const next: Sequenced = { ...view, seq: (this.views.get(drillId)?.seq ?? 0) + 1 };
    this.views.set(drillId, next);
    const session = this.latest.get(drillId);
    if (session && session.state.status !== 'ended') {
      session.state = { ...session.state, view: next };
      this.dirty.add(session.state.sessionId);
    }
    this.sink(drillId, 'all', { type: 'view', drillId, view: next });
    return { ok: true, result: { state: session?.state ?? null, view: next, timeline: [] } };
  }

  /** Director: an ad-hoc inject to `to`, with or without an engine inject on the run. */
  adhoc(principal: Principal, drillId: string, to: Recipient, message: string, inject?: { kind: string; params: Record<string, unknown> }): Ack<DrillAck> {
    const session = this.live(drillId, 'adhoc');
    if (!session.ok) return session;
    const s = session.result;
    const track = this.tracking.get(s.state.sessionId) as Tracking;
    if (inject) {
      const applied = this.manager.control(s.state.runId, { action: 'inject', kind: inject.kind, params: inject.params });
      if (!applied.ok) {
        this.trust.record(principal, 'drill.adhoc', s.state.sessionId, 'failed', { to, kind: inject.kind });
        return fail(applied.error.code, `adhoc: inject: ${applied.error.message}`);
      }
    }
    const id = `X${String(++track.adhoc).padStart(2, '0')}`;
    const simTimeMs = this.simTimeOf(s);
    const text = { zh: message, en: message };
    this.deliver(s, { id, to, message: text, simTimeMs });
    this.append(s, {
      simTimeMs,
      kind: 'msel',
      actor: actorName(principal),
      department: null,
      mselId: id,
      text: { zh: `临时注入 ${id} → ${recipientName(to).zh}：${message}`, en: `Ad-hoc inject ${id} → ${recipientName(to).en}: ${message}` },
      action: inject ? { type: 'inject', kind: inject.kind, params: inject.params } : null,
    });
    this.trust.record(principal, 'drill.adhoc', s.state.sessionId, 'ok', { to, ...(inject ? { kind: inject.kind } : {}) });
    return this.snapshot(drillId, false);
  }

  /**
   * An operator's (or the director's) action: an inject on the drill's run, or a public warning.
   * Refused while the drill is frozen ('drill_frozen') or over. It answers `mselId` when given (a
   * delivered item), else the earliest delivered item not yet answered whose expected action it is.
   * The caller has checked that the principal may make it (drillRefusal).
   */
  act(principal: Principal, drillId: string, action: DrillAction, mselId?: string): Ack<DrillAck> {
    const session = this.live(drillId, 'act');
    if (!session.ok) return session;
    const s = session.result;
    const who = actorName(principal);
    if (s.state.status === 'frozen') {
      this.trust.record(principal, 'drill.act', s.state.sessionId, 'denied', { frozen: true });
      return fail('drill_frozen', `act: drill ${drillId} is frozen (an exercise freeze): actions wait until the director resumes it`);
    }
    const delivered = deliveries(s.timeline);
    if (mselId !== undefined && !delivered.has(mselId)) {
      return fail('bad_request', `act: mselId: no item of session ${s.state.sessionId} has been delivered with id ${JSON.stringify(mselId)} (delivered: ${[...delivered.keys()].join(', ') || 'none'})`);
    }
    if (action.type === 'inject') {
      const applied = this.manager.control(s.state.runId, { action: 'inject', kind: action.kind, params: action.params });
      if (!applied.ok) {
        this.trust.record(principal, 'drill.act', s.state.sessionId, 'failed', { kind: action.kind });
        return fail(applied.error.code, `act: action: ${applied.error.message}`);
      }
    }
    const department = principal.department;
    const answers = mselId ?? matchItem(s, action, department, delivered);
    const simTimeMs = this.simTimeOf(s);
    if (action.type === 'warning') {
      const warnings = [...s.state.warnings.filter((w) => w.kind !== action.kind), { kind: action.kind, level: action.level, message: action.message, simTimeMs, by: who }];
      this.setState(s, { warnings });
    }
    this.append(s, actionEntry(action, department, who, answers, simTimeMs));
    this.trust.record(principal, 'drill.act', s.state.sessionId, 'ok', action.type === 'inject' ? { kind: action.kind, params: action.params, mselId: answers } : { warning: action.kind, level: action.level, mselId: answers });
    return this.snapshot(drillId, false);
  }

  /** The after-action review of a session (live or over, from memory or disk). */
  review(sessionId: string): DrillReview | undefined {
    const s = this.sessions.get(sessionId);
    if (!s) return undefined;
    const nowMs = s.state.status === 'ended' ? s.state.simTimeMs : this.simTimeOf(s);
    return sessionReview(s, nowMs);
  }

  /** Looks at every live session's run: status, MSEL items due, incidents, trends. Public for tests. */
  poll(): void {
    for (const s of this.latest.values()) {
      if (s.state.status === 'ended') continue;
      const run = this.manager.get(s.state.runId);
      if (!run || run.state.status === 'stopped' || run.state.status === 'finished') {
        if (run) s.state.simTimeMs = run.state.simTimeMs;
        this.finish(s, run ? { zh: '情景运行结束，演练结束', en: 'The scenario ran to its end: the drill is over' } : { zh: '演练所用的运行已不存在，演练结束', en: "The drill's run is gone: the drill is over" });
        continue;
      }
      // Nobody need watch the run's stream for it to stay open while the drill goes on.
      this.manager.touch(s.state.runId);
      // A run still warming up stands at time 0 and takes no injects: the MSEL waits until it plays.
      if (run.state.status === 'starting') continue;
      const simTimeMs = run.state.simTimeMs;
      s.state = { ...s.state, simTimeMs };
      if (run.state.status === 'playing' && s.state.status === 'paused') this.setState(s, { status: 'running' });
      else if (run.state.status === 'paused' && s.state.status === 'running') this.setState(s, { status: 'paused' });
      const track = this.tracking.get(s.state.sessionId) as Tracking;
      while (track.nextMsel < s.drill.msel.length && s.drill.msel[track.nextMsel].atMs <= simTimeMs) this.deliverItem(s, s.drill.msel[track.nextMsel++]);
      for (const entry of runChanges(this.manager, s.state.runId, track)) this.append(s, entry);
      if (simTimeMs - track.lastSeriesMs >= this.seriesEveryMs || track.lastSeriesMs < 0) {
        track.lastSeriesMs = simTimeMs;
        sampleTrends(this.manager, s, simTimeMs);
      }
      this.dirty.add(s.state.sessionId);
    }
  }

  // ---------------------------------------------------------------- sessions

  private start(principal: Principal, drill: Drill, speed: number | undefined): Ack<null> {
    const current = this.latest.get(drill.id);
    if (current && current.state.status !== 'ended') return fail('drill_running', `control: drill ${drill.id} is already under way (session ${current.state.sessionId}): end it first`);
    const director = actorName(principal);
    const wanted = speed ?? drill.speed;
    const made = this.manager.createRun({ scenarioId: drill.scenario }, { owner: principal.kind === 'user' ? principal.username : null, speed: wanted });
    if (!made.ok) return fail(made.error.code, `control: start: ${made.error.message}`);
    const runId = made.result.runId;
    const run = this.manager.get(runId);
    let n = 1;
    while (this.sessions.has(`${drill.id}-${n}`)) n++;
    const sessionId = `${drill.id}-${n}`;
    const session: DrillSession = {
      drill,
      state: {
        drillId: drill.id,
        sessionId,
        title: drill.title,
        status: 'running',
        runId,
        director,
        speed: wanted,
        startedWallMs: Date.now(),
        simTimeMs: made.result.simTimeMs,
        startEpochMs: run?.startEpochMs ?? 0,
        view: this.views.get(drill.id) ?? NO_VIEW,
        delivered: [],
        warnings: [],
      },
      timeline: [],
      endedWallMs: null,
      recordingId: run?.storeRunId ?? null,
      series: {},
    };
    this.sessions.set(sessionId, session);
    this.latest.set(drill.id, session);
    this.tracking.set(sessionId, { nextMsel: 0, adhoc: 0, lastSeriesMs: -1, ...newRunMemory() });
    this.sink(drill.id, 'all', { type: 'state', state: session.state });
    this.append(session, controlEntry(session, director, { zh: `演练开始（${wanted} 倍速）`, en: `Drill started (×${wanted})` }));
    this.log(`DrillManager: ${director} started ${sessionId} on run ${runId}`);
    return { ok: true, result: null };
  }

  private change(principal: Principal, drillId: string, control: 'pause' | 'freeze' | 'resume' | 'end', speed: number | undefined): Ack<null> {
    const session = this.live(drillId, 'control');
    if (!session.ok) return session;
    const s = session.result;
    const who = actorName(principal);
    const runId = s.state.runId;
    if (control === 'end') {
      this.manager.control(runId, { action: 'stop' });
      this.finish(s, { zh: `${who} 结束演练`, en: `${who} ended the drill` }, who);
      return { ok: true, result: null };
    }
    if (control === 'resume' && speed !== undefined) {
      const set = this.manager.control(runId, { action: 'speed', factor: speed });
      if (!set.ok) return fail(set.error.code, `control: speed: ${set.error.message}`);
    }
    const applied = this.manager.control(runId, { action: control === 'resume' ? 'play' : 'pause' });
    if (!applied.ok) return fail(applied.error.code, `control: ${control}: ${applied.error.message}`);
    const status = control === 'resume' ? 'running' : control === 'freeze' ? 'frozen' : 'paused';
    this.setState(s, { status, simTimeMs: this.simTimeOf(s), ...(speed !== undefined && control === 'resume' ? { speed } : {}) });
    const text: Record<typeof control, DrillText> = {
      pause: { zh: '演练暂停', en: 'Drill paused' },
      freeze: { zh: '演练冻结：各单位停止行动，等待导调指令', en: 'Exercise freeze: all players stop and wait for the director' },
      resume: { zh: speed === undefined ? '演练继续' : `演练继续（${speed} 倍速）`, en: speed === undefined ? 'Drill resumed' : `Drill resumed (×${speed})` },
    };
    this.append(s, controlEntry(s, who, text[control]));
    return { ok: true, result: null };
  }

  /** Ends a session: the last look at the run, the entry, the state to everyone, and to disk now. */
  private finish(s: DrillSession, text: DrillText, who = 'system'): void {
    s.endedWallMs = Date.now();
    this.setState(s, { status: 'ended' });
    this.append(s, controlEntry(s, who, text));
    this.tracking.delete(s.state.sessionId);
    this.flush();
  }

  /** The drill's latest session when it is under way, else a refusal naming why. */
  private live(drillId: string, op: string): Ack<DrillSession> {
    if (!this.drills.some((d) => d.id === drillId)) return this.noDrill(drillId);
    const s = this.latest.get(drillId);
    if (!s) return fail('not_started', `${op}: drill ${drillId} has not been started`);
    if (s.state.status === 'ended') return fail('drill_ended', `${op}: drill ${drillId}'s session ${s.state.sessionId} is over: start it again for a new session`);
    return { ok: true, result: s };
  }

  private noDrill(drillId: string): Refusal {
    return fail('not_found', `drill: no drill ${JSON.stringify(drillId)} (drills: ${this.drills.map((d) => d.id).join(', ') || 'none'})`);
  }

  private simTimeOf(s: DrillSession): number {
    return this.manager.get(s.state.runId)?.state.simTimeMs ?? s.state.simTimeMs;
  }

  private setState(s: DrillSession, patch: Partial<DrillState>): void {
    s.state = { ...s.state, ...patch };
    this.dirty.add(s.state.sessionId);
    this.sink(s.drill.id, 'all', { type: 'state', state: s.state });
  }

  private append(s: DrillSession, entry: TimelineDraft): void {
    const full: TimelineEntry = { seq: s.timeline.length + 1, wallMs: Date.now(), ...entry };
    s.timeline.push(full);
    this.dirty.add(s.state.sessionId);
    this.sink(s.drill.id, 'all', { type: 'timeline', drillId: s.drill.id, entry: full });
  }

  // ---------------------------------------------------------------- MSEL delivery

  /** An MSEL item's time has come: its inject on the run, its message, its timeline entry. */
  private deliverItem(s: DrillSession, item: MselItem): void {
    const simTimeMs = this.simTimeOf(s);
    if (item.inject) {
      const applied = this.manager.control(s.state.runId, { action: 'inject', kind: item.inject.kind, params: item.inject.params });
      if (!applied.ok) {
        this.log(`DrillManager: ${s.state.sessionId} ${item.id}: inject ${item.inject.kind} refused: ${applied.error.message}`);
        this.append(s, { simTimeMs, kind: 'alert', actor: 'system', department: null, mselId: item.id, text: { zh: `${item.id} 的注入未生效：${applied.error.message}`, en: `${item.id}'s inject failed: ${applied.error.message}` }, action: null });
      }
    }
    this.deliver(s, { id: item.id, to: item.to, ...(item.from ? { from: item.from } : {}), message: item.message, simTimeMs, ...(item.expected ? { expected: item.expected } : {}) });
    const from = item.from ? `${item.from.zh} → ` : '';
    const fromEn = item.from ? `${item.from.en} → ` : '';
    this.append(s, {
      simTimeMs,
      kind: 'msel',
      actor: 'system',
      department: item.to === 'director' ? null : item.to,
      mselId: item.id,
      text: { zh: `${item.id}（${item.at}）${from}${recipientName(item.to).zh}：${item.message.zh}`, en: `${item.id} (${item.at}) ${fromEn}${recipientName(item.to).en}: ${item.message.en}` },
      action: item.inject ? { type: 'inject', kind: item.inject.kind, params: item.inject.params } : null,
    });
  }

  /** A message to its recipients (a department's operators) and, always, to the directors. */
  private deliver(s: DrillSession, item: Extract<DrillEvent, { type: 'message' }>['item']): void {
    this.setState(s, { delivered: [...s.state.delivered, item.id] });
    const event: DrillEvent = { type: 'message', drillId: s.drill.id, item };
    this.sink(s.drill.id, 'director', event);
    if (item.to !== 'director') this.sink(s.drill.id, item.to, event);
  }

  // ---------------------------------------------------------------- disk

  /** Writes the sessions changed since the last flush. */
  private flush(): void {
    if (!this.dir) {
      this.dirty.clear();
      return;
    }
    if (this.dirty.size === 0) return;
    writeSessions(this.dir, [...this.dirty].flatMap((id) => this.sessions.get(id) ?? []), this.log);
    this.dirty.clear();
  }

  /** Reads the kept sessions; one that was under way when the server stopped is over (its run is gone). */
  private restore(): void {
    if (!this.dir) return;
    const { sessions, changed } = readSessions(this.dir, this.log);
    for (const id of changed) this.dirty.add(id);
    for (const s of sessions) {
      this.sessions.set(s.state.sessionId, s);
      const before = this.latest.get(s.drill.id);
      if (!before || before.state.startedWallMs <= s.state.startedWallMs) this.latest.set(s.drill.id, s);
      const view = this.views.get(s.drill.id);
      if (!view || view.seq < s.state.view.seq) this.views.set(s.drill.id, s.state.view);
    }
  }
}
