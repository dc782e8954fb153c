import { z } from 'zod';
import { SpeedFactor } from './events.ts';
import { formatIssues } from './formatIssues.ts';
import type { DecodeResult, ProtocolError } from './ProtocolError.ts';
import { PROTOCOL_VERSION, checkProtocolVersion } from './version.ts';

const Id = z.string().min(1).max(128);
const RunId = z.strictObject({ runId: Id });

/** Socket.IO handshake `auth` payload: the client states its protocol version before anything else. */
export const Hello = z.object({
  protocolVersion: z.number().int(),
  /** Client name and build, for logs. */
  client: z.string().max(128).optional(),
  locale: z.enum(['zh-CN', 'en']).optional(),
});
export type Hello = z.infer<typeof Hello>;

/** Start a run of a scenario; without a seed the scenario's own seed is used. */
export const CreateRunRequest = z.strictObject({
  scenarioId: Id,
  seed: z.number().int().min(0).max(0xffffffff).optional(),
});
/** Subscribe this socket to a run's frames and events (answers with its run state). */
export const JoinRequest = RunId;
export const LeaveRequest = RunId;
/** Ask for a keyframe of the run's object stream (after a sequence gap). */
export const KeyframeRequest = RunId;
export const PlayRequest = RunId;
export const PauseRequest = RunId;
export const StopRequest = RunId;
export const SpeedRequest = z.strictObject({ runId: Id, factor: SpeedFactor });
export const SeekRequest = z.strictObject({ runId: Id, simTimeMs: z.number().int().nonnegative() });
/**
 * How long an inject on the live baseline lasts: its day ('day', the default: the baseline starts
 * the next day without it) or every day ('daily': made again at the same time each day). Runs that
 * do not start over keep every inject either way.
 */
export const InjectRepeat = z.enum(['day', 'daily']);
/** A director's inject; the scenario module validates `params` for its `kind`. */
export const InjectRequest = z.strictObject({
  runId: Id,
  kind: Id,
  params: z.record(z.string(), z.unknown()),
  repeat: InjectRepeat.optional(),
});

export type CreateRunRequest = z.infer<typeof CreateRunRequest>;
export type RunIdRequest = z.infer<typeof RunId>;
export type SpeedRequest = z.infer<typeof SpeedRequest>;
export type SeekRequest = z.infer<typeof SeekRequest>;
export type InjectRequest = z.infer<typeof InjectRequest>;

/** Every control request by its Socket.IO event name. */
export const ControlRequests = {
  createRun: CreateRunRequest,
  join: JoinRequest,
  leave: LeaveRequest,
  keyframe: KeyframeRequest,
  play: PlayRequest,
  pause: PauseRequest,
  speed: SpeedRequest,
  seek: SeekRequest,
  inject: InjectRequest,
  stop: StopRequest,
} as const;
export type ControlName = keyof typeof ControlRequests;
export type ControlRequest<N extends ControlName> = z.infer<(typeof ControlRequests)[N]>;

/** The answer to every request: a result, or an error a client can show and act on. */
export type Ack<T> = { ok: true; result: T } | { ok: false; error: ProtocolError };

/** What an applied inject answers: its id in the run, and the id of what it started when it starts something (a release). */
export interface InjectAnswer {
  injectId: string;
  id?: string;
}

/** The zod schema of `Ack<T>`, for clients that validate what the server answers. */
export function ackSchema<T extends z.ZodType>(result: T) {
  return z.union([
    z.strictObject({ ok: z.literal(true), result }),
    z.strictObject({ ok: z.literal(false), error: z.strictObject({ code: z.string(), message: z.string() }) }),
  ]);
}

/** Validates a control request named `name`; the error names the field and value. */
export function parseControlRequest<N extends ControlName>(name: N, input: unknown): DecodeResult<{ request: ControlRequest<N> }> {
  if (!Object.hasOwn(ControlRequests, name)) return { ok: false, error: { code: 'bad_request', message: `parseControlRequest: unknown request "${String(name)}"` } };
  const schema = ControlRequests[name] as unknown as z.ZodType<ControlRequest<N>>;
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, request: result.data };
  return { ok: false, error: { code: 'bad_request', message: formatIssues(name, result.error, input) } };
}

/** Validates a handshake payload, version first: a client of another version is told so plainly. */
export function parseHello(input: unknown): DecodeResult<{ hello: Hello }> {
  const version = input !== null && typeof input === 'object' ? (input as Record<string, unknown>).protocolVersion : undefined;
  const mismatch = checkProtocolVersion(version);
  if (mismatch) return { ok: false, error: mismatch };
  const result = Hello.safeParse(input);
  if (result.success) return { ok: true, hello: result.data };
  return { ok: false, error: { code: 'bad_hello', message: formatIssues('hello', result.error, input) } };
}

/** What a client sends as Socket.IO `auth`. */
export function createHello(extra: Omit<Hello, 'protocolVersion'> = {}): Hello {
  return { protocolVersion: PROTOCOL_VERSION, ...extra };
}
