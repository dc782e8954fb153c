import { describe, expect, it } from 'vitest';
import { isMoving, markersOf } from '../../../../client/layers/incidents/incidentMarkers.ts';
import { routesOf } from '../../../../client/layers/incidents/unitRoutes.ts';
import type { RoadNet } from '../../../../client/twin/traffic/roads.ts';
import { fire, summary, translator, unit } from './fixtures.ts';

describe('the incidents layer’s markers and routes', () => {
  const t = translator('zh-CN');
  const context = { t, zh: true, terrain: null, roofOf: () => null };

  it('mark each open incident with its level and units, each unit on the road with its ETA, and every shelter and hospital', () => {
    const markers = markersOf(summary({ simTimeMs: 2_580_000 }), context);
    expect(markers.map((m) => `${m.kind}:${m.id}`)).toEqual(['incident:INC-001', 'unit:U002', 'incident:INC-002', 'unit:U002', 'shelter:shelter-01', 'hospital:hospital-01']);
    const [incident, moving] = markers;
    expect(incident.look.lines.map((l) => l.text)).toEqual(['恒大锦绣江南1号楼 火灾', 'IV 级 · 一般 · 处置中', '到场 1 · 途中 1']);
    expect(incident.look.color).toBe('#0000FF');
    expect(moving.look.lines[0].text).toBe('U002 消防车 · 预计 2 分钟');
    expect(markers[4].look.lines[1].text).toBe('已入住 31 / 容量 4,686');
    expect(markers[5].look.lines[1].text).toBe('空床 300 / 2,000');
    // Over the burning roof when it is known; the look's key changes with what it shows.
    const over = markersOf(summary(), { ...context, roofOf: (i) => (i.kind === 'fire' ? 100 : null) });
    expect(over[0].z).toBe(130);
    expect(markersOf(summary({ simTimeMs: 2_640_000 }), context)[1].look.lines[0].text).toBe('U002 消防车 · 预计 1 分钟');
    expect(markersOf(summary({ simTimeMs: 2_640_000 }), context)[1].key).not.toBe(moving.key);
    expect(markersOf(summary({ incidents: [] }), context)).toEqual([]);
    expect(markersOf(null, context)).toEqual([]);
  });

  it('draw the routes of the units not there yet and of ambulances carrying patients, along the road lines', () => {
    expect([unit('a', 'enRoute'), unit('b', 'waiting'), unit('c', 'onScene'), unit('d', 'toHospital')].map(isMoving)).toEqual([true, false, false, true]);
    const roads = {
      indexOf: new Map([
        ['L1', 0],
        ['L2', 1],
      ]),
      starts: Uint32Array.from([0, 2, 4]),
      points: Float32Array.from([0, 0, 1, 100, 0, 1, 100, 0, 1, 100, 80, 2]),
    } as unknown as RoadNet;
    const s = summary({ incidents: [fire({ units: [unit('U1', 'enRoute'), unit('U2', 'onScene'), unit('U3', 'toHospital', { kind: 'ambulance', routeLinkIds: ['L2', 'nope'] })] })] });
    const routes = routesOf(s, roads);
    expect(routes).toEqual([
      { points: [0, 0, 100, 0, 100, 80], color: '#ff5a36', closed: false },
      { points: [100, 0, 100, 80], color: '#4df2c6', closed: false },
    ]);
  });
});
