import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateBytes } from 'gltf-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CityModel } from '../../../server/city/CityModel.ts';
import { enuToEcefMatrix, enuToGeodetic, ecefToGeodetic, type Vec3 } from '../../../server/protocol/geo.ts';
import { ringCentroid } from '../../../server/city/polygon.ts';
import { importGeoJson } from '../../../server/city/importGeoJson.ts';
import { buildTileset, type BuildProgress, type BuildRecord } from '../../../server/tiles/buildTileset.ts';
import { TerrainSurface } from '../../../server/tiles/groundGeometry.ts';
import type { TileJson } from '../../../server/tiles/tileBox.ts';
import { glbJson, listTiles, readTile, readTileset, type DecodedPrimitive } from '../../helpers/readTile.ts';
import { KNOWN_BUILDING_ID, KNOWN_CORNER, smallCity } from '../../helpers/smallCity.ts';

let root: string;
let city: CityModel;
let dir: string;
let plainDir: string;
const phases = new Set<string>();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tiles-test-'));
  city = smallCity();
  const result = await buildTileset(city, { outDir: join(root, 'meshopt'), onProgress: (p: BuildProgress) => phases.add(p.phase) });
  dir = result.dir;
  plainDir = (await buildTileset(city, { outDir: join(root, 'plain'), meshopt: false })).dir;
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function contentFiles(tilesetDir: string): string[] {
  return ['b', 'g'].flatMap((sub) => readdirSync(join(tilesetDir, sub)).map((f) => join(tilesetDir, sub, f)));
}

function boxContains(outer: number[], inner: { min: number[]; max: number[] }, tolerance = 0.01): boolean {
  return [0, 1, 2].every((i) => {
    const half = outer[3 + 4 * i];
    return inner.min[i] >= outer[i] - half - tolerance && inner.max[i] <= outer[i] + half + tolerance;
  });
}

function boxBounds(box: number[]): { min: number[]; max: number[] } {
  return { min: [0, 1, 2].map((i) => box[i] - box[3 + 4 * i]), max: [0, 1, 2].map((i) => box[i] + box[3 + 4 * i]) };
}

function vertexBounds(primitives: DecodedPrimitive[]): { min: number[]; max: number[] } {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (const p of primitives) {
    for (let i = 0; i < p.positions.length; i += 3) {
      for (let k = 0; k < 3; k++) {
        min[k] = Math.min(min[k], p.positions[i + k]);
        max[k] = Math.max(max[k], p.positions[i + k]);
      }
    }
  }
  return { min, max };
}

async function leafTiles(tilesetDir: string): Promise<TileJson[]> {
  const tileset = await readTileset(tilesetDir);
  return listTiles(tileset.root)
    .map(({ tile }) => tile)
    .filter((t) => !t.children?.length && t.content);
}

/** Every GLB of a built city passes Khronos' validator with zero errors, its metadata views 8-byte aligned. */
async function expectValidContent(tilesetDir: string): Promise<void> {
  const files = contentFiles(tilesetDir);
  expect(files.length).toBeGreaterThan(1);
  for (const file of files) {
    const bytes = new Uint8Array(await readFile(file));
    const report = await validateBytes(bytes);
    const errors = report.issues.messages.filter((m) => m.severity === 0);
    expect(errors, `${file}: ${JSON.stringify(errors)}`).toEqual([]);
    // The validator does not know EXT_structural_metadata: check its buffer views start on 8 bytes as the spec requires.
    const json = glbJson(bytes) as ReturnType<typeof glbJson> & { extensions?: Record<string, { propertyTables: { properties: Record<string, { values: number; stringOffsets?: number }> }[] }> };
    const tables = json.extensions?.EXT_structural_metadata?.propertyTables ?? [];
    for (const property of tables.flatMap((t) => Object.values(t.properties))) {
      for (const view of [property.values, property.stringOffsets]) {
        if (view !== undefined) expect((json.bufferViews[view].byteOffset ?? 0) % 8).toBe(0);
      }
    }
  }
}

/** The leaf holding a building, decoded, and the building's row (its feature id). */
async function findBuilding(id: string, tilesetDir = dir) {
  for (const leaf of await leafTiles(tilesetDir)) {
    const tile = await readTile(join(tilesetDir, leaf.content!.uri));
    const row = tile.rows.findIndex((r) => r.id === id);
    if (row >= 0) return { tile, row };
  }
  throw new Error(`building ${id} in no leaf`);
}

