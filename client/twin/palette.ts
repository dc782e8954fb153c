/** Colours both views use, so a building or facility looks the same in each. */
import type { BuildingUse, PoiKind } from './types.ts';

export const USE_COLORS: Record<BuildingUse, string> = {
  residential: '#e8c9a0',
  commercial: '#4fa3e0',
  office: '#8fb8de',
  industrial: '#b38b6d',
  public: '#7fc97f',
  school: '#f0a04b',
  hospital: '#e8606a',
};

export const POI_COLORS: Record<PoiKind, string> = {
  fire_station: '#e53935',
  hospital: '#ec407a',
  police: '#1e88e5',
  shelter: '#43a047',
  school: '#fb8c00',
  aq_station: '#00acc1',
};

/** One glyph per facility kind, drawn inside its marker. */
export const POI_GLYPHS: Record<PoiKind, string> = {
  fire_station: '消',
  hospital: '医',
  police: '警',
  shelter: '避',
  school: '学',
  aq_station: '气',
};

/** Building height classes (metres, lower bound) and their colours, low to high. */
export const HEIGHT_STOPS: { min: number; color: string }[] = [
  { min: 0, color: '#2c7bb6' },
  { min: 12, color: '#00a6ca' },
  { min: 24, color: '#00ccbc' },
  { min: 36, color: '#90eb9d' },
  { min: 54, color: '#ffff8c' },
  { min: 80, color: '#f9d057' },
  { min: 100, color: '#f29e2e' },
  { min: 150, color: '#d7191c' },
];

export const DISTRICT_COLORS = ['#66c2a5', '#fc8d62', '#8da0cb', '#e78ac3', '#a6d854', '#ffd92f', '#e5c494', '#b3b3b3'];

export const SELECTION_COLOR = '#ffd400';
export const DISTRICT_LINE_COLOR = '#ffe082';
export const GRID_LINE_COLOR = '#80deea';
