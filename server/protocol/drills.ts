/**
 * Drills: a scenario plus a master scenario events list (MSEL), led by a director whom every
 * following screen mirrors, acted on by departments' operators, and reviewed afterwards. The file
 * shape (drills/*.yaml), the state the server keeps and sends, and the socket requests.
 */
import { z } from 'zod';
import { Department } from './access.ts';

const Id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'expected a lower-case id of a-z, 0-9, "_" and "-"' });
const OFFSET = /^T\+\d{2,3}:[0-5]\d:[0-5]\d$/;
const DURATION = /^\d{2,3}:[0-5]\d:[0-5]\d$/;
const Text = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
export type DrillText = z.infer<typeof Text>;

/** Who an MSEL item is addressed to: a department's operators, or the director (controller-only items). */
export const Recipient = z.union([Department, z.literal('director')]);
export type Recipient = z.infer<typeof Recipient>;

/**
 * What an operator can do in the twin during a drill. `inject` makes an engine inject on the drill's
 * run (dispatch units, close a road, order an evacuation or shelter in place…: the kinds the
 * operator's department may make); `warning` issues a public warning (not an engine inject: it goes
 * to every screen of the drill and into the timeline).
 */
export const WarningLevel = z.enum(['blue', 'yellow', 'orange', 'red']);
export type WarningLevel = z.infer<typeof WarningLevel>;
export const WARNING_KINDS = ['rainstorm', 'flood', 'fire', 'chemical', 'traffic', 'general'] as const;
export const WarningKind = z.enum(WARNING_KINDS);

export const DrillAction = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('inject'), kind: z.string().min(1).max(64), params: z.record(z.string(), z.unknown()) }),
  z.strictObject({
    type: z.literal('warning'),
    kind: WarningKind,
    level: WarningLevel,
    message: z.string().min(1).max(500),
  }),
]);
export type DrillAction = z.infer<typeof DrillAction>;

/**
 * What an MSEL item expects: an action of this kind (an inject kind such as "emergency.dispatch", or
 * "warning" / "warning.red" for a warning of at least that level) by `by` (the item's recipient when
 * left out) within `within` of the item's time (the response standard).
 */
export const ExpectedAction = z.strictObject({
  action: z.string().min(1).describe('An inject kind ("traffic.close_link"), "warning", or "warning.<level>" for a warning of that level or higher'),
  by: Department.optional().describe("Department expected to act; the item's recipient when left out"),
  within: z.string().regex(DURATION, { error: 'expected "hh:mm:ss"' }).describe('Time allowed after the inject, sim time: "hh:mm:ss"'),
  standard: Text.optional().describe('The standard the time comes from, e.g. a response plan'),
  description: Text.describe('The expected action as the exercise planner writes it'),
});

/** One line of the master scenario events list, as written in the file. */
export const MselItemFile = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, { error: 'expected a short id such as "M01"' }).describe('Short id, e.g. "M01"'),
  at: z.string().regex(OFFSET, { error: 'expected "T+hh:mm:ss"' }).describe('When, after the drill starts (sim time): "T+hh:mm:ss"'),
  to: Recipient.describe('Who receives the inject: a department, or "director"'),
  from: Text.optional().describe('Who the message is from in the exercise world, e.g. 市气象台'),
  message: Text.describe('The inject as the recipient reads it'),
  inject: z
    .strictObject({ kind: z.string().min(1), params: z.record(z.string(), z.unknown()).default({}) })
    .optional()
    .describe('An engine inject applied to the run at this time (the event the message reports)'),
  expected: ExpectedAction.optional(),
  notes: Text.optional().describe('Controller notes: seen by the director only'),
});
export type MselItemFile = z.input<typeof MselItemFile>;

/** A drill file (drills/*.yaml). */
export const DrillFile = z.strictObject({
  id: Id.describe('Lower-case id; the file is named <id>.yaml'),
  title: Text,
  description: Text,
  scenario: Id.describe('The scenario the drill runs on (scenarios/<id>.yaml)'),
  speed: z.number().min(0.5).max(3600).default(1).describe('Sim seconds per wall second when the drill starts'),
  objectives: z.array(Text).default([]).describe('What the drill exercises'),
  msel: z.array(MselItemFile).min(1).describe('The master scenario events list'),
});
export type DrillFile = z.input<typeof DrillFile>;

