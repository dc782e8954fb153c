import { describe, expect, it } from 'vitest';
import { ecefToGeodetic, enuToEcefMatrix, geodeticToEcef, geodeticToEnu } from '../../../client/twin/geo.ts';
import type { Vec3 } from '../../../client/twin/geo.ts';
import { en, zhCN } from '../../../client/app/locales.ts';
import { tileFailureReason } from '../../../client/twin/tileFailure.ts';
import {
  atEarthCentre,
  parseTilesetInput,
  placedBounds,
  placementMatrix,
  tilesetAnchor,
  transformPoint,
  viewOfBounds,
} from '../../../client/twin/tilesetPlacement.ts';
import { createTwinStore } from '../../../client/twin/TwinStore.ts';

const PLACE = { lon: 113.29, lat: 33.74, height: 80 };

/** Where a point of local coordinates lands, as metres east, north and up of PLACE's ground. */
const landed = (m: number[], p: Vec3) => geodeticToEnu({ ...PLACE, height: 0 }, ecefToGeodetic(transformPoint(m, p)));

describe('?tileset=URL@lon,lat[,height[,headingDeg[,scale]]]', () => {
  it('reads the URL alone, and every optional part of a placement with its default', () => {
    expect(parseTilesetInput(' https://x.org/a/tileset.json ')).toEqual({ url: 'https://x.org/a/tileset.json' });
    expect(parseTilesetInput('/t/tileset.json@113.3,33.7')).toEqual({ url: '/t/tileset.json', placement: { lon: 113.3, lat: 33.7, height: 0, headingDeg: 0, scale: 1 } });
    expect(parseTilesetInput('/t/tileset.json@113.3,33.7,120,45,2.5').placement).toEqual({ lon: 113.3, lat: 33.7, height: 120, headingDeg: 45, scale: 2.5 });
  });

  it('keeps an @ that belongs to the URL (user@host/…) in the URL', () => {
    expect(parseTilesetInput('https://user@host.org/t/tileset.json')).toEqual({ url: 'https://user@host.org/t/tileset.json' });
  });

  it('names the value and the field that is wrong when the placement is not one, keeping the URL', () => {
    const cases: [string, string, string][] = [
      ['/t.json@113.3', '113.3', 'format'],
      ['/t.json@113.3,abc', '113.3,abc', 'lat'],
      ['/t.json@113.3,33.7,,10', '113.3,33.7,,10', 'height'],
      ['/t.json@113.3,33.7,0,east', '113.3,33.7,0,east', 'headingDeg'],
      ['/t.json@200,33.7', '200,33.7', 'lon'],
      ['/t.json@113,95', '113,95', 'lat'],
      ['/t.json@113,33,0,0,0', '113,33,0,0,0', 'scale'],
      ['/t.json@113,33,0,0,1,9', '113,33,0,0,1,9', 'format'],
    ];
    for (const [input, value, field] of cases) {
      const parsed = parseTilesetInput(input);
      expect(parsed.url, input).toBe('/t.json');
      expect(parsed.placement, input).toBeUndefined();
      expect(parsed.placementError, input).toEqual({ value, field });
    }
  });

  it('has a Chinese and an English reason for every field a placement can be wrong in', () => {
    for (const field of ['format', 'lon', 'lat', 'height', 'headingDeg', 'scale']) {
      expect(zhCN.layers.placementWhy[field as keyof typeof zhCN.layers.placementWhy], field).toMatch(/\S/);
      expect(en.layers.placementWhy[field as keyof typeof en.layers.placementWhy], field).toMatch(/\S/);
    }
  });

  it('the store adds a placed tileset, and keeps a bad placement as the entry’s error with the URL still added', () => {
    const store = createTwinStore();
    expect(store.addTileset('/a/tileset.json@113.3,33.7,10')).toBeNull();
    expect(store.addTileset('/b/tileset.json@113.3,north')).toBeNull();
    const [a, b] = store.getState().tilesets;
    expect(a).toMatchObject({ url: '/a/tileset.json', visible: true, placement: { lon: 113.3, lat: 33.7, height: 10 } });
    expect(b.url).toBe('/b/tileset.json');
    expect(b.placementError).toEqual({ value: '113.3,north', field: 'lat' });
    // Setting a placement by hand replaces the link's, and its error.
    store.updateTileset(b.id, { placement: { lon: 113, lat: 33, height: 0, headingDeg: 0, scale: 1 } });
    expect(store.getState().tilesets[1].placementError).toBeUndefined();
  });

  it('the store counts failed tiles by reason, and a fresh load clears them', () => {
    const store = createTwinStore();
    store.addTileset('/a/tileset.json');
    const { id } = store.getState().tilesets[0];
    store.countTileFailure(id, '404');
    store.countTileFailure(id, '404');
    store.countTileFailure(id, 'network');
    expect(store.getState().tilesets[0].failures).toEqual({ '404': 2, network: 1 });
    store.setTilesetStatus(id, 'ready');
    expect(store.getState().tilesets[0].failures).toBeUndefined();
  });
});

