import { Group, PerspectiveCamera, Sprite, Vector2 } from 'three';
import { describe, expect, it } from 'vitest';
import { declutterPoiLabels } from '../../../client/three/overlays.ts';

/** A facility marker as createPoiGroup makes it: an icon and a name starting right of it, ~120×23 px. */
function marker(x: number, z: number): { marker: Group; icon: Sprite; label: Sprite } {
  const m = new Group();
  m.position.set(x, 0, z);
  const icon = new Sprite();
  icon.scale.set(24 / 720, 24 / 720, 1);
  const label = new Sprite();
  label.scale.set(120 / 720, 23 / 720, 1);
  label.center = new Vector2(-0.15, 0.5);
  label.userData.poiLabel = true;
  m.add(icon, label);
  return { marker: m, icon, label };
}

function cameraAbove(height: number): PerspectiveCamera {
  const camera = new PerspectiveCamera(45, 1280 / 720, 5, 150000);
  camera.position.set(0, height, 0);
  camera.lookAt(0, 0, -1e-3);
  camera.updateMatrixWorld();
  camera.updateProjectionMatrix();
  return camera;
}

describe('declutterPoiLabels', () => {
  it('hides the farther of two names that would overlap on screen and keeps both icons', () => {
    const group = new Group();
    const near = marker(0, 0);
    const far = marker(0, -20); // 20 m north of it seen from 2 km: a few pixels higher, the names overlap
    far.marker.position.y = -50;
    group.add(near.marker, far.marker);
    const shown = declutterPoiLabels(group, cameraAbove(2000), 1280, 720);
    expect(shown).toBe(1);
    expect(near.label.visible).toBe(true);
    expect(far.label.visible).toBe(false);
    expect(near.icon.visible && far.icon.visible).toBe(true);
  });

  it('shows names that are apart on screen, and hides names beyond the label distance', () => {
    const group = new Group();
    const a = marker(-600, 0);
    const b = marker(600, 0);
    group.add(a.marker, b.marker);
    expect(declutterPoiLabels(group, cameraAbove(2000), 1280, 720)).toBe(2);
    expect(declutterPoiLabels(group, cameraAbove(20000), 1280, 720)).toBe(0);
    expect(a.icon.visible && b.icon.visible).toBe(true);
  });
});