/** A building's roof vertices in a tile, through the tileset's root transform, as lon/lat/height. */
function roofGeodetics(tile: Awaited<ReturnType<typeof readTile>>, row: number, m: number[]) {
  const roof = tile.primitives.find((p) => p.material === 'roof')!;
  const out = [];
  for (let i = 0; i < roof.featureIds!.length; i++) {
    if (roof.featureIds![i] !== row) continue;
    const [e, n, u] = [roof.positions[3 * i], roof.positions[3 * i + 1], roof.positions[3 * i + 2]];
    out.push(
      ecefToGeodetic([
        m[0] * e + m[4] * n + m[8] * u + m[12],
        m[1] * e + m[5] * n + m[9] * u + m[13],
        m[2] * e + m[6] * n + m[10] * u + m[14],
      ]),
    );
  }
  return out;
}

/** Triangles of one feature in a primitive, as ENU corner triples. */
function featureTriangles(p: DecodedPrimitive, feature: number): { corners: Vec3[]; normals: Vec3[] }[] {
  const out: { corners: Vec3[]; normals: Vec3[] }[] = [];
  for (let t = 0; t < p.indices.length; t += 3) {
    const idx = [p.indices[t], p.indices[t + 1], p.indices[t + 2]];
    if (p.featureIds![idx[0]] !== feature) continue;
    out.push({
      corners: idx.map((i): Vec3 => [p.positions[3 * i], p.positions[3 * i + 1], p.positions[3 * i + 2]]),
      normals: idx.map((i): Vec3 => [p.normals[3 * i], p.normals[3 * i + 1], p.normals[3 * i + 2]]),
    });
  }
  return out;
}

function faceNormal([a, b, c]: Vec3[]): Vec3 {
  const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
  const n: Vec3 = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
  const len = Math.hypot(...n);
  return [n[0] / len, n[1] / len, n[2] / len];
}

