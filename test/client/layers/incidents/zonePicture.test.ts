import { describe, expect, it } from 'vitest';
import { LiveIncidents } from '../../../../client/layers/incidents/LiveIncidents.ts';
import { zoneExtent, ZonePicture, zonesOf } from '../../../../client/layers/incidents/zonePicture.ts';
import { chlorine, square, summary } from './fixtures.ts';

describe('the zones’ picture', () => {
  it('covers the zones with a margin, snapped out to 500 m, its cells at most 1,536 to a side and at least 3 m', () => {
    expect(zoneExtent([])).toBeNull();
    const small = zoneExtent([{ kind: 'aegl1', polygons: [[square(1010, -20, 100)]] }]);
    expect(small).toEqual({ originX: 500, originY: -500, cellSize: 3, cols: 334, rows: 334 });
    const large = zoneExtent([{ kind: 'aegl1', polygons: [[square(0, 0, 5000)]] }]);
    expect(large?.originX).toBe(-5500);
    expect(large?.cellSize).toBeCloseTo(11_000 / 1536, 6);
    expect(Math.max(large!.cols, large!.rows)).toBe(1536);
  });

  it('paints the threat zones first (AEGL-1 under -3) and the orders over them, leaving closed incidents out', () => {
    const incidents = new LiveIncidents();
    incidents.applySummary(summary());
    expect(zonesOf(incidents).map((z) => z.kind)).toEqual(['aegl1', 'aegl3', 'evacuation']);
    incidents.applySummary(summary({ incidents: [chlorine({ status: 'closed' })] }));
    expect(zonesOf(incidents)).toEqual([]);
  });

  it('is a new picture only when the zones change, and none without a zone', () => {
    const incidents = new LiveIncidents();
    const picture = new ZonePicture(incidents);
    expect(picture.gridFor()).toBeNull();
    incidents.applySummary(summary());
    const first = picture.gridFor();
    expect(first).toMatchObject({ layer: 'incidentZones', originX: 1500, originY: 1000 });
    const version = picture.gridVersion;
    // The same zones a summary later (units moved, the clock ran): the same picture.
    incidents.applySummary(summary({ simTimeMs: 3_010_000 }));
    expect(picture.gridFor()).toBe(first);
    expect(picture.gridVersion).toBe(version);
    // The cloud grew: a new picture.
    const grown = chlorine();
    grown.zones[0] = { ...grown.zones[0], polygons: [[square(2600, 1900, 900)]] };
    incidents.applySummary(summary({ incidents: [grown] }));
    expect(picture.gridFor()).not.toBe(first);
    expect(picture.gridVersion).toBe(version + 1);
  });
});
