/**
 * The `drill` socket event: validated (DrillRequest), rate-limited, checked per op (drillRefusal)
 * and handed to the DrillManager; drill events go to the rooms of a drill's followers
 * (`drill:<id>`), its directors (`drill:<id>|director`) and each department's operators
 * (`drill:<id>|<department>`), which a socket joins when it follows.
 */
import type { Ack } from '../protocol/controls.ts';
import { DrillRequest, type DrillAck } from '../protocol/drills.ts';
import { formatIssues } from '../protocol/formatIssues.ts';
import { can, type Principal } from '../auth/principal.ts';
import { EVENT_RULES, refusal } from '../auth/rules.ts';
import { drillRefusal } from '../auth/runRules.ts';
import type { Trust } from '../auth/Trust.ts';
import { RateLimiter, rateLimitedError } from '../http/rateLimit.ts';
import type { TwinServer, TwinSocket } from '../realtime/attachRealtime.ts';
import type { DrillAudience, DrillManager } from './DrillManager.ts';

/** The room of a drill's audience. */
export const drillRoom = (drillId: string, audience: DrillAudience): string => (audience === 'all' ? `drill:${drillId}` : `drill:${drillId}|${audience}`);

/** Drill requests one socket may make: a burst of 40, then 20 a second (a director's view goes at most 10 a second). */
const REQUESTS = { ratePerS: 20, burst: 40 };

/** Sends the manager's drill events to their rooms and serves the `drill` event on every socket of `io`. */
export function attachDrillSockets(io: TwinServer, drills: DrillManager, trust: Trust): void {
  drills.setSink((drillId, audience, event) => io.to(drillRoom(drillId, audience)).emit('drill', event));
  io.on('connection', (socket) => wireDrillSocket(socket, drills, trust));
}

function wireDrillSocket(socket: TwinSocket, drills: DrillManager, trust: Trust): void {
  const requests = new RateLimiter(REQUESTS);
  (socket as unknown as { on(event: string, listener: (input: unknown, ack: unknown) => void): void }).on('drill', (input, ack) => {
    const limited = requests.take('');
    if (!limited.ok) return answer(ack, { ok: false, error: rateLimitedError('drill', limited.retryAfterS) });
    const parsed = DrillRequest.safeParse(input);
    if (!parsed.success) return answer(ack, fail('bad_request', formatIssues('drill', parsed.error, input)));
    const request = parsed.data;
    // Asked again on each request: the session may have ended or the account changed since the handshake.
    const principal = trust.principal(socket.data.token, socket.data.principal.address);
    const denied = refusal(EVENT_RULES.drill, principal);
    if (denied) return answer(ack, fail(denied, denied === 'unauthenticated' ? 'drill: sign in first' : `drill: the ${principal.role} role may not do this`));
    const why = drillRefusal(principal, request);
    if (why) {
      trust.record(principal, `drill.${request.op === 'control' ? request.control : request.op}`, request.drillId, 'denied');
      return answer(ack, fail('forbidden', `drill: ${request.op}: ${why}`));
    }
    answer(ack, handle(socket, drills, principal, request));
  });
}

function handle(socket: TwinSocket, drills: DrillManager, principal: Principal, r: DrillRequest): Ack<DrillAck> {
  switch (r.op) {
    case 'follow': {
      const answer = drills.snapshot(r.drillId, true);
      if (!answer.ok) return answer;
      const rooms = [drillRoom(r.drillId, 'all')];
      if (can(principal, 'drill.direct')) rooms.push(drillRoom(r.drillId, 'director'));
      if (principal.department) rooms.push(drillRoom(r.drillId, principal.department));
      void socket.join(rooms);
      return answer;
    }
    case 'unfollow':
      for (const room of [...socket.rooms]) if (room === drillRoom(r.drillId, 'all') || room.startsWith(`${drillRoom(r.drillId, 'all')}|`)) void socket.leave(room);
      return drills.snapshot(r.drillId, false);
    case 'control':
      return drills.control(principal, r.drillId, r.control, r.speed);
    case 'view':
      return drills.setView(r.drillId, r.view);
    case 'adhoc':
      return drills.adhoc(principal, r.drillId, r.to, r.message, r.inject);
    case 'act':
      return drills.act(principal, r.drillId, r.action, r.mselId);
  }
}

/** Calls `ack` only if the client gave one. */
function answer<T>(ack: unknown, value: Ack<T>): void {
  if (typeof ack === 'function') (ack as (a: Ack<T>) => void)(value);
}

function fail(code: string, message: string): { ok: false; error: { code: string; message: string } } {
  return { ok: false, error: { code, message } };
}
