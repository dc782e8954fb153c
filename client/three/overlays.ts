/** Three.js objects for the city's overlays: facility sprites, district outlines and grid cells. */
import { BufferGeometry, CanvasTexture, Color, Group, LineBasicMaterial, LineLoop, SRGBColorSpace, Sprite, SpriteMaterial, Vector2, Vector3 } from 'three';
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

/** A sprite showing `text` (and an icon when given) at a fixed size on screen. */
function labelSprite(text: string, color: string, icon: HTMLCanvasElement | null, fontPx: number): Sprite {
  const scale = 2;
  const canvas = document.createElement('canvas');
  const g0 = canvas.getContext('2d');
  if (!g0) throw new Error('labelSprite: no 2D canvas context');
  g0.font = `${fontPx * scale}px ${FONT}`;
  const iconSize = icon ? 24 * scale : 0;
  const gap = icon ? 6 * scale : 0;
  const textWidth = Math.ceil(g0.measureText(text).width) + 8 * scale;
  canvas.width = iconSize + gap + textWidth;
  canvas.height = Math.max(iconSize, (fontPx + 10) * scale);
  const g = canvas.getContext('2d');
  if (!g) throw new Error('labelSprite: no 2D canvas context');
  if (icon) g.drawImage(icon, 0, (canvas.height - iconSize) / 2, iconSize, iconSize);
  g.font = `${fontPx * scale}px ${FONT}`;
  g.textBaseline = 'middle';
  g.lineWidth = 4 * scale;
  g.strokeStyle = 'rgba(2, 8, 16, 0.9)';
  g.strokeText(text, iconSize + gap + 2 * scale, canvas.height / 2);
  g.fillStyle = color;
  g.fillText(text, iconSize + gap + 2 * scale, canvas.height / 2);
  const texture = new CanvasTexture(canvas);
  texture.colorSpace = SRGBColorSpace;
  const sprite = new Sprite(new SpriteMaterial({ map: texture, depthTest: false, sizeAttenuation: false, transparent: true }));
  // sizeAttenuation off: the scale is a fraction of the viewport height; 1/720 ≈ one CSS pixel on a 720-pixel-high view.
  const px = 1 / 720 / scale;
  sprite.scale.set(canvas.width * px, canvas.height * px, 1);
  sprite.center = icon ? new Vector2(iconSize / 2 / canvas.width, 0.5) : new Vector2(0.5, 0.5);
  sprite.renderOrder = 10;
  return sprite;
}

/** Facility markers with names. */
export function createPoiGroup(city: CityInfo, kinds: Record<PoiKind, boolean>, zh: boolean): Group {
  const group = new Group();
  group.name = 'pois';
  for (const poi of city.pois) {
    if (!kinds[poi.kind]) continue;
    const sprite = labelSprite(zh ? poi.name.zh : poi.name.en, '#ffffff', poiIcon(poi.kind), 13);
    toScene(city, { lon: poi.lon, lat: poi.lat, height: (poi.height ?? city.origin.height) + 25 }, sprite.position);
    sprite.userData.poi = poi.id;
    group.add(sprite);
  }
  return group;
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
    const label = labelSprite(zh ? d.name.zh : d.name.en, DISTRICT_LINE_COLOR, null, 18);
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
      const label = labelSprite(cell.id, GRID_LINE_COLOR, null, 11);
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
