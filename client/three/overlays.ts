/** Three.js objects for the city's overlays: facility sprites, district outlines and grid cells. */
import { BufferGeometry, CanvasTexture, Color, Group, LineBasicMaterial, LineLoop, SRGBColorSpace, Sprite, SpriteMaterial, Vector2, Vector3 } from 'three';
import type { Camera } from 'three';
import { geodeticToEnu } from '../twin/geo.ts';
import { DISTRICT_LINE_COLOR, GRID_LINE_COLOR } from '../twin/palette.ts';
import { poiIcon } from '../twin/poiIcon.ts';
import type { CityInfo, LonLatHeight, PoiKind } from '../twin/types.ts';

const FONT = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';

/** Scene coordinates (x east, y up, z south) of a geodetic point, relative to the city origin. */
export function toScene(city: CityInfo, p: LonLatHeight, target = new Vector3()): Vector3 {
  const [e, n, u] = geodeticToEnu(city.origin, p);
  return target.set(e, u, -n);
}

/** The canvas is drawn at this many pixels per CSS pixel, so text stays sharp. */
const CANVAS_SCALE = 2;
/** Sprite sizes (sizeAttenuation off) in view-space units at unit depth per CSS pixel: about one pixel on a 720-pixel-high view. */
const PX = 1 / 720;
const ICON_PX = 24;
const ICON_GAP_PX = 6;
/** Facility names farther than this from the camera are not shown (their icons are). */
const POI_LABEL_MAX_DISTANCE = 10000;

function sprite(canvas: HTMLCanvasElement, center: Vector2): Sprite {
  const texture = new CanvasTexture(canvas);
  texture.colorSpace = SRGBColorSpace;
  const s = new Sprite(new SpriteMaterial({ map: texture, depthTest: false, sizeAttenuation: false, transparent: true }));
  s.scale.set((canvas.width / CANVAS_SCALE) * PX, (canvas.height / CANVAS_SCALE) * PX, 1);
  s.center = center;
  s.renderOrder = 10;
  return s;
}

/** A sprite showing `text` at a fixed size on screen, centred, or starting `leftPx` right of its position. */
function labelSprite(text: string, color: string, fontPx: number, leftPx: number | null = null): Sprite {
  const canvas = document.createElement('canvas');
  const g0 = canvas.getContext('2d');
  if (!g0) throw new Error('labelSprite: no 2D canvas context');
  g0.font = `${fontPx * CANVAS_SCALE}px ${FONT}`;
  canvas.width = Math.ceil(g0.measureText(text).width) + 8 * CANVAS_SCALE;
  canvas.height = (fontPx + 10) * CANVAS_SCALE;
  const g = canvas.getContext('2d');
  if (!g) throw new Error('labelSprite: no 2D canvas context');
  g.font = `${fontPx * CANVAS_SCALE}px ${FONT}`;
  g.textBaseline = 'middle';
  g.lineWidth = 4 * CANVAS_SCALE;
  g.strokeStyle = 'rgba(2, 8, 16, 0.9)';
  g.strokeText(text, 2 * CANVAS_SCALE, canvas.height / 2);
  g.fillStyle = color;
  g.fillText(text, 2 * CANVAS_SCALE, canvas.height / 2);
  const center = leftPx === null ? new Vector2(0.5, 0.5) : new Vector2((-leftPx * CANVAS_SCALE) / canvas.width, 0.5);
  return sprite(canvas, center);
}

/** An icon sprite, ICON_PX across, centred on its position. */
function iconSprite(icon: HTMLCanvasElement): Sprite {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = ICON_PX * CANVAS_SCALE;
  const g = canvas.getContext('2d');
  if (!g) throw new Error('iconSprite: no 2D canvas context');
  g.drawImage(icon, 0, 0, canvas.width, canvas.height);
  return sprite(canvas, new Vector2(0.5, 0.5));
}

/** Facility markers with names: an icon sprite and a name sprite per facility (see declutterPoiLabels). */
export function createPoiGroup(city: CityInfo, kinds: Record<PoiKind, boolean>, zh: boolean): Group {
  const group = new Group();
  group.name = 'pois';
  for (const poi of city.pois) {
    if (!kinds[poi.kind]) continue;
    const marker = new Group();
    toScene(city, { lon: poi.lon, lat: poi.lat, height: (poi.height ?? city.origin.height) + 25 }, marker.position);
    marker.userData.poi = poi.id;
    const icon = iconSprite(poiIcon(poi.kind));
    const label = labelSprite(zh ? poi.name.zh : poi.name.en, '#ffffff', 13, ICON_PX / 2 + ICON_GAP_PX);
    label.userData.poiLabel = true;
    marker.add(icon, label);
    group.add(marker);
  }
  return group;
}

/**
 * Hides the facility names that would be drawn over another name or icon, or are farther than
 * POI_LABEL_MAX_DISTANCE: nearer facilities keep theirs. Icons always stay. Call when the camera
 * moved, with the view's size in CSS pixels; returns how many names are shown.
 */
