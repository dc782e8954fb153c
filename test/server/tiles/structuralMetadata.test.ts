import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CityModel } from '../../../server/city/CityModel.ts';
import { generateCity } from '../../../server/city/generateCity.ts';
import { BUILDING_SCHEMA } from '../../../server/tiles/buildingTiles.ts';
import { buildTileset } from '../../../server/tiles/buildTileset.ts';
import { stringColumn, numberColumn } from '../../../server/tiles/metadataExtensions.ts';
import { MeshData } from '../../../server/tiles/meshData.ts';
import { writeGlb } from '../../../server/tiles/writeGlb.ts';
import { checkStructuralMetadata, splitGlb } from '../../helpers/checkStructuralMetadata.ts';
import { readTile } from '../../helpers/readTile.ts';

/** A one-triangle GLB carrying a building property table of these rows. */
async function tableGlb(rows: { id: string; name: string }[]): Promise<Uint8Array> {
  const mesh = new MeshData();
  const a = mesh.addVertex(0, 0, 0, 0, 0, 1);
  const b = mesh.addVertex(1, 0, 0, 0, 0, 1);
  const c = mesh.addVertex(0, 1, 0, 0, 0, 1);
  mesh.indices.push(a, b, c);
  return writeGlb(
    {
      name: 'test',
      primitives: [{ mesh, material: { name: 'wall', color: [1, 1, 1, 1], roughness: 1 } }],
      metadata: {
        schema: BUILDING_SCHEMA,
        table: {
          name: 'buildings',
          class: 'building',
          count: rows.length,
          properties: {
            id: stringColumn(rows.map((r) => r.id)),
            name: stringColumn(rows.map((r) => r.name)),
            height: numberColumn(Float32Array.from(rows, () => 10)),
          },
        },
      },
    },
    { meshopt: false, positionPrecision: 0.01 },
  );
}

describe('the structural metadata checker', () => {
  it('reports a string column whose offsets say 0 bytes where the buffer view holds 1 (the old encoding of all-empty names)', async () => {
    const bytes = await tableGlb([{ id: 'B1', name: 'x' }]);
    const { json } = splitGlb(bytes);
    const nameValues = json.extensions!.EXT_structural_metadata!.propertyTables![0].properties!.name.values;
    // Rewrite the one-byte name "x" into what the old writer made of "": offsets 0, 0 and one padding byte.
    const glb = new Uint8Array(bytes);
    const binStart = 20 + new DataView(glb.buffer).getUint32(12, true) + 8;
    const offsetsView = json.bufferViews![json.extensions!.EXT_structural_metadata!.propertyTables![0].properties!.name.stringOffsets!];
    new DataView(glb.buffer).setUint32(binStart + (offsetsView.byteOffset ?? 0) + 4, 0, true);
    glb[binStart + (json.bufferViews![nameValues].byteOffset ?? 0)] = 0;
    expect(checkStructuralMetadata(bytes)).toEqual([]);
    expect(checkStructuralMetadata(glb)).toEqual([expect.stringMatching(/name\/values: METADATA_INVALID_LENGTH: the string offsets say 0 bytes, the buffer view holds 1/)]);
  });

  it('passes a table whose names are all empty, and the names read back as empty', async () => {
    const bytes = await tableGlb([
      { id: 'B1', name: '' },
      { id: 'B2', name: '' },
    ]);
    expect(checkStructuralMetadata(bytes)).toEqual([]);
    const dir = await mkdtemp(join(tmpdir(), 'metadata-'));
    try {
      const path = join(dir, 't.glb');
      await writeFile(path, bytes);
      expect((await readTile(path)).rows.map((r) => [r.id, r.name])).toEqual([
        ['B1', ''],
        ['B2', ''],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to write a required property that is empty in every row', async () => {
    await expect(tableGlb([{ id: '', name: 'x' }])).rejects.toThrow(/required property "id" of table "buildings" is empty in all 1 rows/);
  });
});

describe('the default city as built', () => {
  let root: string;
  let city: CityModel;
  let dir: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tiles-metadata-'));
    city = generateCity();
    dir = (await buildTileset(city, { outDir: root })).dir;
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('has structural metadata in every tile that 3d-tiles-validator accepts, and every building keeps the name the city gives it', async () => {
    const names = new Map(city.buildings.map((b) => [b.id, b.name]));
    const problems: string[] = [];
    let tiles = 0;
    let withoutNames = 0;
    for (const sub of ['b', 'g']) {
      for (const file of await readdir(join(dir, sub))) {
        const path = join(dir, sub, file);
        tiles++;
        problems.push(...checkStructuralMetadata(new Uint8Array(await readFile(path))).map((p) => `${sub}/${file}: ${p}`));
        if (sub !== 'b') continue;
        const rows = (await readTile(path)).rows;
        for (const row of rows) {
          if (row.name !== names.get(row.id as string)) problems.push(`${sub}/${file}: building ${row.id} reads name "${row.name}", the city has "${names.get(row.id as string)}"`);
        }
        if (rows.every((r) => r.name === '')) withoutNames++;
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(tiles).toBeGreaterThan(300);
    // Tiles over villages and unnamed housing compounds hold no named building at all.
    expect(withoutNames).toBeGreaterThan(0);
  });
});
