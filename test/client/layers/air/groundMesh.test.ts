import { describe, expect, it } from 'vitest';
import { gridArea, groundHit, groundMesh } from '../../../../client/layers/air/groundMesh.ts';
import { terrainHeightAt, type TerrainHeights } from '../../../../client/twin/traffic/roads.ts';

/** A terrain of 50 m cells from (-500, -400): a slope rising 0.1 m per metre east, and a 30 m hill at (200, 100). */
function terrain(): TerrainHeights {
  const cols = 21;
  const rows = 17;
  const heights = new Float32Array(cols * rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = -500 + 50 * c;
      const y = -400 + 50 * r;
      heights[r * cols + c] = 0.1 * (x + 500) + 30 * Math.exp(-((x - 200) ** 2 + (y - 100) ** 2) / 20000);
    }
  }
  return { originX: -500, originY: -400, cellSize: 50, cols, rows, heights };
}

describe('the ground the air is drawn on', () => {
  const t = terrain();

  it('is a mesh on the terrain grid’s nodes, lifted, with texture coordinates over the area', () => {
    const area = gridArea({ originX: -300, originY: -200, cols: 6, rows: 4, cellSize: 100 });
    const mesh = groundMesh(t, area, 4);
    // 600 × 400 m at 50 m: 13 × 9 vertices, two triangles a cell.
    expect(mesh.vertexCount).toBe(13 * 9);
    expect(mesh.indices.length).toBe(12 * 8 * 6);
    for (let k = 0; k < mesh.vertexCount; k++) {
      const [x, y, z] = [mesh.positions[3 * k], mesh.positions[3 * k + 1], mesh.positions[3 * k + 2]];
      expect(z).toBeCloseTo(terrainHeightAt(t, x, y) + 4, 4);
      expect(mesh.uvs[2 * k]).toBeCloseTo((x + 300) / 600, 6);
      expect(mesh.uvs[2 * k + 1]).toBeCloseTo((y + 200) / 400, 6);
    }
    expect(Math.min(...mesh.uvs)).toBe(0);
    expect(Math.max(...mesh.uvs)).toBe(1);
  });

  it('stays above the terrain everywhere, between its vertices too (same diagonals)', () => {
    const mesh = groundMesh(t, { originX: -500, originY: -400, width: 1000, height: 800 }, 2);
    const { positions: p, indices } = mesh;
    for (let i = 0; i < indices.length; i += 3) {
      const [a, b, c] = [indices[i], indices[i + 1], indices[i + 2]];
      // The triangle's centroid is 2 m over the terrain there.
      const x = (p[3 * a] + p[3 * b] + p[3 * c]) / 3;
      const y = (p[3 * a + 1] + p[3 * b + 1] + p[3 * c + 1]) / 3;
      const z = (p[3 * a + 2] + p[3 * b + 2] + p[3 * c + 2]) / 3;
      expect(z - terrainHeightAt(t, x, y)).toBeCloseTo(2, 3);
    }
  });

  it('answers where a view ray meets the terrain, and nothing for a ray that misses it', () => {
    // Straight down onto the hill's top.
    const down = groundHit(t, [200, 100, 1000], [0, 0, -1]);
    expect(down?.[2]).toBeCloseTo(terrainHeightAt(t, 200, 100), 2);
    // Slanting from the west, low: it meets the hill's western side before the point beneath its end.
    const slant = groundHit(t, [-500, 100, 60], [1, 0, -0.05])!;
    expect(slant[0]).toBeGreaterThan(-500);
    expect(slant[0]).toBeLessThan(200);
    expect(slant[2]).toBeCloseTo(terrainHeightAt(t, slant[0], slant[1]), 2);
    expect(groundHit(t, [0, 0, 500], [0, 0, 1])).toBeNull();
    expect(groundHit(t, [5000, 0, 500], [1, 0, -0.1])).toBeNull();
    expect(groundHit(t, [0, 0, 500], [0, 0, 0])).toBeNull();
  });
});