export function declutterPoiLabels(group: Group, camera: Camera, width: number, height: number): number {
  interface Item {
    label: Sprite;
    distance: number;
    /** Screen position of the marker, CSS pixels; null when off screen or behind the camera. */
    at: { x: number; y: number } | null;
  }
  const items: Item[] = [];
  const p = new Vector3();
  for (const marker of group.children) {
    const label = marker.children.find((c): c is Sprite => c instanceof Sprite && c.userData.poiLabel === true);
    if (!label) continue;
    marker.getWorldPosition(p);
    const distance = p.distanceTo(camera.position);
    p.project(camera);
    const onScreen = p.z < 1 && Math.abs(p.x) <= 1.1 && Math.abs(p.y) <= 1.1;
    items.push({ label, distance, at: onScreen ? { x: ((p.x + 1) / 2) * width, y: ((1 - p.y) / 2) * height } : null });
  }
  // Sprites without size attenuation are scaled in view space at unit depth: on screen that is
  // scale × projection[1][1] / 2 of the view's height.
  const k = (height * camera.projectionMatrix.elements[5]) / 2;
  const iconHalf = (ICON_PX * PX * k) / 2;
  const placed: { x0: number; y0: number; x1: number; y1: number }[] = [];
  for (const it of items) if (it.at) placed.push({ x0: it.at.x - iconHalf, y0: it.at.y - iconHalf, x1: it.at.x + iconHalf, y1: it.at.y + iconHalf });
  const overlaps = (r: (typeof placed)[number]) => placed.some((q) => r.x0 < q.x1 && q.x0 < r.x1 && r.y0 < q.y1 && q.y0 < r.y1);
  let shown = 0;
  items.sort((a, b) => a.distance - b.distance);
  for (const it of items) {
    let visible = false;
    if (it.at && it.distance <= POI_LABEL_MAX_DISTANCE) {
      const w = it.label.scale.x * k;
      const h = it.label.scale.y * k;
      const x0 = it.at.x - it.label.center.x * w;
      const rect = { x0, y0: it.at.y - h / 2, x1: x0 + w, y1: it.at.y + h / 2 };
      if (!overlaps(rect)) {
        placed.push(rect);
        visible = true;
        shown++;
      }
    }
    it.label.visible = visible;
  }
  return shown;
}

function ringLine(city: CityInfo, ring: [number, number][], height: number, material: LineBasicMaterial): LineLoop {
  const points = ring.map(([lon, lat]) => toScene(city, { lon, lat, height }));
  const line = new LineLoop(new BufferGeometry().setFromPoints(points), material);
  line.renderOrder = 5;
  return line;
}

function centroid(ring: [number, number][]): [number, number] {
  const lon = ring.reduce((s, p) => s + p[0], 0) / ring.length;
  const lat = ring.reduce((s, p) => s + p[1], 0) / ring.length;
  return [lon, lat];
}

/** District outlines and names, drawn over everything. */
export function createDistrictGroup(city: CityInfo, zh: boolean): Group {
  const group = new Group();
  const material = new LineBasicMaterial({ color: new Color(DISTRICT_LINE_COLOR), depthTest: false, transparent: true, opacity: 0.9 });
  const height = city.origin.height + 3;
  for (const d of city.districts) {
    for (const ring of d.rings) group.add(ringLine(city, ring, height, material));
    if (!d.rings[0]) continue;
    const [lon, lat] = centroid(d.rings[0]);
    const label = labelSprite(zh ? d.name.zh : d.name.en, DISTRICT_LINE_COLOR, 18);
    toScene(city, { lon, lat, height: height + 200 }, label.position);
    group.add(label);
  }
  return group;
}

/** Management grid cells; ids are shown only for a modest number of cells. */
export function createGridGroup(city: CityInfo): Group {
  const group = new Group();
  const material = new LineBasicMaterial({ color: new Color(GRID_LINE_COLOR), depthTest: false, transparent: true, opacity: 0.45 });
  const height = city.origin.height + 2;
  for (const cell of city.grid) group.add(ringLine(city, cell.ring, height, material));
  if (city.grid.length <= 400) {
    for (const cell of city.grid) {
      const [lon, lat] = centroid(cell.ring);
      const label = labelSprite(cell.id, GRID_LINE_COLOR, 11);
      toScene(city, { lon, lat, height: height + 40 }, label.position);
      group.add(label);
    }
  }
  return group;
}

/** Frees the GPU resources of an overlay group. */
export function disposeGroup(group: Group): void {
  group.traverse((o) => {
    if (o instanceof Sprite) {
      o.material.map?.dispose();
      o.material.dispose();
    } else if (o instanceof LineLoop) {
      o.geometry.dispose();
      (o.material as LineBasicMaterial).dispose();
    }
  });
}
