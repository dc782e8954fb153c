/**
 * How another source's tileset is drawn in the night view: its own colours, lit so they can be
 * seen. The night scene has only a faint sky and moon (the city glows by its own windows), so a
 * model's physically based materials come out near black there, and metallic ones (glTF's default
 * when a model says nothing) fully black, with no environment to reflect. The city's look is kept:
 * only the added tileset's materials change.
 */
import { Color, MeshStandardMaterial, PointsMaterial } from 'three';
import type { Material, Object3D } from 'three';

/** How much of a model's own colour it gives off, as if floodlit. */
const GLOW = 0.45;
/** Metalness at most: with nothing to reflect, a metal shows only its glow. */
const MAX_METALNESS = 0.2;
/** Points at least this many pixels across: single pixels vanish in the dark. */
const MIN_POINT_PX = 2;

function lightMaterial(m: Material): void {
  if (m instanceof MeshStandardMaterial) {
    m.metalness = Math.min(m.metalness, MAX_METALNESS);
    m.emissive = new Color().copy(m.color).multiplyScalar(GLOW);
    // A textured model glows in its texture's colours.
    if (m.map && !m.emissiveMap) m.emissiveMap = m.map;
    m.needsUpdate = true;
  } else if (m instanceof PointsMaterial) {
    if (m.size < MIN_POINT_PX) m.size = MIN_POINT_PX;
    m.sizeAttenuation = false;
  }
}

/** Makes a loaded model of an added tileset visible at night (in place). */
export function lightForeignModel(root: Object3D): void {
  root.traverse((o) => {
    const material = (o as { material?: Material | Material[] }).material;
    if (!material) return;
    for (const m of Array.isArray(material) ? material : [material]) lightMaterial(m);
  });
}
