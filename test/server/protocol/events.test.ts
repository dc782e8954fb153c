import { describe, expect, it } from 'vitest';
import { ackSchema, createHello, parseControlRequest, parseHello } from '../../../server/protocol/controls.ts';
import { RunStateEvent, parseServerEvent } from '../../../server/protocol/events.ts';
import { PROTOCOL_VERSION, checkProtocolVersion } from '../../../server/protocol/version.ts';

const runState = { type: 'runState', runId: 'run-1', scenarioId: 'baseline', status: 'playing', speed: 60, simTimeMs: 120_000 };
const events = [
  runState,
  { ...runState, status: 'paused', speed: 'max' },
  { type: 'injectApplied', runId: 'run-1', simTimeMs: 5000, injectId: 'i-3', kind: 'closeRoad', params: { roadId: 'r-17', lanes: 2 }, source: 'director' },
  { type: 'incident', runId: 'run-1', simTimeMs: 5000, incidentId: 'fire-1', kind: 'highRiseFire', level: 'II', status: 'open', x: 120.5, y: -48 },
  { type: 'alert', runId: 'run-1', simTimeMs: 6000, alertId: 'a-1', severity: 'warning', source: 'environment', messageKey: 'alert.aqiHigh', params: { aqi: 212 } },
  { type: 'dispatch', runId: 'run-1', simTimeMs: 7000, dispatchId: 'd-1', incidentId: 'fire-1', unitId: 900_001, unitKind: 'fire', status: 'enRoute', etaMs: 420_000 },
];

describe('parseServerEvent', () => {
  it('accepts every kind of server event', () => {
    for (const event of events) expect(parseServerEvent(event)).toEqual({ ok: true, event });
  });

  it('names the field and the value that are wrong', () => {
    const result = parseServerEvent({ ...runState, status: 'flying' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('bad_event');
    expect(!result.ok && result.error.message).toMatch(/^parseServerEvent: status: .* \(got "flying"\)/);
    const nested = parseServerEvent({ ...events[2], params: { roadId: { deep: 1 } } });
    expect(!nested.ok && nested.error.message).toMatch(/params\.roadId: .*\(got \{"deep":1\}\)/);
  });

  it('rejects unknown types, extra fields and non-objects', () => {
    expect(parseServerEvent({ ...runState, type: 'earthquake' })).toMatchObject({ ok: false, error: { code: 'bad_event' } });
    expect(parseServerEvent({ ...runState, secret: 1 })).toMatchObject({ ok: false });
    expect(parseServerEvent('runState')).toMatchObject({ ok: false });
    expect(parseServerEvent(null)).toMatchObject({ ok: false });
    expect(parseServerEvent({ ...runState, simTimeMs: 1.5 })).toMatchObject({ ok: false });
  });
});

describe('control requests', () => {
  it('accepts a speed factor from 0.5 to 3600 or "max", and nothing else', () => {
    for (const factor of [0.5, 1, 3600, 'max']) expect(parseControlRequest('speed', { runId: 'r', factor }).ok).toBe(true);
    for (const factor of [0.4, 3601, 'fast', -1]) {
      const result = parseControlRequest('speed', { runId: 'r', factor });
      expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(!result.ok && result.error.message).toContain(`speed: factor: `);
    }
  });

  it('validates createRun, seek and inject', () => {
    expect(parseControlRequest('createRun', { scenarioId: 'flood-2021' })).toEqual({ ok: true, request: { scenarioId: 'flood-2021' } });
    expect(parseControlRequest('createRun', { scenarioId: 'x', seed: 42 }).ok).toBe(true);
    expect(parseControlRequest('createRun', { scenarioId: 'x', seed: -1 }).ok).toBe(false);
    const seek = parseControlRequest('seek', { runId: 'r', simTimeMs: -5 });
    expect(!seek.ok && seek.error.message).toMatch(/seek: simTimeMs: .*\(got -5\)/);
    expect(parseControlRequest('inject', { runId: 'r', kind: 'closeRoad', params: { roadId: 'r-1' } }).ok).toBe(true);
    expect(parseControlRequest('play', { runId: '' }).ok).toBe(false);
    expect(parseControlRequest('__proto__' as 'play', {})).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('gives acks one shape a client can check', () => {
    const schema = ackSchema(RunStateEvent);
    expect(schema.safeParse({ ok: true, result: runState }).success).toBe(true);
    expect(schema.safeParse({ ok: false, error: { code: 'run_not_found', message: 'run r: not found' } }).success).toBe(true);
    expect(schema.safeParse({ ok: true }).success).toBe(false);
  });
});

describe('protocol version handshake', () => {
  it('accepts our version and tells a client of another version which versions meet', () => {
    expect(checkProtocolVersion(PROTOCOL_VERSION)).toBeNull();
    expect(checkProtocolVersion(PROTOCOL_VERSION + 1)).toEqual({
      code: 'protocol_version',
      message: `protocol: client speaks version ${PROTOCOL_VERSION + 1}, server speaks ${PROTOCOL_VERSION}`,
    });
    expect(parseHello(createHello({ client: 'twin-web 0.1', locale: 'zh-CN' }))).toMatchObject({ ok: true, hello: { protocolVersion: PROTOCOL_VERSION } });
    expect(parseHello({ protocolVersion: 0 })).toMatchObject({ ok: false, error: { code: 'protocol_version' } });
    expect(parseHello(undefined)).toMatchObject({ ok: false, error: { code: 'protocol_version', message: /client speaks version \(undefined\)/ } });
    expect(parseHello({ protocolVersion: PROTOCOL_VERSION, locale: 'fr' })).toMatchObject({ ok: false, error: { code: 'bad_hello' } });
  });
});
