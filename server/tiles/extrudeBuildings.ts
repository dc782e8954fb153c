import earcut from 'earcut';
import type { Building, Polygon } from '../city/CityModel.ts';
import { orientPolygon } from '../city/polygon.ts';
import { convexHull } from './convexHull.ts';
import { MeshData } from './meshData.ts';

export interface BuildingMeshes {
  roofs: MeshData;
  walls: MeshData;
}

/**
 * Extrudes building footprints into prisms: a flat roof (earcut, holes kept) and vertical walls
 * for every ring, front faces outward. Feature id = the building's index in `buildings`.
 * `simplified` replaces each footprint by the convex hull of its outer ring (for coarse tiles).
 */
export function extrudeBuildings(buildings: Building[], simplified = false): BuildingMeshes {
  const roofs = new MeshData();
  const walls = new MeshData();
  buildings.forEach((building, featureId) => {
    const polygon: Polygon = simplified ? [convexHull(building.footprint[0])] : orientPolygon(building.footprint);
    if (polygon[0].length < 3) return;
    const bottom = building.base;
    const top = building.base + building.height;
    addRoof(roofs, polygon, top, featureId);
    for (const ring of polygon) addWalls(walls, ring, bottom, top, featureId);
  });
  return { roofs, walls };
}

function addRoof(mesh: MeshData, polygon: Polygon, top: number, featureId: number): void {
  const flat: number[] = [];
  const holes: number[] = [];
  for (let r = 0; r < polygon.length; r++) {
    if (r > 0) holes.push(flat.length / 2);
    for (const [x, y] of polygon[r]) flat.push(x, y);
  }
  const triangles = earcut(flat, holes, 2);
  const first = mesh.vertexCount;
  for (let i = 0; i < flat.length; i += 2) mesh.addVertex(flat[i], flat[i + 1], top, 0, 0, 1, featureId);
  mesh.addUpwardTriangles(flat, triangles, first);
}

/** One quad per ring edge with its own four vertices, so each wall is lit flat. */
function addWalls(mesh: MeshData, ring: Polygon[number], bottom: number, top: number, featureId: number): void {
  for (let i = 0; i < ring.length; i++) {
    const [x0, y0] = ring[i];
    const [x1, y1] = ring[(i + 1) % ring.length];
    const length = Math.hypot(x1 - x0, y1 - y0);
    if (length < 1e-6) continue;
    // Outer rings run counter-clockwise and holes clockwise, so the right-hand side faces out of the solid.
    const ne = (y1 - y0) / length;
    const nn = -(x1 - x0) / length;
    const a = mesh.addVertex(x0, y0, bottom, ne, nn, 0, featureId);
    const b = mesh.addVertex(x1, y1, bottom, ne, nn, 0, featureId);
    const c = mesh.addVertex(x1, y1, top, ne, nn, 0, featureId);
    const d = mesh.addVertex(x0, y0, top, ne, nn, 0, featureId);
    mesh.addTriangle(a, b, c);
    mesh.addTriangle(a, c, d);
  }
}
