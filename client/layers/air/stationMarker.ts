/**
 * A station's marker as both views draw it: a disc in its AQI level's official colour with the AQI
 * inside, the station's name on a dark plate under it, on a stem whose foot is the station, so the
 * marker stands clear of the city's own station icon there. The night view draws it as one canvas
 * (stationMarker, with a glow in the level's colour); the globe from its parts (a disc image per
 * level, the stem, and labels for the figure and the name), so its texture atlas holds a handful of
 * images however often the AQI changes.
 */
import { AQI_LEVELS, aqiLevel, type AqiLevel } from '../../../server/protocol/aqi.ts';

/** Canvas pixels per CSS pixel: drawn finer than shown. */
export const MARKER_SCALE = 2;
export const MARKER_FONT = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';
/** Sizes as shown, CSS pixels. */
export const DISC_PX = 30;
export const NAME_PX = 12;
/** The name plate's height: the name and its padding. */
export const PLATE_PX = NAME_PX + 6;
/** From the name plate down to the station: over the facility icon (24 px) drawn there. */
export const STEM_PX = 18;
const GAP_PX = 3;
const GLOW_PX = 10;

/** How far above the station (the stem's foot) the name plate's and the disc's centres are, CSS pixels. */
export const PLATE_ABOVE_PX = STEM_PX + PLATE_PX / 2;
export const DISC_ABOVE_PX = STEM_PX + PLATE_PX + GAP_PX + DISC_PX / 2;

/** The level an AQI is drawn in. */
export const markerLevel = (aqi: number): AqiLevel => AQI_LEVELS[aqiLevel(Math.max(0, aqi)).level - 1];

/** The figure's colour on a level's disc: dark on the three light colours, white on the three dark ones. */
export const figureColor = (level: AqiLevel): string => (level.level >= 4 ? '#ffffff' : '#04121f');

function canvas2d(widthPx: number, heightPx: number): { canvas: HTMLCanvasElement; g: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(widthPx * MARKER_SCALE);
  canvas.height = Math.ceil(heightPx * MARKER_SCALE);
  const g = canvas.getContext('2d');
  if (!g) throw new Error('stationMarker: no 2D canvas context');
  g.scale(MARKER_SCALE, MARKER_SCALE);
  return { canvas, g };
}

function drawDisc(g: CanvasRenderingContext2D, cx: number, cy: number, level: AqiLevel, glow: boolean): void {
  if (glow) {
    g.shadowColor = level.color;
    g.shadowBlur = GLOW_PX * MARKER_SCALE;
  }
  g.beginPath();
  g.arc(cx, cy, DISC_PX / 2 - 1, 0, 2 * Math.PI);
  g.fillStyle = level.color;
  g.fill();
  g.shadowBlur = 0;
  g.lineWidth = 1.5;
  g.strokeStyle = 'rgba(4, 18, 31, 0.85)';
  g.stroke();
}

function drawStem(g: CanvasRenderingContext2D, cx: number, top: number, bottom: number, color: string, footColor: string): void {
  g.strokeStyle = color;
  g.lineWidth = 1.5;
  g.beginPath();
  g.moveTo(cx, top);
  g.lineTo(cx, bottom - 2);
  g.stroke();
  g.beginPath();
  g.arc(cx, bottom - 2, 2, 0, 2 * Math.PI);
  g.fillStyle = footColor;
  g.fill();
}

/** A level's disc alone (the globe's), DISC_PX across. */
export function discImage(level: AqiLevel): HTMLCanvasElement {
  const { canvas, g } = canvas2d(DISC_PX, DISC_PX);
  drawDisc(g, DISC_PX / 2, DISC_PX / 2, level, false);
  return canvas;
}

/** The stem alone (the globe's), 6 × STEM_PX, its foot at the bottom. */
export function stemImage(): HTMLCanvasElement {
  const { canvas, g } = canvas2d(6, STEM_PX);
  drawStem(g, 3, 0, STEM_PX, 'rgba(4, 14, 26, 0.85)', '#e6f0fa');
  return canvas;
}

export interface StationMarker {
  canvas: HTMLCanvasElement;
  /** Its size as shown, CSS pixels. */
  width: number;
  height: number;
  /** Where the station is (the stem's foot), as fractions of the width from the left and of the height from the bottom. */
  anchor: { x: number; y: number };
}

/** The whole marker of a station with `aqi` named `name` on one canvas, glowing (the night view's). */
export function stationMarker(aqi: number, name: string): StationMarker {
  const level = markerLevel(aqi);
  const measure = canvas2d(1, 1).g;
  measure.font = `${NAME_PX}px ${MARKER_FONT}`;
  const plateWidth = Math.ceil(measure.measureText(name).width) + 10;
  const width = Math.max(DISC_PX + 2 * GLOW_PX, plateWidth + 4);
  const height = DISC_ABOVE_PX + DISC_PX / 2 + GLOW_PX;
  const { canvas, g } = canvas2d(width, height);
  const cx = width / 2;
  const foot = height;
  drawDisc(g, cx, foot - DISC_ABOVE_PX, level, true);
  g.font = `bold ${aqi >= 100 ? 12 : 14}px ${MARKER_FONT}`;
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillStyle = figureColor(level);
  g.fillText(String(Math.round(aqi)), cx, foot - DISC_ABOVE_PX + 0.5);
  g.fillStyle = 'rgba(4, 14, 26, 0.78)';
  g.beginPath();
  g.roundRect(cx - plateWidth / 2, foot - PLATE_ABOVE_PX - PLATE_PX / 2, plateWidth, PLATE_PX, 3);
  g.fill();
  g.font = `${NAME_PX}px ${MARKER_FONT}`;
  g.fillStyle = '#b8c8da';
  g.fillText(name, cx, foot - PLATE_ABOVE_PX + 0.5);
  drawStem(g, cx, foot - STEM_PX, foot, level.color, level.color);
  return { canvas, width, height, anchor: { x: 0.5, y: 0 } };
}
