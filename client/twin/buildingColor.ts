/** The colour of a building for a colouring mode: the same rule the Cesium style expresses. */
import { DISTRICT_COLORS, HEIGHT_STOPS, USE_COLORS } from './palette.ts';
import type { BuildingUse, CityInfo, ColorBy } from './types.ts';

const FALLBACK = '#d9d9d9';

/** CSS hex colour of a building with the given use, height and district. */
export function buildingColor(b: { use: string; height: number; district: string }, colorBy: ColorBy, city: CityInfo): string {
  if (colorBy === 'use') return USE_COLORS[b.use as BuildingUse] ?? FALLBACK;
  if (colorBy === 'height') {
    let color = HEIGHT_STOPS[0].color;
    for (const stop of HEIGHT_STOPS) if (b.height >= stop.min) color = stop.color;
    return color;
  }
  const i = city.districts.findIndex((d) => d.id === b.district);
  return i < 0 ? FALLBACK : DISTRICT_COLORS[i % DISTRICT_COLORS.length];
}
