/**
 * A marker of the incidents layer as both views draw it: an icon on a disc of its colour beside a
 * dark plate of one to three lines, on a stem whose foot is the place, drawn on one canvas (the
 * globe as a billboard, the night view as a sprite; the station markers' scale and font). Icons
 * are drawn, not written, so they read in any language.
 */
import { MARKER_FONT, MARKER_SCALE, type StationMarker } from '../air/stationMarker.ts';

export type MarkerIcon = 'fire' | 'chemical' | 'flood' | 'shelter' | 'hospital' | 'police';

export interface MarkerLine {
  text: string;
  color?: string;
  bold?: boolean;
}

export interface MarkerLook {
  icon: MarkerIcon;
  /** The disc's colour, and the plate's edge. */
  color: string;
  /** The icon's colour on the disc. */
  iconColor: string;
  lines: readonly MarkerLine[];
  /** The stem's length, CSS pixels (0: the disc sits on the place). */
  stemPx: number;
}

const DISC_PX = 26;
const LINE_PX = 15;
const FONT_PX = 12;
const PAD_PX = 5;
const GAP_PX = 4;

function drawIcon(g: CanvasRenderingContext2D, icon: MarkerIcon, cx: number, cy: number, color: string): void {
  g.fillStyle = color;
  g.strokeStyle = color;
  g.lineWidth = 2;
  g.lineJoin = 'round';
  g.beginPath();
  switch (icon) {
    case 'fire':
      g.moveTo(cx, cy - 8);
      g.bezierCurveTo(cx + 7, cy - 2, cx + 7, cy + 7, cx, cy + 8);
      g.bezierCurveTo(cx - 7, cy + 7, cx - 7, cy, cx - 2, cy - 3);
      g.bezierCurveTo(cx - 1, cy, cx + 1, cy - 1, cx, cy - 8);
      g.fill();
      break;
    case 'chemical':
      g.moveTo(cx, cy - 8);
      g.lineTo(cx + 8, cy + 6);
      g.lineTo(cx - 8, cy + 6);
      g.closePath();
      g.stroke();
      g.fillRect(cx - 1, cy - 3, 2, 5);
      g.fillRect(cx - 1, cy + 3, 2, 2);
      break;
    case 'flood':
      for (const dy of [-4, 1, 6]) {
        g.moveTo(cx - 8, dy + cy);
        g.bezierCurveTo(cx - 4, cy + dy - 3, cx - 1, cy + dy + 3, cx + 2, cy + dy);
        g.bezierCurveTo(cx + 4, cy + dy - 2, cx + 6, cy + dy - 2, cx + 8, cy + dy);
      }
      g.stroke();
      break;
    case 'shelter':
      g.moveTo(cx - 8, cy);
      g.lineTo(cx, cy - 8);
      g.lineTo(cx + 8, cy);
      g.closePath();
      g.fill();
      g.fillRect(cx - 5, cy, 10, 7);
      break;
    case 'hospital':
      g.fillRect(cx - 2.5, cy - 8, 5, 16);
      g.fillRect(cx - 8, cy - 2.5, 16, 5);
      break;
    case 'police':
      for (let k = 0; k < 10; k++) {
        const r = k % 2 === 0 ? 8 : 3.5;
        const a = -Math.PI / 2 + (k * Math.PI) / 5;
        if (k === 0) g.moveTo(cx + r * Math.cos(a), cy + r * Math.sin(a));
        else g.lineTo(cx + r * Math.cos(a), cy + r * Math.sin(a));
      }
      g.closePath();
      g.fill();
      break;
  }
}

/** The marker drawn at MARKER_SCALE; its foot (the place) is at `anchor` (fractions from the left and from the bottom). */
export function markerImage(look: MarkerLook): StationMarker {
  const measure = document.createElement('canvas').getContext('2d')!;
  const widths = look.lines.map((l) => {
    measure.font = `${l.bold ? 'bold ' : ''}${FONT_PX}px ${MARKER_FONT}`;
    return measure.measureText(l.text).width;
  });
  const plateW = look.lines.length > 0 ? Math.ceil(Math.max(...widths)) + 2 * PAD_PX : 0;
  const plateH = look.lines.length * LINE_PX + 6;
  const rowH = Math.max(DISC_PX, plateH);
  const width = DISC_PX + (plateW > 0 ? GAP_PX + plateW : 0) + 2;
  const height = rowH + look.stemPx + 2;
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * MARKER_SCALE);
  canvas.height = Math.ceil(height * MARKER_SCALE);
  const g = canvas.getContext('2d')!;
  g.scale(MARKER_SCALE, MARKER_SCALE);
  const cx = 1 + DISC_PX / 2;
  const cy = 1 + rowH / 2;
  if (look.stemPx > 0) {
    g.strokeStyle = look.color;
    g.lineWidth = 2;
    g.beginPath();
    g.moveTo(cx, cy + DISC_PX / 2);
    g.lineTo(cx, height - 3);
    g.stroke();
    g.fillStyle = look.color;
    g.beginPath();
    g.arc(cx, height - 3, 2.5, 0, 2 * Math.PI);
    g.fill();
  }
  if (plateW > 0) {
    const x = 1 + DISC_PX + GAP_PX;
    const y = cy - plateH / 2;
    g.fillStyle = 'rgba(4, 14, 26, 0.86)';
    g.strokeStyle = look.color;
    g.lineWidth = 1.2;
    g.beginPath();
    g.roundRect(x, y, plateW, plateH, 3);
    g.fill();
    g.stroke();
    g.textBaseline = 'middle';
    look.lines.forEach((l, k) => {
      g.font = `${l.bold ? 'bold ' : ''}${FONT_PX}px ${MARKER_FONT}`;
      g.fillStyle = l.color ?? '#e6f0fa';
      g.fillText(l.text, x + PAD_PX, y + 3 + LINE_PX * (k + 0.5) + 0.5);
    });
  }
  g.beginPath();
  g.arc(cx, cy, DISC_PX / 2 - 1, 0, 2 * Math.PI);
  g.fillStyle = look.color;
  g.fill();
  g.lineWidth = 1.5;
  g.strokeStyle = 'rgba(4, 18, 31, 0.9)';
  g.stroke();
  drawIcon(g, look.icon, cx, cy, look.iconColor);
  return { canvas, width, height, anchor: { x: cx / width, y: look.stemPx > 0 ? 3 / height : (height - cy) / height } };
}

/** A short id for a marker's look (FNV-1a of its key), for a texture atlas's cache. */
export function imageId(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return `incident-marker-${(h >>> 0).toString(36)}-${key.length}`;
}
