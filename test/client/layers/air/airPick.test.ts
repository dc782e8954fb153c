import { describe, expect, it } from 'vitest';
import { airPickOf, pointPick, stationPick } from '../../../../client/layers/air/airPick.ts';

describe('air picks', () => {
  it('are the air layer’s points and stations, the same place picked the same', () => {
    expect(pointPick(113.29000004, 33.7412345)).toEqual({ layer: 'air', kind: 'point', lon: 113.29, lat: 33.741235 });
    expect(airPickOf(pointPick(113.3, 33.7))).toEqual(pointPick(113.3, 33.7));
    expect(airPickOf(stationPick('aq_station-01'))).toEqual({ layer: 'air', kind: 'station', stationId: 'aq_station-01' });
    expect(airPickOf({ layer: 'traffic', kind: 'link', linkId: 'x', index: 1 })).toBeNull();
    expect(airPickOf({ layer: 'air', kind: 'point', lon: 'x' })).toBeNull();
    expect(airPickOf(null)).toBeNull();
  });
});