describe('buildTileset', () => {
  it('writes GLBs that pass the Khronos glTF validator with zero errors, compressed or not', async () => {
    for (const tilesetDir of [dir, plainDir]) await expectValidContent(tilesetDir);
  });

  it('compresses content with meshopt by default and reports its sizes', async () => {
    const json = glbJson(new Uint8Array(await readFile(contentFiles(dir)[0])));
    expect(json.extensionsRequired).toContain('EXT_meshopt_compression');
    const plain = glbJson(new Uint8Array(await readFile(contentFiles(plainDir)[0])));
    expect(plain.extensionsUsed ?? []).not.toContain('EXT_meshopt_compression');
    const record = JSON.parse(await readFile(join(dir, 'build.json'), 'utf8')) as BuildRecord;
    const plainRecord = JSON.parse(await readFile(join(plainDir, 'build.json'), 'utf8')) as BuildRecord;
    expect(record.buildings).toBe(city.buildings.length);
    expect(record.contentBytes).toBeLessThan(plainRecord.contentBytes / 2);
    expect(record.maxTileBytes).toBeLessThan(400_000);
    expect([...phases]).toEqual(expect.arrayContaining(['buildings', 'ground', 'write']));
  });

  it('writes 3D Tiles 1.1 tilesets placed by an east-north-up root transform', async () => {
    for (const name of ['tileset.json', 'ground.json']) {
      const tileset = await readTileset(dir, name);
      expect(tileset.asset.version).toBe('1.1');
      expect(tileset.root.refine).toBe('REPLACE');
      expect(tileset.root.transform).toEqual(enuToEcefMatrix(city.origin));
      expect(tileset.geometricError).toBeGreaterThan(tileset.root.geometricError);
      for (const { tile } of listTiles(tileset.root)) {
        expect(tile.boundingVolume.box).toHaveLength(12);
        if (tile.content) expect(tile.content.uri).toMatch(/^[bg]\/[\w-]+\.glb$/);
      }
    }
  });

  it('bounds every tile around its content and its children, with errors shrinking towards the leaves', async () => {
    for (const name of ['tileset.json', 'ground.json']) {
      const tileset = await readTileset(dir, name);
      const tiles = listTiles(tileset.root);
      expect(tiles.length).toBeGreaterThan(2);
      for (const { tile, parent } of tiles) {
        if (parent) {
          expect(tile.geometricError).toBeLessThan(parent.geometricError);
          expect(boxContains(parent.boundingVolume.box, boxBounds(tile.boundingVolume.box))).toBe(true);
        }
        if (!tile.children?.length) expect(tile.geometricError).toBeLessThanOrEqual(1);
        if (tile.content) {
          const content = await readTile(join(dir, tile.content.uri));
          expect(boxContains(tile.boundingVolume.box, vertexBounds(content.primitives)), tile.content.uri).toBe(true);
        }
      }
    }
  });

  it('puts every building in exactly one leaf, and only taller buildings in upper tiles', async () => {
    const seen = new Map<string, number>();
    for (const leaf of await leafTiles(dir)) {
      for (const row of (await readTile(join(dir, leaf.content!.uri))).rows) seen.set(row.id as string, (seen.get(row.id as string) ?? 0) + 1);
    }
    expect(seen.size).toBe(city.buildings.length);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);

    const tileset = await readTileset(dir);
    const upper = await readTile(join(dir, tileset.root.content!.uri));
    expect(upper.rows.length).toBeGreaterThan(0);
    expect(upper.rows.length).toBeLessThan(city.buildings.length);
    const lowestShown = Math.min(...upper.rows.map((r) => r.height as number));
    const omitted = city.buildings.filter((b) => !upper.rows.some((r) => r.id === b.id));
    expect(Math.max(...omitted.map((b) => b.height))).toBeLessThanOrEqual(lowestShown);
  });

  it("round-trips a building's metadata through its feature id", async () => {
    const { tile, row } = await findBuilding(KNOWN_BUILDING_ID);
    const building = city.buildings.find((b) => b.id === KNOWN_BUILDING_ID)!;
    const roof = tile.primitives.find((p) => p.material === 'roof')!;
    // The roof vertex at the known corner carries the id of the building's row.
    let feature = -1;
    for (let i = 0; i < roof.featureIds!.length; i++) {
      const [x, y] = [roof.positions[3 * i], roof.positions[3 * i + 1]];
      if (Math.hypot(x - KNOWN_CORNER[0], y - KNOWN_CORNER[1]) < 0.1) feature = roof.featureIds![i];
    }
    expect(feature).toBe(row);
    expect(Number.isInteger(feature)).toBe(true);
    const values = tile.rows[feature];
    expect(values).toEqual({
      id: building.id,
      name: '鹰城大厦',
      height: building.height,
      floors: building.floors,
      use: building.use,
      district: building.district,
      grid: building.grid,
    });
    const features = tile.doc.getRoot().listMeshes()[0].listPrimitives()[0].getExtension<import('../../../server/tiles/metadataExtensions.ts').MeshFeatures>('EXT_mesh_features')!;
    expect(features.getFeatureIds()).toEqual([{ featureCount: tile.rows.length, attribute: 0, propertyTable: 0 }]);
  });

  it('places a footprint corner at its longitude and latitude within half a metre', async () => {
    const { tile, row } = await findBuilding(KNOWN_BUILDING_ID);
    const building = city.buildings.find((b) => b.id === KNOWN_BUILDING_ID)!;
    const expected = enuToGeodetic(city.origin, [KNOWN_CORNER[0], KNOWN_CORNER[1], building.base + building.height]);
    const m = (await readTileset(dir)).root.transform!;
    const metresPerDegLat = 110_900;
    const metresPerDegLon = 111_320 * Math.cos((city.origin.lat * Math.PI) / 180);
    const best = Math.min(
      ...roofGeodetics(tile, row, m).map((geo) =>
        Math.hypot((geo.lon - expected.lon) * metresPerDegLon, (geo.lat - expected.lat) * metresPerDegLat, geo.height - expected.height),
      ),
    );
    expect(best).toBeLessThan(0.5);
  });

  it('faces roofs up and walls outward, courtyard walls into the courtyard', async () => {
    const simple = city.buildings.find((b) => b.footprint.length === 1 && b.footprint[0].length === 4)!;
    for (const building of [simple, city.buildings.find((b) => b.id === KNOWN_BUILDING_ID)!]) {
      const { tile, row } = await findBuilding(building.id);
      const roof = featureTriangles(tile.primitives.find((p) => p.material === 'roof')!, row);
      expect(roof.length).toBeGreaterThan(0);
      for (const t of roof) {
        expect(faceNormal(t.corners)[2]).toBeGreaterThan(0.999);
        for (const n of t.normals) expect(n[2]).toBeGreaterThan(0.99);
      }
      const [cx, cy] = ringCentroid(building.footprint[0]);
      const walls = featureTriangles(tile.primitives.find((p) => p.material === 'wall')!, row);
      expect(walls.length).toBe(2 * building.footprint.reduce((s, r) => s + r.length, 0));
      for (const t of walls) {
        const n = faceNormal(t.corners);
        const mid = [0, 1].map((k) => (t.corners[0][k] + t.corners[1][k] + t.corners[2][k]) / 3);
        const away = n[0] * (mid[0] - cx) + n[1] * (mid[1] - cy);
        // A courtyard wall lies closer to the centre than the outer walls: it faces the centre.
        const inCourtyard = building.footprint.length > 1 && Math.hypot(mid[0] - cx, mid[1] - cy) < 15;
        expect(Math.abs(n[2])).toBeLessThan(1e-3);
        expect(inCourtyard ? away < 0 : away > 0).toBe(true);
        for (const vn of t.normals) expect(vn[0] * n[0] + vn[1] * n[1] + vn[2] * n[2]).toBeGreaterThan(0.98);
      }
    }
  });

  it('drapes roads, water and green just above the terrain', async () => {
    const ground = await readTileset(dir, 'ground.json');
    const surface = new TerrainSurface(city.terrain, 1);
    const leaves = listTiles(ground.root).filter(({ tile }) => !tile.children?.length && tile.content);
    const materials = new Set<string>();
    for (const { tile } of leaves) {
      for (const p of (await readTile(join(dir, tile.content!.uri))).primitives) {
        materials.add(p.material);
        if (p.material === 'terrain') continue;
        for (let i = 0; i < p.positions.length; i += 3) {
          const lift = p.positions[i + 2] - surface.heightAt(p.positions[i], p.positions[i + 1]);
          expect(lift).toBeGreaterThan(0.03);
          expect(lift).toBeLessThan(0.5);
        }
      }
    }
    expect([...materials].sort()).toEqual(['green', 'road', 'terrain', 'water']);
  });

  it('skips an unchanged city and rebuilds when forced', async () => {
    const again = await buildTileset(city, { outDir: join(root, 'plain'), meshopt: false });
    expect(again.skipped).toBe(true);
    expect(again.buildings).toBe(city.buildings.length);
    const changed = { ...city, buildings: city.buildings.slice(1) };
    const rebuilt = await buildTileset(changed, { outDir: join(root, 'plain'), meshopt: false });
    expect(rebuilt.skipped).toBe(false);
    expect(rebuilt.buildings).toBe(city.buildings.length - 1);
    const forced = await buildTileset(changed, { outDir: join(root, 'plain'), meshopt: false, force: true });
    expect(forced.skipped).toBe(false);
  });

  it('builds an imported GeoJSON city that validates, its corners at their GeoJSON lon/lat', async () => {
    const fixture = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/geojson', name), 'utf8')) as unknown;
    const buildings = fixture('buildings.geojson') as { features: { properties: Record<string, string>; geometry: { coordinates: number[][][] } }[] };
    const { city: imported } = importGeoJson({ id: 'imported', buildings, roads: fixture('roads.geojson'), pois: fixture('pois.geojson') });
    const result = await buildTileset(imported, { outDir: join(root, 'imported') });
    expect(result.buildings).toBe(imported.buildings.length);
    await expectValidContent(result.dir);

    const first = buildings.features[0];
    const [lon, lat] = first.geometry.coordinates[0][0];
    const { tile, row } = await findBuilding(first.properties['@id'], result.dir);
    const m = (await readTileset(result.dir)).root.transform!;
    const metresPerDegLon = 111_320 * Math.cos((lat * Math.PI) / 180);
    const best = Math.min(...roofGeodetics(tile, row, m).map((geo) => Math.hypot((geo.lon - lon) * metresPerDegLon, (geo.lat - lat) * 110_900)));
    expect(best).toBeLessThan(0.5);
  });

  it('leaves the previous tileset intact when a build fails', async () => {
    const outDir = join(root, 'atomic');
    const good = await buildTileset(city, { outDir, meshopt: false });
    const before = await readFile(join(good.dir, 'tileset.json'), 'utf8');
    const files = contentFiles(good.dir);
    const broken = structuredClone(city);
    broken.buildings[3].height = -5;
    await expect(buildTileset(broken, { outDir, meshopt: false })).rejects.toThrow(/buildTileset: .*buildings\.3\.height/);
    expect(await readFile(join(good.dir, 'tileset.json'), 'utf8')).toBe(before);
    expect(contentFiles(good.dir)).toEqual(files);
    expect(readdirSync(outDir)).toEqual([city.id]);
    expect(existsSync(join(good.dir, 'build.json'))).toBe(true);
  });
});
