/** A socket standing in for socket.io-client in unit tests (LiveConnection's and the layers'). */
import type { LiveSocket } from '../../../client/twin/live/LiveConnection.ts';

type Listener = (...args: unknown[]) => void;

/** Records emits, answers acks with `answer`; `fire` plays a message from the server. */
export class FakeSocket implements LiveSocket {
  active = true;
  readonly listeners = new Map<string, Listener[]>();
  readonly emitted: { event: string; payload: unknown }[] = [];
  answer: (event: string, payload: unknown) => unknown = (_event, payload) => ({
    ok: true,
    result: { type: 'runState', runId: (payload as { runId: string }).runId, scenarioId: 'weekday', status: 'playing', speed: 1, simTimeMs: 0 },
  });

  on(event: string, listener: (...args: never[]) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener as Listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]): this {
    this.emitted.push({ event, payload: args[0] });
    const ack = args[1];
    if (typeof ack === 'function') ack(this.answer(event, args[0]));
    return this;
  }
  disconnect(): this {
    this.active = false;
    this.fire('disconnect', 'io client disconnect');
    return this;
  }
  fire(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) l(...args);
  }
  sent(event: string): unknown[] {
    return this.emitted.filter((e) => e.event === event).map((e) => e.payload);
  }
}