/** A validated drill: times in milliseconds of sim time after the start. */
export interface Drill {
  id: string;
  title: DrillText;
  description: DrillText;
  scenario: string;
  speed: number;
  objectives: DrillText[];
  msel: MselItem[];
}
export interface MselItem {
  id: string;
  at: string;
  atMs: number;
  to: Recipient;
  from?: DrillText;
  message: DrillText;
  inject?: { kind: string; params: Record<string, unknown> };
  expected?: { action: string; by: Department | null; within: string; withinMs: number; standard?: DrillText; description: DrillText };
  notes?: DrillText;
}

/** `GET /api/drills`: the drills and the files that did not load. */
export interface DrillList {
  drills: { id: string; title: DrillText; description: DrillText; scenario: string; items: number; status: DrillStatus | null }[];
  errors: string[];
}

/** A drill's phase: ready (not started), running, paused (the sim clock stops), frozen (everything stops, operators may not act: an exercise freeze), ended. */
export const DrillStatus = z.enum(['running', 'paused', 'frozen', 'ended']);
export type DrillStatus = z.infer<typeof DrillStatus>;

/** A camera pose in degrees-free radians as the views report it (see client CameraView). */
export const DrillCamera = z.strictObject({
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  height: z.number().min(-1000).max(1e7),
  heading: z.number().finite(),
  pitch: z.number().finite(),
});
export type DrillCamera = z.infer<typeof DrillCamera>;

/** What the director shows, mirrored by every following screen. `seq` grows with each change. */
export const DirectorView = z.strictObject({
  camera: DrillCamera.nullable(),
  /** Layer id → shown (base layers and registered layers). */
  layers: z.record(z.string().max(64), z.boolean()),
  /** What is selected: a building id, or a layer's pick (layer id and the thing's id). */
  selection: z
    .union([
      z.strictObject({ kind: z.literal('building'), id: z.string().max(64) }),
      z.strictObject({
        kind: z.literal('layer'),
        layer: z.string().max(64),
        id: z.string().max(128),
        /** The layer's whole pick (its `kind` and fields, e.g. a link's id and index), so followers' inspectors show the same thing. */
        pick: z.record(z.string().max(32), z.union([z.string().max(128), z.number()])).optional(),
      }),
    ])
    .nullable(),
  /** Milliseconds since the epoch at the director when sent (latency measurement only). */
  sentAt: z.number().optional(),
});
export type DirectorView = z.infer<typeof DirectorView>;

