/** The wind particle's image on the globe: a short streak, bright at its head (the top) and fading to its tail. */

/** Displayed size, CSS pixels. */
export const STREAK_WIDTH = 3;
export const STREAK_HEIGHT = 22;
/** Texture atlas key shared by every particle's billboard. */
export const STREAK_ID = 'yingcheng-wind-streak';

let cached: HTMLCanvasElement | null = null;

/** The streak image (one canvas per page). */
export function windStreak(): HTMLCanvasElement {
  if (cached) return cached;
  const canvas = document.createElement('canvas');
  canvas.width = STREAK_WIDTH * 2;
  canvas.height = STREAK_HEIGHT * 2;
  const g = canvas.getContext('2d');
  if (!g) throw new Error('windStreak: no 2D canvas context');
  const gradient = g.createLinearGradient(0, 0, 0, canvas.height);
  gradient.addColorStop(0, 'rgba(235, 250, 255, 1)');
  gradient.addColorStop(0.35, 'rgba(190, 235, 255, 0.75)');
  gradient.addColorStop(1, 'rgba(190, 235, 255, 0)');
  g.fillStyle = gradient;
  g.beginPath();
  g.roundRect(0, 0, canvas.width, canvas.height, canvas.width / 2);
  g.fill();
  cached = canvas;
  return canvas;
}
