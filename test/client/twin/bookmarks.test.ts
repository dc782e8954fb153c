import { describe, expect, it } from 'vitest';
import { cityBookmarks, homeView } from '../../../client/twin/bookmarks.ts';
import { geodeticToEnu, lookDirection, viewLookingAt } from '../../../client/twin/geo.ts';
import type { CityInfo } from '../../../client/twin/types.ts';

const city: CityInfo = {
  id: 'pingdingshan',
  name: { zh: '平顶山', en: 'Pingdingshan' },
  synthetic: true,
  origin: { lon: 113.19, lat: 33.76, height: 100 },
  bounds: { west: 113.05, south: 33.66, east: 113.33, north: 33.86 },
  counts: {},
  districts: [],
  grid: [],
  pois: [],
  tilesetUrl: '/tiles/pingdingshan/tileset.json',
  groundUrl: null,
};

describe('bookmarks', () => {
  it('offers the whole city, its centre and the named places of the default city', () => {
    const names = cityBookmarks(city).map((b) => b.name.zh);
    expect(names).toEqual(['全市', '市中心', '湛河', '白龟山水库', '工业区']);
  });

  it('looks at its target: the view ray from the camera passes through it', () => {
    const target = { lon: 113.2, lat: 33.75, height: 100 };
    const view = viewLookingAt(target, 0.7, -0.6, 3000);
    const [e, n, u] = geodeticToEnu(target, view);
    const [de, dn, du] = lookDirection(view.heading, view.pitch);
    // camera + 3000 m along the look direction comes back to the target (within a metre).
    expect(Math.hypot(e + de * 3000, n + dn * 3000, u + du * 3000)).toBeLessThan(1);
    expect(u).toBeGreaterThan(1000);
  });

  it('frames the whole city from above it, south of the centre, looking north', () => {
    const home = homeView(city);
    expect(home.height).toBeGreaterThan(5000);
    expect(home.lat).toBeLessThan((city.bounds.south + city.bounds.north) / 2);
    expect(home.heading).toBe(0);
  });
});
