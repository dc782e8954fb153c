/** The Cesium3DTileStyle for the buildings tileset: colour by use, height or district; selection on top. */
import { Cesium3DTileStyle } from 'cesium';
import { DISTRICT_COLORS, HEIGHT_STOPS, SELECTION_COLOR, USE_COLORS } from '../twin/palette.ts';
import type { CityInfo, ColorBy } from '../twin/types.ts';

// Ids go into a style expression: only plain ids may, so a strange one cannot break the expression.
const SAFE_ID = /^[A-Za-z0-9_.:-]+$/;

const color = (hex: string) => `color('${hex}')`;

/** Builds the style for the city's buildings tileset (metadata properties id, use, height, district). */
export function buildingStyle(city: CityInfo, colorBy: ColorBy, selectedId: string | null): Cesium3DTileStyle {
  const conditions: [string, string][] = [];
  if (selectedId && SAFE_ID.test(selectedId)) conditions.push([`\${id} === '${selectedId}'`, color(SELECTION_COLOR)]);
  if (colorBy === 'use') {
    for (const [use, hex] of Object.entries(USE_COLORS)) conditions.push([`\${use} === '${use}'`, color(hex)]);
  } else if (colorBy === 'height') {
    for (const stop of [...HEIGHT_STOPS].reverse()) conditions.push([`\${height} >= ${stop.min}`, color(stop.color)]);
  } else {
    city.districts.forEach((d, i) => {
      if (SAFE_ID.test(d.id)) conditions.push([`\${district} === '${d.id}'`, color(DISTRICT_COLORS[i % DISTRICT_COLORS.length])]);
    });
  }
  conditions.push(['true', color('#d9d9d9')]);
  return new Cesium3DTileStyle({ color: { conditions } });
}
