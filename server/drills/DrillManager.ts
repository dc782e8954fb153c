/**
 * Live drill sessions: one per drill at a time, each a run of the drill's scenario. Delivers the
 * MSEL items as the run's clock reaches them (the inject on the run, the message to the recipients,
 * a timeline entry), takes the director's controls, view and ad-hoc injects and the operators'
 * actions, notes arrivals and level changes of the run's incidents, and keeps each session (state,
 * timeline, trends) on disk for the after-action review.
 */
import fs from 'node:fs';
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
  DrillSessionInfo,
  DrillState,
  DrillText,
  MselItem,
  Recipient,
  TimelineEntry,
} from '../protocol/drills.ts';
import type { EmergencySummary } from '../protocol/EmergencySummary.ts';
import { actorName, type Principal } from '../auth/principal.ts';
import type { Trust } from '../auth/Trust.ts';
import type { RunManager } from '../realtime/RunManager.ts';
import { actionMatches, checkExpectations, checkFigures, deliveries, expectedDepartment } from './checks.ts';
import { loadDrills } from './loadDrills.ts';

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

/** What is kept of a session, in memory and on disk. */
interface Session {
  drill: Drill;
  state: DrillState;
  timeline: TimelineEntry[];
  endedWallMs: number | null;
  recordingId: number | null;
  series: Record<string, { simTimeMs: number; value: number }[]>;
}

/** What a live session tracks besides what is kept. */
interface Tracking {
  nextMsel: number;
  adhoc: number;
  lastSeriesMs: number;
  units: Map<string, string>;
  levels: Map<string, string>;
  rainWarning: string | null;
}

