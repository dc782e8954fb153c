/** The camera bookmarks a city offers: an overview, the centre, and named places of the default city. */
import { enuToGeodetic, geodeticToEnu, viewLookingAt } from './geo.ts';
import type { Bookmark, CameraView, CityInfo, LocalizedName } from './types.ts';

const DEG = Math.PI / 180;

interface Place {
  id: string;
  name: LocalizedName;
  /** Target in local metres east and north of the city origin. */
  east: number;
  north: number;
  range: number;
  heading: number;
  pitch: number;
}

/** Where the default city's generator puts its landmarks (local metres from the origin). */
const PLACES: Record<string, Place[]> = {
  pingdingshan: [
    { id: 'zhanhe', name: { zh: '湛河', en: 'Zhan River' }, east: 0, north: -2350, range: 3000, heading: 15 * DEG, pitch: -35 * DEG },
    { id: 'baiguishan', name: { zh: '白龟山水库', en: 'Baiguishan Reservoir' }, east: -5150, north: -3500, range: 4500, heading: 30 * DEG, pitch: -35 * DEG },
    { id: 'industrial', name: { zh: '工业区', en: 'Industrial area' }, east: 4000, north: 2000, range: 3000, heading: -30 * DEG, pitch: -40 * DEG },
  ],
};

/** The overview of the whole city: from the south, looking down at its middle. */
export function homeView(city: CityInfo): CameraView {
  const { west, south, east, north } = city.bounds;
  const centre = { lon: (west + east) / 2, lat: (south + north) / 2, height: city.origin.height };
  const [e1, n1] = geodeticToEnu(city.origin, { lon: west, lat: south, height: city.origin.height });
  const [e2, n2] = geodeticToEnu(city.origin, { lon: east, lat: north, height: city.origin.height });
  const size = Math.max(Math.abs(e2 - e1), Math.abs(n2 - n1), 2000);
  return viewLookingAt(centre, 0, -50 * DEG, size * 0.6);
}

/** Bookmarks for a city: overview, centre, then any named places known for it. */
export function cityBookmarks(city: CityInfo): Bookmark[] {
  const marks: Bookmark[] = [
    { id: 'home', name: { zh: '全市', en: 'Whole city' }, view: homeView(city) },
    { id: 'centre', name: { zh: '市中心', en: 'City centre' }, view: viewLookingAt(city.origin, 30 * DEG, -35 * DEG, 2500) },
  ];
  for (const place of PLACES[city.id] ?? []) {
    const target = enuToGeodetic(city.origin, [place.east, place.north, 0]);
    marks.push({ id: place.id, name: place.name, view: viewLookingAt(target, place.heading, place.pitch, place.range) });
  }
  return marks;
}
