/**
 * Colours of the incidents layer, shared by both views, the legend and the panel: response levels
 * I–IV in red, orange, yellow and blue (responseLevels.ts), AEGL threat zones as ALOHA draws them
 * (aegl.ts), the evacuation and shelter-in-place outlines, and each kind of unit.
 */
import { AEGL_COLORS } from '../../../server/protocol/aegl.ts';
import type { UnitKind, ZoneKind } from '../../../server/protocol/EmergencySummary.ts';
import { RESPONSE_LEVEL_INFO, type ResponseLevel } from '../../../server/protocol/responseLevels.ts';

/** A level's colour. */
export const levelColor = (level: ResponseLevel): string => RESPONSE_LEVEL_INFO[level].color;

/** Text on a level's colour: dark on yellow and orange, white on red and blue. */
export const levelTextColor = (level: ResponseLevel): string => (level === 'II' || level === 'III' ? '#04121f' : '#ffffff');

/**
 * How a zone is drawn on the ground: its colour, its fill's opacity (0: none; a hatch for an
 * evacuation), its outline's width and dashes in metres (wide enough to be seen from a few
 * kilometres, as the zones are looked at).
 */
export interface ZoneStyle {
  color: string;
  fillAlpha: number;
  hatch: boolean;
  lineWidthM: number;
  dashM: number[];
}

/**
 * Zones, drawn in this order: the AEGL-1, -2 and -3 threat zones filled (each inside the one
 * before), then the orders as outlines of their own — an evacuation dashed and hatched in magenta,
 * shelter in place dotted in cyan — so neither reads as a threat level.
 */
export const ZONE_STYLES: Readonly<Record<ZoneKind, ZoneStyle>> = {
  aegl1: { color: AEGL_COLORS[1], fillAlpha: 0.22, hatch: false, lineWidthM: 9, dashM: [] },
  aegl2: { color: AEGL_COLORS[2], fillAlpha: 0.3, hatch: false, lineWidthM: 9, dashM: [] },
  aegl3: { color: AEGL_COLORS[3], fillAlpha: 0.4, hatch: false, lineWidthM: 9, dashM: [] },
  evacuation: { color: '#e040fb', fillAlpha: 0.4, hatch: true, lineWidthM: 16, dashM: [70, 35] },
  shelterInPlace: { color: '#00e5ff', fillAlpha: 0, hatch: false, lineWidthM: 16, dashM: [16, 30] },
};

/** The order zones are painted in. */
export const ZONE_ORDER: readonly ZoneKind[] = ['aegl1', 'aegl2', 'aegl3', 'evacuation', 'shelterInPlace'];

/** Each kind of responding unit's colour (its route and its marker). */
export const UNIT_COLORS: Readonly<Record<UnitKind, string>> = { fire: '#ff5a36', ambulance: '#4df2c6', police: '#4f8dff' };

/** Shelters' and hospitals' markers. */
export const SHELTER_COLOR = '#43c463';
export const HOSPITAL_COLOR = '#ff4d6d';
