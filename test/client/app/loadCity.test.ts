import { describe, expect, it } from 'vitest';
import { normaliseCity } from '../../../client/app/loadCity.ts';

const body = {
  id: 'pingdingshan',
  name: { zh: '平顶山', en: 'Pingdingshan' },
  synthetic: true,
  origin: { lon: 113.19, lat: 33.76, height: 95 },
  bounds: { west: 113.1, south: 33.7, east: 113.3, north: 33.8 },
  counts: { buildings: 30000, gridCells: 2, pois: { hospital: 3, school: 4 } },
  districts: [{ id: 'xinhua', name: { zh: '新华区', en: 'Xinhua' }, polygon: [[[113.1, 33.7], [113.2, 33.7], [113.2, 33.8]]] }],
  grid: { originX: 0, originY: 0, cellSize: 1000, cols: 2, rows: 1, cells: [{ id: 'G0000', col: 0, row: 0, district: 'xinhua' }, { id: 'G0001', col: 1, row: 0, district: '' }] },
  pois: [
    { id: 'P1', kind: 'hospital', name: { zh: '市第一人民医院', en: 'No. 1 People’s Hospital' }, lon: 113.2, lat: 33.75 },
    { id: 'P2', kind: 'zoo', name: { zh: '动物园', en: 'Zoo' }, lon: 113.2, lat: 33.75 },
  ],
  tilesets: { buildings: '/tiles/pingdingshan/tileset.json', ground: '/tiles/pingdingshan/ground.json' },
};

describe('normaliseCity', () => {
  it('reads what the server sends: names, districts, facilities and tileset URLs', () => {
    const city = normaliseCity(body);
    expect(city.name.zh).toBe('平顶山');
    expect(city.synthetic).toBe(true);
    expect(city.districts[0].rings[0]).toHaveLength(3);
    expect(city.tilesetUrl).toBe('/tiles/pingdingshan/tileset.json');
    expect(city.groundUrl).toBe('/tiles/pingdingshan/ground.json');
    expect(city.counts.pois).toBe(7);
  });

  it('skips a facility of an unknown kind instead of failing', () => {
    expect(normaliseCity(body).pois.map((p) => p.id)).toEqual(['P1']);
  });

  it('places grid cells from the grid frame: 1 km cells east of the origin', () => {
    const [first, second] = normaliseCity(body).grid;
    expect(first.ring[0][0]).toBeCloseTo(113.19, 6);
    expect(first.ring[0][1]).toBeCloseTo(33.76, 6);
    // One kilometre east at 33.76° N is about 0.0108° of longitude.
    expect(second.ring[0][0] - first.ring[0][0]).toBeCloseTo(0.0108, 3);
  });

  it('names the missing field when the origin is absent', () => {
    expect(() => normaliseCity({ id: 'x' })).toThrow(/origin/);
  });
});
