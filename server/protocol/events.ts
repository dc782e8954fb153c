import { z } from 'zod';
import { formatIssues } from './formatIssues.ts';
import type { DecodeResult } from './ProtocolError.ts';

/** Run ids, scenario ids, inject ids…: short printable tokens. */
const Id = z.string().min(1).max(128);
const SimTimeMs = z.number().int().nonnegative();
/** Sim-speed factor: 0.5× to 3600× real time, or as fast as the machine goes. */
export const SpeedFactor = z.union([z.number().min(0.5).max(3600), z.literal('max')]);
export type SpeedFactor = z.infer<typeof SpeedFactor>;
/** Emergency response levels I (red, most severe) to IV (blue). */
export const ResponseLevel = z.enum(['I', 'II', 'III', 'IV']);
/** Parameters of injects and messages: plain JSON values keyed by name. */
const Params = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

/**
 * Where a run is: `starting` that its engines are still warming up (it plays once they are; its
 * clock is at 0 and controls other than stop are refused meanwhile), `finished` that the scenario
 * ran to its end, `stopped` that someone stopped it.
 */
export const RunStatus = z.enum(['starting', 'playing', 'paused', 'stopped', 'finished']);
export type RunStatus = z.infer<typeof RunStatus>;

/** A run's clock and controls; sent on every change and to every client that joins. */
export const RunStateEvent = z.strictObject({
  type: z.literal('runState'),
  runId: Id,
  scenarioId: Id,
  status: RunStatus,
  speed: SpeedFactor,
  simTimeMs: SimTimeMs,
});

/** An inject (scheduled by the scenario or sent by a director) took effect. */
export const InjectAppliedEvent = z.strictObject({
  type: z.literal('injectApplied'),
  runId: Id,
  simTimeMs: SimTimeMs,
  injectId: Id,
  kind: Id,
  params: Params,
  /** Who asked: the scenario timeline or a director. */
  source: z.enum(['scenario', 'director']),
  /** The id of what the inject started, when it starts something (a release's id). */
  resultId: Id.optional(),
});

/** An incident opened or changed status (fire, chemical leak, flood, crash…). */
export const IncidentEvent = z.strictObject({
  type: z.literal('incident'),
  runId: Id,
  simTimeMs: SimTimeMs,
  incidentId: Id,
  kind: Id,
  level: ResponseLevel,
  status: z.enum(['open', 'contained', 'closed']),
  /** Local ENU metres. */
  x: z.number().finite(),
  y: z.number().finite(),
});

/** Something a person should look at; the text is an i18n key and its parameters. */
export const AlertEvent = z.strictObject({
  type: z.literal('alert'),
  runId: Id,
  simTimeMs: SimTimeMs,
  alertId: Id,
  severity: z.enum(['info', 'warning', 'critical']),
  source: z.enum(['traffic', 'environment', 'emergency', 'system']),
  messageKey: Id,
  params: Params,
  /** Where, local ENU metres, when the alert has a place. */
  x: z.number().finite().optional(),
  y: z.number().finite().optional(),
});

/** A responder unit was sent to an incident, or its progress changed. */
export const DispatchEvent = z.strictObject({
  type: z.literal('dispatch'),
  runId: Id,
  simTimeMs: SimTimeMs,
  dispatchId: Id,
  incidentId: Id,
  /** The unit's object id in object frames. */
  unitId: z.number().int().min(0).max(0xffffffff),
  unitKind: z.enum(['fire', 'ambulance', 'police', 'hazmat', 'rescue']),
  status: z.enum(['assigned', 'enRoute', 'onScene', 'returning']),
  /** Estimated time to arrive, sim milliseconds from `simTimeMs`. */
  etaMs: SimTimeMs,
});

/** Every JSON event the server sends, discriminated by `type`. */
export const ServerEvent = z.discriminatedUnion('type', [RunStateEvent, InjectAppliedEvent, IncidentEvent, AlertEvent, DispatchEvent]);
export type ServerEvent = z.infer<typeof ServerEvent>;
export type RunStateEvent = z.infer<typeof RunStateEvent>;
export type InjectAppliedEvent = z.infer<typeof InjectAppliedEvent>;
export type IncidentEvent = z.infer<typeof IncidentEvent>;
export type AlertEvent = z.infer<typeof AlertEvent>;
export type DispatchEvent = z.infer<typeof DispatchEvent>;

/** Validates a server event from the wire (or from a recording); the error names the field and value. */
export function parseServerEvent(input: unknown): DecodeResult<{ event: ServerEvent }> {
  const result = ServerEvent.safeParse(input);
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, error: { code: 'bad_event', message: formatIssues('parseServerEvent', result.error, input) } };
}
