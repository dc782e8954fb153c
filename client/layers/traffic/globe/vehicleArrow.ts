/**
 * The vehicle marker: a white arrowhead pointing up with a dark rim, drawn once on a canvas (no
 * download). Billboards tint it with their colour (white takes the colour, the rim stays dark, so
 * it reads on light roofs and dark roads alike) and turn it along the vehicle's heading.
 */

/** Canvas pixels per displayed pixel: drawn finer than shown so the edges stay clean when scaled. */
const SUPERSAMPLE = 2;
/** Displayed size, CSS pixels. */
export const VEHICLE_ARROW_WIDTH = 11;
export const VEHICLE_ARROW_HEIGHT = 15;
/** Texture atlas key shared by every vehicle billboard, so the image is stored once. */
export const VEHICLE_ARROW_ID = 'yingcheng-vehicle-arrow';

let cached: HTMLCanvasElement | null = null;

/** The arrow image (one canvas per page). */
export function vehicleArrow(): HTMLCanvasElement {
  if (cached) return cached;
  const w = VEHICLE_ARROW_WIDTH * SUPERSAMPLE;
  const h = VEHICLE_ARROW_HEIGHT * SUPERSAMPLE;
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const g = canvas.getContext('2d');
  if (!g) throw new Error('vehicleArrow: no 2D canvas context');
  const rim = 1.25 * SUPERSAMPLE;
  g.beginPath();
  g.moveTo(w / 2, rim / 2);
  g.lineTo(w - rim / 2, h - rim / 2);
  g.lineTo(w / 2, h * 0.72);
  g.lineTo(rim / 2, h - rim / 2);
  g.closePath();
  g.lineJoin = 'round';
  g.lineWidth = rim;
  g.strokeStyle = 'rgba(10, 18, 30, 0.8)';
  g.fillStyle = '#ffffff';
  g.fill();
  g.stroke();
  cached = canvas;
  return canvas;
}