const NO_VIEW: Sequenced = { camera: null, layers: {}, selection: null, seq: 0 };
const UNIT_DEPARTMENT: Record<string, Department> = { fire: 'fire_rescue', ambulance: 'health', police: 'traffic_police' };
const RAIN_WARNING_NAMES: Record<string, DrillText> = {
  blue: { zh: '暴雨蓝色预警', en: 'blue rainstorm warning' },
  yellow: { zh: '暴雨黄色预警', en: 'yellow rainstorm warning' },
  orange: { zh: '暴雨橙色预警', en: 'orange rainstorm warning' },
  red: { zh: '暴雨红色预警', en: 'red rainstorm warning' },
};
const WARNING_LEVEL_NAMES: Record<string, DrillText> = {
  blue: { zh: '蓝色', en: 'blue' },
  yellow: { zh: '黄色', en: 'yellow' },
  orange: { zh: '橙色', en: 'orange' },
  red: { zh: '红色', en: 'red' },
};

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
  private readonly sessions = new Map<string, Session>();
  private readonly latest = new Map<string, Session>();
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
    const answers = mselId ?? this.matchItem(s, action, department, delivered);
    const simTimeMs = this.simTimeOf(s);
    if (action.type === 'warning') {
      const warnings = [...s.state.warnings.filter((w) => w.kind !== action.kind), { kind: action.kind, level: action.level, message: action.message, simTimeMs, by: who }];
      this.setState(s, { warnings });
    }
    const unit = department ? DEPARTMENT_NAMES[department] : { zh: '导调', en: 'director' };
    this.append(s, {
      simTimeMs,
      kind: action.type === 'warning' ? 'warning' : 'action',
      actor: who,
      department,
      mselId: answers,
      text: actionText(action, unit, who),
      action,
    });
    this.trust.record(principal, 'drill.act', s.state.sessionId, 'ok', action.type === 'inject' ? { kind: action.kind, params: action.params, mselId: answers } : { warning: action.kind, level: action.level, mselId: answers });
    return this.snapshot(drillId, false);
  }

  /** The after-action review of a session (live or over, from memory or disk). */
  review(sessionId: string): DrillReview | undefined {
    const s = this.sessions.get(sessionId);
    if (!s) return undefined;
    const nowMs = s.state.status === 'ended' ? s.state.simTimeMs : this.simTimeOf(s);
    const checks = checkExpectations(s.drill.msel, s.timeline, nowMs, s.state.status === 'ended');
    const peak = (name: string): number | null => (s.series[name]?.length ? Math.max(...s.series[name].map((p) => p.value)) : null);
    const figures: Record<string, number | null> = {
      ...checkFigures(checks),
      injects: s.timeline.filter((e) => e.kind === 'msel').length,
      actions: s.timeline.filter((e) => e.kind === 'action' || e.kind === 'warning').length,
      arrivals: s.timeline.filter((e) => e.kind === 'arrival').length,
      durationS: Math.round(nowMs / 1000),
      peakTrafficIndex: peak('trafficIndex'),
      peakAqi: peak('aqi'),
      peakWaterDepthM: peak('maxDepthM'),
      peakClosedLinks: peak('closedLinks'),
      peakIncidents: peak('incidents'),
      casualties: s.series.casualties?.at(-1)?.value ?? null,
    };
    const { drill, state } = s;
    return {
      drill: { id: drill.id, title: drill.title, description: drill.description, scenario: drill.scenario, objectives: drill.objectives },
      session: { ...sessionInfo(s), startEpochMs: state.startEpochMs, simTimeMs: nowMs },
      timeline: [...s.timeline],
      checks,
      figures,
      series: s.series,
    };
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
      this.watchRun(s, track);
      if (simTimeMs - track.lastSeriesMs >= this.seriesEveryMs || track.lastSeriesMs < 0) {
        track.lastSeriesMs = simTimeMs;
        this.sample(s, simTimeMs);
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
    const session: Session = {
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
    this.tracking.set(sessionId, { nextMsel: 0, adhoc: 0, lastSeriesMs: -1, units: new Map(), levels: new Map(), rainWarning: null });
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
  private finish(s: Session, text: DrillText, who = 'system'): void {
    s.endedWallMs = Date.now();
    this.setState(s, { status: 'ended' });
    this.append(s, controlEntry(s, who, text));
    this.tracking.delete(s.state.sessionId);
    this.flush();
  }

  /** The drill's latest session when it is under way, else a refusal naming why. */
  private live(drillId: string, op: string): Ack<Session> {
    if (!this.drills.some((d) => d.id === drillId)) return this.noDrill(drillId);
    const s = this.latest.get(drillId);
    if (!s) return fail('not_started', `${op}: drill ${drillId} has not been started`);
    if (s.state.status === 'ended') return fail('drill_ended', `${op}: drill ${drillId}'s session ${s.state.sessionId} is over: start it again for a new session`);
    return { ok: true, result: s };
  }

  private noDrill(drillId: string): Refusal {
    return fail('not_found', `drill: no drill ${JSON.stringify(drillId)} (drills: ${this.drills.map((d) => d.id).join(', ') || 'none'})`);
  }

  private simTimeOf(s: Session): number {
    return this.manager.get(s.state.runId)?.state.simTimeMs ?? s.state.simTimeMs;
  }

  private setState(s: Session, patch: Partial<DrillState>): void {
    s.state = { ...s.state, ...patch };
    this.dirty.add(s.state.sessionId);
    this.sink(s.drill.id, 'all', { type: 'state', state: s.state });
  }

  private append(s: Session, entry: Omit<TimelineEntry, 'seq' | 'wallMs'>): void {
    const full: TimelineEntry = { seq: s.timeline.length + 1, wallMs: Date.now(), ...entry };
    s.timeline.push(full);
    this.dirty.add(s.state.sessionId);
    this.sink(s.drill.id, 'all', { type: 'timeline', drillId: s.drill.id, entry: full });
  }

  // ---------------------------------------------------------------- MSEL and the run

  /** An MSEL item's time has come: its inject on the run, its message, its timeline entry. */
  private deliverItem(s: Session, item: MselItem): void {
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
  private deliver(s: Session, item: Extract<DrillEvent, { type: 'message' }>['item']): void {
    this.setState(s, { delivered: [...s.state.delivered, item.id] });
    const event: DrillEvent = { type: 'message', drillId: s.drill.id, item };
    this.sink(s.drill.id, 'director', event);
    if (item.to !== 'director') this.sink(s.drill.id, item.to, event);
  }

  /** The earliest delivered item not yet answered whose expected action this is, by this department. */
  private matchItem(s: Session, action: DrillAction, department: Department | null, delivered: Map<string, number>): string | null {
    const answered = new Set(s.timeline.filter((e) => (e.kind === 'action' || e.kind === 'warning') && e.mselId !== null).map((e) => e.mselId));
    const candidates = s.drill.msel.filter((item) => {
      if (!item.expected || !delivered.has(item.id) || answered.has(item.id)) return false;
      const by = expectedDepartment(item);
      return (by === null || by === department) && actionMatches(item.expected.action, action);
    });
    candidates.sort((a, b) => (delivered.get(a.id) as number) - (delivered.get(b.id) as number));
    return candidates[0]?.id ?? null;
  }

  /** Arrivals, new incidents, level changes and the rainstorm warning, from the run's summaries since the last look. */
  private watchRun(s: Session, track: Tracking): void {
    const emergency = this.manager.emergency(s.state.runId);
    if (emergency.ok) this.watchIncidents(s, track, emergency.result.summary);
    const flood = this.manager.flood(s.state.runId);
    const warning = flood.ok ? flood.result.warning : null;
    if (warning !== track.rainWarning) {
      track.rainWarning = warning;
      if (warning) {
        const name = RAIN_WARNING_NAMES[warning];
        this.append(s, { simTimeMs: flood.ok ? flood.result.simTimeMs : this.simTimeOf(s), kind: 'alert', actor: 'system', department: null, mselId: null, text: { zh: `雨量已达${name.zh}标准`, en: `The rain has reached the ${name.en} threshold` }, action: null });
      }
    }
  }

  private watchIncidents(s: Session, track: Tracking, summary: EmergencySummary): void {
    for (const incident of summary.incidents) {
      const before = track.levels.get(incident.id);
      if (before === undefined) {
        this.append(s, { simTimeMs: incident.startedAtMs, kind: 'level', actor: 'system', department: null, mselId: null, text: { zh: `新事件：${incident.name.zh}（${incident.id}），响应等级 ${incident.level} 级`, en: `New incident: ${incident.name.en} (${incident.id}), response level ${incident.level}` }, action: null });
      } else if (before !== incident.level) {
        this.append(s, { simTimeMs: summary.simTimeMs, kind: 'level', actor: 'system', department: null, mselId: null, text: { zh: `${incident.name.zh} 响应等级 ${before} 级 → ${incident.level} 级`, en: `${incident.name.en}: response level ${before} → ${incident.level}` }, action: null });
      }
      track.levels.set(incident.id, incident.level);
      for (const unit of incident.units) {
        const key = `${incident.id}/${unit.id}`;
        const was = track.units.get(key);
        track.units.set(key, unit.state);
        if (unit.state === 'onScene' && was !== 'onScene' && unit.arrivedAtMs !== null && was !== 'toHospital' && was !== 'done') {
          const minutes = ((unit.arrivedAtMs - unit.dispatchedAtMs) / 60_000).toFixed(1);
          this.append(s, {
            simTimeMs: unit.arrivedAtMs,
            kind: 'arrival',
            actor: 'system',
            department: UNIT_DEPARTMENT[unit.kind] ?? null,
            mselId: null,
            text: { zh: `${unit.stationName.zh} ${unit.id} 到达 ${incident.name.zh}（出动后 ${minutes} 分钟）`, en: `${unit.stationName.en} ${unit.id} arrived at ${incident.name.en} (${minutes} min after dispatch)` },
            action: null,
          });
        }
      }
    }
  }

  /** One point of each trend the review charts: traffic index, AQI, water, closed roads, incidents, casualties. */
  private sample(s: Session, simTimeMs: number): void {
    const runId = s.state.runId;
    const add = (name: string, value: number | undefined): void => {
      if (value === undefined || !Number.isFinite(value)) return;
      (s.series[name] ??= []).push({ simTimeMs, value });
    };
    add('trafficIndex', this.manager.trafficSummary(runId)?.index);
    add('aqi', this.manager.airSummary(runId)?.aqi);
    const flood = this.manager.flood(runId);
    if (flood.ok) {
      add('maxDepthM', flood.result.maxDepthM);
      add('rainMmPerH', flood.result.rainMmPerH);
      add('closedLinks', flood.result.linkCounts.closed + flood.result.linkCounts.impassable);
      add('wetBuildings', flood.result.wetBuildings);
    }
    const emergency = this.manager.emergency(runId);
    if (emergency.ok) {
      add('incidents', emergency.result.summary.incidents.filter((i) => i.status === 'active').length);
      add('casualties', emergency.result.summary.figures.casualties);
    }
  }

  // ---------------------------------------------------------------- disk

  /** Writes the sessions changed since the last flush. */
  private flush(): void {
    if (!this.dir) {
      this.dirty.clear();
      return;
    }
    if (this.dirty.size === 0) return;
    fs.mkdirSync(this.dir, { recursive: true });
    for (const id of this.dirty) {
      const s = this.sessions.get(id);
      if (!s) continue;
      const file = path.join(this.dir, `${id}.json`);
      try {
        // Written aside and renamed: a crash mid-write leaves the last whole file.
        fs.writeFileSync(`${file}.tmp`, JSON.stringify(s));
        fs.renameSync(`${file}.tmp`, file);
      } catch (error) {
        this.log(`DrillManager: could not write ${file}: ${(error as Error).message}`);
      }
    }
    this.dirty.clear();
  }

  /** Reads the kept sessions; one that was under way when the server stopped is over (its run is gone). */
  private restore(): void {
    if (!this.dir || !fs.existsSync(this.dir)) return;
    for (const name of fs.readdirSync(this.dir).filter((n) => n.endsWith('.json')).sort()) {
      let s: Session;
      try {
        s = JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8')) as Session;
      } catch (error) {
        this.log(`DrillManager: skipped ${name}: ${(error as Error).message}`);
        continue;
      }
      if (!s?.state?.sessionId || !Array.isArray(s.timeline)) {
        this.log(`DrillManager: skipped ${name}: not a drill session`);
        continue;
      }
      if (s.state.status !== 'ended') {
        s.state.status = 'ended';
        s.endedWallMs ??= Date.now();
        s.timeline.push({ seq: s.timeline.length + 1, wallMs: Date.now(), ...controlEntry(s, 'system', { zh: '服务器重启，演练结束', en: 'The server restarted: the drill is over' }) });
        this.dirty.add(s.state.sessionId);
      }
      this.sessions.set(s.state.sessionId, s);
      const before = this.latest.get(s.drill.id);
      if (!before || before.state.startedWallMs <= s.state.startedWallMs) this.latest.set(s.drill.id, s);
      const view = this.views.get(s.drill.id);
      if (!view || view.seq < s.state.view.seq) this.views.set(s.drill.id, s.state.view);
    }
  }
}

function sessionInfo(s: Session): DrillSessionInfo {
  const { sessionId, runId, director, status, startedWallMs } = s.state;
  return { sessionId, runId, director, status, startedWallMs, endedWallMs: s.endedWallMs, recordingId: s.recordingId };
}

function controlEntry(s: Session, actor: string, text: DrillText): Omit<TimelineEntry, 'seq' | 'wallMs'> {
  return { simTimeMs: s.state.simTimeMs, kind: 'control', actor, department: null, mselId: null, text, action: null };
}

function actionText(action: DrillAction, unit: DrillText, who: string): DrillText {
  if (action.type === 'warning') {
    const level = WARNING_LEVEL_NAMES[action.level];
    return { zh: `${unit.zh} ${who} 发布${level.zh}预警：${action.message}`, en: `${unit.en} ${who} issued a ${level.en} ${action.kind} warning: ${action.message}` };
  }
  const params = JSON.stringify(action.params);
  return { zh: `${unit.zh} ${who}：${action.kind} ${params}`, en: `${unit.en} ${who}: ${action.kind} ${params}` };
}