/** One entry of a drill's timeline: injects delivered, actions taken, arrivals, level changes, controls. */
export const TimelineEntry = z.strictObject({
  seq: z.number().int(),
  /** Sim time since the run's start, ms. */
  simTimeMs: z.number().int().nonnegative(),
  /** Wall time, epoch ms. */
  wallMs: z.number(),
  kind: z.enum(['msel', 'action', 'control', 'arrival', 'level', 'warning', 'alert']),
  /** Who: a username, a department, or "system". */
  actor: z.string(),
  department: Department.nullable(),
  /** The MSEL item it belongs to or answers, when any. */
  mselId: z.string().nullable(),
  text: Text,
  /** The action or inject, for actions. */
  action: DrillAction.nullable(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

/** An expected action checked against what was done. */
export interface ExpectationCheck {
  mselId: string;
  description: DrillText;
  by: Department | null;
  action: string;
  /** Sim ms the item was delivered; null when the drill has not reached it. */
  deliveredMs: number | null;
  withinMs: number;
  /** Sim ms of the first matching action after delivery; null when none yet. */
  doneMs: number | null;
  /** Response time, ms of sim time; null when not done. */
  responseMs: number | null;
  status: 'pending' | 'met' | 'late' | 'missed' | 'not_reached';
  actor: string | null;
  standard?: DrillText;
}

/** The state of a drill session, as the director and followers see it. */
export interface DrillState {
  drillId: string;
  /** This session: `<drillId>-<n>`. */
  sessionId: string;
  title: DrillText;
  status: DrillStatus;
  runId: string;
  director: string;
  speed: number;
  startedWallMs: number;
  /** Sim time of the run now (ms since its start) and the run's start, epoch ms. */
  simTimeMs: number;
  startEpochMs: number;
  view: DirectorView & { seq: number };
  /** MSEL items delivered so far (ids). */
  delivered: string[];
  /** Public warnings in force, latest per kind. */
  warnings: { kind: z.infer<typeof WarningKind>; level: WarningLevel; message: string; simTimeMs: number; by: string }[];
}

/** Socket requests of drills (the `drill` event), each answered by an ack. */
export const DrillRequest = z.discriminatedUnion('op', [
  /** Follow a drill: this socket gets its state now and each change (`drill` events). */
  z.strictObject({ op: z.literal('follow'), drillId: Id }),
  z.strictObject({ op: z.literal('unfollow'), drillId: Id }),
  /** Director: start a new session (a run of the drill's scenario), pause, freeze, resume, end, speed. */
  z.strictObject({ op: z.literal('control'), drillId: Id, control: z.enum(['start', 'pause', 'freeze', 'resume', 'end']), speed: z.number().min(0.5).max(3600).optional() }),
  /** Director: what every follower shows. */
  z.strictObject({ op: z.literal('view'), drillId: Id, view: DirectorView }),
  /** Director: an ad-hoc inject, to a recipient, with or without an engine inject. */
  z.strictObject({ op: z.literal('adhoc'), drillId: Id, to: Recipient, message: z.string().min(1).max(500), inject: z.strictObject({ kind: z.string().min(1).max(64), params: z.record(z.string(), z.unknown()) }).optional() }),
  /** Operator (or director): an action in the twin. */
  z.strictObject({ op: z.literal('act'), drillId: Id, action: DrillAction, mselId: z.string().max(16).optional() }),
]);
export type DrillRequest = z.infer<typeof DrillRequest>;

/**
 * The answer to a drill request (`Ack<DrillAck>`): the session's state, the director's view and the
 * timeline so far (`follow` only; the other ops leave it empty), so a follower that joins late or
 * reconnects catches up at once. Null and empty before the drill's first start.
 */
export interface DrillAck {
  state: DrillState | null;
  view: (DirectorView & { seq: number }) | null;
  timeline: TimelineEntry[];
}

/** What the server pushes on the `drill` event. */
export type DrillEvent =
  | { type: 'state'; state: DrillState }
  | { type: 'view'; drillId: string; view: DirectorView & { seq: number } }
  | { type: 'timeline'; drillId: string; entry: TimelineEntry }
  /** An MSEL or ad-hoc inject delivered to this operator's department (or to the director). */
  | { type: 'message'; drillId: string; item: { id: string; to: Recipient; from?: DrillText; message: DrillText; simTimeMs: number; expected?: MselItem['expected'] } };

/** A session of a drill as listed: who led it, when, and the run's recording (RunStore id, for `POST /api/runs {replayOf}`). */
export interface DrillSessionInfo {
  sessionId: string;
  runId: string;
  director: string;
  status: DrillStatus;
  startedWallMs: number;
  endedWallMs: number | null;
  recordingId: number | null;
}

/** `GET /api/drills/:id`: the drill with its MSEL (controller notes only for directors), its sessions (newest first) and the current session's state. */
export interface DrillDetail {
  drill: Drill;
  sessions: DrillSessionInfo[];
  state: DrillState | null;
}

/** `GET /api/drills/sessions/:sessionId/review`: the after-action review of a drill session. */
export interface DrillReview {
  drill: { id: string; title: DrillText; description: DrillText; scenario: string; objectives: DrillText[] };
  session: {
    sessionId: string;
    runId: string;
    /** The run's recording in the run store, which the review replays (POST /api/runs { replayOf }); null when none is kept. */
    recordingId?: number | null;
    director: string;
    status: DrillStatus;
    startedWallMs: number;
    endedWallMs: number | null;
    startEpochMs: number;
    simTimeMs: number;
  };
  timeline: TimelineEntry[];
  checks: ExpectationCheck[];
  /** Figures: met / late / missed counts, mean response time, and the run's own figures at the end. */
  figures: Record<string, number | null>;
  /** Trends for the report's charts: sim ms → value. */
  series: Record<string, { simTimeMs: number; value: number }[]>;
}
