import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveIncidents } from '../../../../client/layers/incidents/LiveIncidents.ts';
import { LiveConnection } from '../../../../client/twin/live/LiveConnection.ts';
import { createLiveStore } from '../../../../client/twin/live/LiveStore.ts';
import type { AlertEvent } from '../../../../server/protocol/events.ts';
import { summary } from './fixtures.ts';
import { FakeSocket } from '../../twin/FakeSocket.ts';

const alert = (runId: string, alertId: string, simTimeMs = 2_400_000): AlertEvent => ({
  type: 'alert',
  runId,
  simTimeMs,
  alertId,
  severity: 'warning',
  source: 'emergency',
  messageKey: 'alert.incident.fire',
  params: { incidentId: 'INC-001', name: '恒大锦绣江南1号楼 火灾', nameEn: 'Fire at Tower 1', level: 'IV' },
});

describe('LiveIncidents (the incidents layer’s state)', () => {
  let socket = new FakeSocket();
  let live = new LiveConnection({ store: createLiveStore({ runId: 'highrise-fire-1' }), openSocket: () => socket });
  beforeEach(() => {
    socket = new FakeSocket();
    live = new LiveConnection({ store: createLiveStore({ runId: 'highrise-fire-1' }), openSocket: () => socket });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => {
    live.dispose();
    vi.restoreAllMocks();
  });

  it('keeps the joined run’s emergency summaries and alerts, refuses bad summaries, and forgets all on a run switch', () => {
    let now = 1000;
    const incidents = new LiveIncidents(() => now);
    const heard: number[] = [];
    incidents.subscribe(() => heard.push(incidents.version));
    const stop = incidents.connect(live);
    live.connect();
    socket.fire('connect');
    socket.fire('emergency', 'highrise-fire-1', summary());
    socket.fire('emergency', 'another-run', summary({ simTimeMs: 9 }));
    expect(incidents.summary?.incidents.map((i) => i.id)).toEqual(['INC-001', 'INC-002']);
    expect(incidents.summary?.simTimeMs).toBe(3_000_000);

    // Alerts of the joined run, each once (the same alert again is the same); another run's are not ours.
    socket.fire('event', alert('highrise-fire-1', 'INC-001-new'));
    now = 2000;
    socket.fire('event', alert('highrise-fire-1', 'INC-001-new'));
    socket.fire('event', alert('another-run', 'INC-009-new'));
    socket.fire('event', { ...alert('highrise-fire-1', 'bad'), severity: 'apocalyptic' });
    expect(incidents.alerts.map((a) => [a.event.alertId, a.heardAtMs])).toEqual([['INC-001-new', 1000]]);

    // A level the country has not: counted and warned about, the last good summary kept.
    const bad = summary();
    (bad.incidents[0] as { level: string }).level = 'V';
    expect(incidents.applySummary(bad)).toBe(false);
    expect(incidents.rejected).toBe(1);
    expect(String(vi.mocked(console.warn).mock.calls.at(-1)?.[0])).toMatch(/^LiveIncidents: summary: incidents\.0\.level: /);
    expect(incidents.summary?.incidents[0].level).toBe('IV');
    expect(heard.length).toBeGreaterThanOrEqual(2);

    live.switchRun('chlorine-leak-2');
    expect(incidents.summary).toBeNull();
    expect(incidents.alerts).toEqual([]);
    stop();
    socket.fire('emergency', 'chlorine-leak-2', summary());
    expect(incidents.summary).toBeNull();
  });
});
