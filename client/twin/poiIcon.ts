/** Draws a facility marker (a coloured pin with a glyph) on a canvas, so no icon is fetched. */
import { POI_COLORS, POI_GLYPHS } from './palette.ts';
import type { PoiKind } from './types.ts';

const cache = new Map<string, HTMLCanvasElement>();

/** A 48×48 (CSS 24×24 at 2×) marker canvas for a facility kind; cached per kind. */
export function poiIcon(kind: PoiKind): HTMLCanvasElement {
  const cached = cache.get(kind);
  if (cached) return cached;
  const size = 48;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const g = canvas.getContext('2d');
  if (!g) throw new Error('poiIcon: no 2D canvas context');
  g.beginPath();
  g.arc(size / 2, size / 2, size / 2 - 3, 0, Math.PI * 2);
  g.fillStyle = POI_COLORS[kind];
  g.fill();
  g.lineWidth = 3;
  g.strokeStyle = '#ffffff';
  g.stroke();
  g.fillStyle = '#ffffff';
  g.font = `bold ${size * 0.46}px "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif`;
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText(POI_GLYPHS[kind], size / 2, size / 2 + 1);
  cache.set(kind, canvas);
  return canvas;
}