describe('the placement matrix', () => {
  const place = { ...PLACE, headingDeg: 0, scale: 1 };

  it('puts local coordinates (a model at the Earth’s centre) at the place: x east, y north, z up', () => {
    const m = placementMatrix(place, null);
    const [e, n, u] = landed(m, [0, 0, 0]);
    expect(Math.hypot(e, n)).toBeLessThan(1e-6);
    expect(u).toBeCloseTo(80, 6);
    const east = landed(m, [100, 0, 0]);
    expect(east[0]).toBeCloseTo(100, 3);
    expect(east[1]).toBeCloseTo(0, 3);
    expect(landed(m, [0, 100, 0])[1]).toBeCloseTo(100, 3);
    expect(landed(m, [0, 0, 10])[2]).toBeCloseTo(90, 3);
  });

  it('turns clockwise by the heading, seen from above, and scales about the anchor', () => {
    const m = placementMatrix({ ...place, headingDeg: 90, scale: 2 }, null);
    // Turned a quarter clockwise: the model's north points east, its east points south.
    const north = landed(m, [0, 10, 0]);
    expect(north[0]).toBeCloseTo(20, 3);
    expect(north[1]).toBeCloseTo(0, 3);
    const east = landed(m, [10, 0, 0]);
    expect(east[0]).toBeCloseTo(0, 3);
    expect(east[1]).toBeCloseTo(-20, 3);
    expect(landed(m, [0, 0, 10])[2]).toBeCloseTo(80 + 20, 3);
  });

  it('moves a georeferenced tileset by its anchor: its own place leaves it where it is, another moves it there', () => {
    const own = { lon: 116.4, lat: 39.9, height: 0 };
    const centre = geodeticToEcef({ ...own, height: 30 });
    const bounds = { centre, radius: 50 };
    expect(atEarthCentre(bounds)).toBe(false);
    const anchor = tilesetAnchor(bounds)!;
    expect(anchor.lon).toBeCloseTo(116.4, 9);
    expect(anchor.height).toBe(0);
    const stay = placementMatrix({ ...anchor, headingDeg: 0, scale: 1 }, anchor);
    const same = transformPoint(stay, centre);
    expect(Math.hypot(same[0] - centre[0], same[1] - centre[1], same[2] - centre[2])).toBeLessThan(1e-6);
    // A point 30 m up at its own place ends 30 m up at the new one.
    const moved = placementMatrix(place, anchor);
    const [e, n, u] = landed(moved, centre);
    expect(Math.hypot(e, n)).toBeLessThan(1e-3);
    expect(u).toBeCloseTo(80 + 30, 3);
    // Its ENU frame's east stays east at the new place.
    const eastOfCentre = transformPoint(enuToEcefMatrix({ ...own, height: 30 }), [10, 0, 0]);
    expect(landed(moved, eastOfCentre)[0]).toBeCloseTo(10, 3);
  });

  it('tells a model at the Earth’s centre, and gives the bounds after placement for the flight', () => {
    const local = { centre: [5, 15, 30] as Vec3, radius: 60 };
    expect(atEarthCentre(local)).toBe(true);
    expect(tilesetAnchor(local)).toBeNull();
    const placed = placedBounds(local, { ...place, scale: 2 });
    const [e, n, u] = geodeticToEnu({ ...PLACE, height: 0 }, placed.centre);
    expect(e).toBeCloseTo(10, 3);
    expect(n).toBeCloseTo(30, 3);
    expect(u).toBeCloseTo(80 + 60, 3);
    expect(placed.radius).toBe(120);
    // The flight's camera is a few radii from that centre, looking down at it.
    const view = viewOfBounds(placed);
    const camera = geodeticToEnu(placed.centre, view);
    expect(Math.hypot(...camera)).toBeCloseTo(300, 3);
    expect(view.pitch).toBeLessThan(0);
  });
});

describe('why a tile failed', () => {
  it('reads the HTTP status either renderer names, and tells a request that got no answer', () => {
    expect(tileFailureReason('Failed to load model with error code 404')).toBe('404');
    expect(tileFailureReason('TilesRenderer: Failed to load tileset "x" with status 403 : Forbidden')).toBe('403');
    expect(tileFailureReason('Request has failed. Status Code: 404')).toBe('404');
    expect(tileFailureReason('Failed to fetch')).toBe('network');
    expect(tileFailureReason('Request has failed.')).toBe('network');
    expect(tileFailureReason('Invalid glTF magic')).toBe('content');
  });
});
