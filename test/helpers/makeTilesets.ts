/**
 * Small 3D Tiles of every kind other people's tilesets come in, written by our own code for the
 * tests (nothing downloaded): b3dm, i3dm (instanced trees), pnts, glTF (.glb) content, an implicit
 * quadtree and octree (3D Tiles 1.1 subtrees and content templates), a tile with several contents,
 * metadata (tileset, tile and content metadata with a schema; EXT_structural_metadata in the glb),
 * one in local coordinates at the Earth's centre (as samples and modelling-tool exports are) and
 * one whose tiles are missing. Each georeferenced one stands on its own site south of the default
 * city (outside its ground), so a view shows it against an empty background.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MeshData } from '../../server/tiles/meshData.ts';
import { numberColumn, stringColumn } from '../../server/tiles/metadataExtensions.ts';
import { writeGlb } from '../../server/tiles/writeGlb.ts';
import type { GlbPrimitive, MaterialDef } from '../../server/tiles/writeGlb.ts';
import { enuToEcefMatrix, enuToGeodetic, geodeticToEcef } from '../../server/protocol/geo.ts';
import type { Geodetic } from '../../server/protocol/geo.ts';

export const TILESET_KINDS = ['b3dm', 'i3dm', 'pnts', 'glb', 'metadata', 'quadtree', 'octree', 'multiple', 'centre', 'missing'] as const;
export type TilesetKind = (typeof TILESET_KINDS)[number];

export interface MadeTileset {
  kind: TilesetKind;
  /** The tileset.json, relative to the folder written. */
  path: string;
  /** Where it stands (for `centre`: where the tests place it); its ground point. */
  site: Geodetic;
  /** About how tall it is, metres: the middle of what a view should show is half this up. */
  heightM: number;
}

/** The default city's origin (server/city/generateCity.ts). */
const CITY = { lon: 113.29, lat: 33.74, height: 0 };
/** Sites in a row 5 km south of the city centre, 800 m apart, outside the city's ground tiles. */
const SITE_NORTH_M = -5000;
const SITE_EAST_M: Record<TilesetKind, number> = {
  centre: -3200,
  b3dm: -2400,
  i3dm: -1600,
  pnts: -800,
  glb: 0,
  metadata: 800,
  quadtree: 1600,
  octree: 2400,
  multiple: 3200,
  missing: 4000,
};

/** Where a kind stands (the centre-of-Earth one: where it is meant to be placed). */
export function siteOf(kind: TilesetKind): Geodetic {
  return enuToGeodetic(CITY, [SITE_EAST_M[kind], SITE_NORTH_M, 0]);
}

const mat = (name: string, color: [number, number, number], metallic = 0): MaterialDef => ({ name, color: [...color, 1], roughness: 0.8, metallic });

/** Adds an axis-aligned box (local ENU metres, base at `z0`) with outward normals; `feature` is its feature id. */
function addBox(mesh: MeshData, cx: number, cy: number, z0: number, sx: number, sy: number, sz: number, feature = 0): void {
  const [x0, x1, y0, y1, z1] = [cx - sx / 2, cx + sx / 2, cy - sy / 2, cy + sy / 2, z0 + sz];
  const faces: [number[], number[][]][] = [
    [[1, 0, 0], [[x1, y0, z0], [x1, y1, z0], [x1, y1, z1], [x1, y0, z1]]],
    [[-1, 0, 0], [[x0, y1, z0], [x0, y0, z0], [x0, y0, z1], [x0, y1, z1]]],
    [[0, 1, 0], [[x1, y1, z0], [x0, y1, z0], [x0, y1, z1], [x1, y1, z1]]],
    [[0, -1, 0], [[x0, y0, z0], [x1, y0, z0], [x1, y0, z1], [x0, y0, z1]]],
    [[0, 0, 1], [[x0, y0, z1], [x1, y0, z1], [x1, y1, z1], [x0, y1, z1]]],
    [[0, 0, -1], [[x0, y1, z0], [x1, y1, z0], [x1, y0, z0], [x0, y0, z0]]],
  ];
  for (const [n, corners] of faces) {
    const [a, b, c, d] = corners.map((p) => mesh.addVertex(p[0], p[1], p[2], n[0], n[1], n[2], feature));
    mesh.addTriangle(a, b, c);
    mesh.addTriangle(a, c, d);
  }
}

/** One GLB of boxes [cx, cy, z0, sx, sy, sz] in one material. */
function boxesGlb(name: string, material: MaterialDef, boxes: number[][]): Promise<Uint8Array> {
  const mesh = new MeshData();
  for (const b of boxes) addBox(mesh, b[0], b[1], b[2], b[3], b[4], b[5]);
  return writeGlb({ name, primitives: [{ mesh, material }] }, { meshopt: false });
}

/** A 3D Tiles `box` bounding volume: centre and half sizes along the local axes. */
const box = (cx: number, cy: number, cz: number, hx: number, hy: number, hz: number) => ({ box: [cx, cy, cz, hx, 0, 0, 0, hy, 0, 0, 0, hz] });

/** Pads a JSON header with spaces so what follows it starts at a multiple of 8 bytes from `start`. */
function paddedJson(value: unknown, start: number): Buffer {
  let text = JSON.stringify(value);
  while ((start + Buffer.byteLength(text)) % 8 !== 0) text += ' ';
  return Buffer.from(text);
}

const pad8 = (bytes: Buffer): Buffer => Buffer.concat([bytes, Buffer.alloc((8 - (bytes.length % 8)) % 8)]);

/** A 3D Tiles 1.0 tile format file: magic, version, byte length, the feature/batch table lengths, `extra` header words, then the parts. */
function tileFile(magic: string, featureJson: unknown, featureBinary: Buffer, body: Uint8Array, extra: number[] = []): Buffer {
  const headerLength = 28 + 4 * extra.length;
  const ftJson = paddedJson(featureJson, headerLength);
  const ftBinary = pad8(featureBinary);
  const header = Buffer.alloc(headerLength);
  header.write(magic, 0, 'ascii');
  header.writeUInt32LE(1, 4);
  header.writeUInt32LE(headerLength + ftJson.length + ftBinary.length + body.length, 8);
  header.writeUInt32LE(ftJson.length, 12);
  header.writeUInt32LE(ftBinary.length, 16);
  header.writeUInt32LE(0, 20);
  header.writeUInt32LE(0, 24);
  extra.forEach((v, i) => header.writeUInt32LE(v, 28 + 4 * i));
  return Buffer.concat([header, ftJson, ftBinary, Buffer.from(body)]);
}

/** A subtree file (3D Tiles 1.1 implicit tiling) with every tile and content of its levels available, no child subtrees. */
function fullSubtree(): Buffer {
  const json = paddedJson({ tileAvailability: { constant: 1 }, contentAvailability: [{ constant: 1 }], childSubtreeAvailability: { constant: 0 } }, 24);
  const header = Buffer.alloc(24);
  header.write('subt', 0, 'ascii');
  header.writeUInt32LE(1, 4);
  header.writeBigUInt64LE(BigInt(json.length), 8);
  header.writeBigUInt64LE(0n, 16);
  return Buffer.concat([header, json]);
}

const ASSET = { version: '1.1', generator: 'Yingcheng Twin test tilesets' };
const COLORS: [number, number, number][] = [
  [0.9, 0.3, 0.2],
  [0.2, 0.7, 0.9],
  [0.9, 0.8, 0.2],
  [0.6, 0.3, 0.9],
  [0.3, 0.9, 0.4],
  [0.9, 0.5, 0.8],
  [0.5, 0.9, 0.9],
  [0.95, 0.6, 0.2],
];

/** Writes every kind into `dir/<kind>/tileset.json` (and its content); returns what it wrote. */
export async function makeTilesets(dir: string): Promise<Record<TilesetKind, MadeTileset>> {
  const write = (kind: TilesetKind, file: string, data: Uint8Array | string | object) => {
    const full = path.join(dir, kind, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, typeof data === 'string' || data instanceof Uint8Array ? data : JSON.stringify(data, null, 1));
  };
  const enu = (kind: TilesetKind) => enuToEcefMatrix(siteOf(kind));
  const made = {} as Record<TilesetKind, MadeTileset>;
  const done = (kind: TilesetKind, heightM: number) => {
    made[kind] = { kind, path: `${kind}/tileset.json`, site: siteOf(kind), heightM };
  };

  // b3dm: a block of three boxes, no batch table.
  const block = await boxesGlb('block', mat('block', COLORS[0]), [[0, 0, 0, 60, 40, 50], [50, 0, 0, 30, 30, 25], [-45, 10, 0, 20, 50, 35]]);
  write('b3dm', 'block.b3dm', tileFile('b3dm', { BATCH_LENGTH: 0 }, Buffer.alloc(0), block));
  write('b3dm', 'tileset.json', { asset: { version: '1.0' }, geometricError: 100, root: { transform: enu('b3dm'), boundingVolume: box(0, 0, 25, 70, 40, 25), geometricError: 0, refine: 'ADD', content: { uri: 'block.b3dm' } } });
  done('b3dm', 50);

  // i3dm: 49 trees on a 7 × 7 grid, 15 m apart, positions in ECEF about RTC_CENTER, east-north-up.
  // The crown is metallic (glTF's default when a model says nothing), as in many exports: black where only lights shine on it.
  const tree = new MeshData();
  addBox(tree, 0, 0, 0, 2, 2, 6);
  const crown = new MeshData();
  addBox(crown, 0, 0, 6, 9, 9, 10);
  const treeParts: GlbPrimitive[] = [{ mesh: tree, material: mat('trunk', [0.4, 0.25, 0.1]) }, { mesh: crown, material: mat('crown', [0.1, 0.6, 0.15], 1) }];
  const treeGlb = await writeGlb({ name: 'tree', primitives: treeParts }, { meshopt: false });
  const centre = geodeticToEcef(siteOf('i3dm'));
  const positions: number[] = [];
  for (let i = 0; i < 7; i++) {
    for (let j = 0; j < 7; j++) {
      const p = geodeticToEcef(enuToGeodetic(siteOf('i3dm'), [(i - 3) * 15, (j - 3) * 15, 0]));
      positions.push(p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]);
    }
  }
  write('i3dm', 'trees.i3dm', tileFile('i3dm', { INSTANCES_LENGTH: 49, RTC_CENTER: centre, POSITION: { byteOffset: 0 }, EAST_NORTH_UP: true }, Buffer.from(new Float32Array(positions).buffer), treeGlb, [1]));
  const [cx, cy, cz] = geodeticToEcef({ ...siteOf('i3dm'), height: 8 });
  write('i3dm', 'tileset.json', { asset: { version: '1.0' }, geometricError: 100, root: { boundingVolume: { sphere: [cx, cy, cz, 70] }, geometricError: 0, refine: 'ADD', content: { uri: 'trees.i3dm' } } });
  done('i3dm', 16);

  // pnts: a 40 × 40 × 12 lattice of coloured points, 2 m apart, in the tile's ENU frame.
  const n = 40 * 40 * 12;
  const xyz = new Float32Array(n * 3);
  const rgb = new Uint8Array(n * 3);
  let k = 0;
  for (let z = 0; z < 12; z++) {
    for (let y = 0; y < 40; y++) {
      for (let x = 0; x < 40; x++, k++) {
        xyz.set([(x - 20) * 2, (y - 20) * 2, z * 2], k * 3);
        rgb.set([255, 80 + z * 14, 40], k * 3);
      }
    }
  }
  const pointsBinary = Buffer.concat([Buffer.from(xyz.buffer), Buffer.from(rgb.buffer)]);
  write('pnts', 'points.pnts', tileFile('pnts', { POINTS_LENGTH: n, POSITION: { byteOffset: 0 }, RGB: { byteOffset: xyz.byteLength } }, pointsBinary, new Uint8Array(0)));
  write('pnts', 'tileset.json', { asset: { version: '1.0' }, geometricError: 100, root: { transform: enu('pnts'), boundingVolume: box(0, 0, 12, 41, 41, 12), geometricError: 0, refine: 'ADD', content: { uri: 'points.pnts' } } });
  done('pnts', 24);

  // glTF content (3D Tiles 1.1): a tower.
  write('glb', 'tower.glb', await boxesGlb('tower', mat('tower', COLORS[1]), [[0, 0, 0, 40, 40, 80], [0, 0, 80, 20, 20, 30]]));
  write('glb', 'tileset.json', { asset: ASSET, geometricError: 100, root: { transform: enu('glb'), boundingVolume: box(0, 0, 55, 21, 21, 55), geometricError: 0, refine: 'ADD', content: { uri: 'tower.glb' } } });
  done('glb', 110);

  // Metadata: a schema with tileset, tile and content classes, and per-building properties in the glb (EXT_structural_metadata).
  const houses = new MeshData();
  const names = ['一号楼', '二号楼', '三号楼', '四号楼'];
  const heights = [30, 45, 60, 75];
  heights.forEach((h, i) => addBox(houses, (i - 1.5) * 35, 0, 0, 25, 25, h, i));
  const buildingSchema = {
    id: 'foreign',
    classes: { building: { properties: { name: { type: 'STRING' as const }, height: { type: 'SCALAR' as const, componentType: 'FLOAT32' as const } } } },
  };
  const metadataGlb = await writeGlb(
    {
      name: 'houses',
      primitives: [{ mesh: houses, material: mat('houses', COLORS[2]) }],
      metadata: { schema: buildingSchema, table: { class: 'building', count: 4, properties: { name: stringColumn(names), height: numberColumn(new Float32Array(heights)) } } },
    },
    { meshopt: false },
  );
  write('metadata', 'houses.glb', metadataGlb);
  write('metadata', 'tileset.json', {
    asset: ASSET,
    schema: {
      id: 'foreignTileset',
      classes: {
        site: { properties: { name: { type: 'STRING' }, builtYear: { type: 'SCALAR', componentType: 'UINT16' } } },
        tile: { properties: { level: { type: 'SCALAR', componentType: 'UINT8' } } },
        content: { properties: { kind: { type: 'STRING' } } },
      },
    },
    metadata: { class: 'site', properties: { name: '测试园区', builtYear: 2020 } },
    geometricError: 100,
    root: {
      transform: enu('metadata'),
      boundingVolume: box(0, 0, 38, 75, 14, 38),
      geometricError: 0,
      refine: 'ADD',
      metadata: { class: 'tile', properties: { level: 0 } },
      content: { uri: 'houses.glb', metadata: { class: 'content', properties: { kind: 'buildings' } } },
    },
  });
  done('metadata', 75);

  // Implicit quadtree: a 200 m square, two levels (a slab at the root, four coloured blocks below).
  write('quadtree', 'content/0_0_0.glb', await boxesGlb('q0', mat('q0', [0.5, 0.5, 0.5]), [[0, 0, 0, 200, 200, 10]]));
  for (let x = 0; x < 2; x++) {
    for (let y = 0; y < 2; y++) {
      write('quadtree', `content/1_${x}_${y}.glb`, await boxesGlb(`q1${x}${y}`, mat(`q1${x}${y}`, COLORS[x + 2 * y]), [[-50 + 100 * x, -50 + 100 * y, 0, 70, 70, 20 + 20 * (x + 2 * y)]]));
    }
  }
  write('quadtree', 'subtrees/0_0_0.subtree', fullSubtree());
  write('quadtree', 'tileset.json', {
    asset: ASSET,
    geometricError: 200,
    root: {
      transform: enu('quadtree'),
      boundingVolume: box(0, 0, 40, 100, 100, 40),
      geometricError: 100,
      refine: 'REPLACE',
      content: { uri: 'content/{level}_{x}_{y}.glb' },
      implicitTiling: { subdivisionScheme: 'QUADTREE', subtreeLevels: 2, availableLevels: 2, subtrees: { uri: 'subtrees/{level}_{x}_{y}.subtree' } },
    },
  });
  done('quadtree', 80);

  // Implicit octree: a 160 m cube, two levels (one cube at the root, eight smaller ones below).
  write('octree', 'content/0_0_0_0.glb', await boxesGlb('o0', mat('o0', [0.5, 0.5, 0.5]), [[0, 0, 0, 160, 160, 160]]));
  for (let z = 0; z < 2; z++) {
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 2; x++) {
        const i = x + 2 * y + 4 * z;
        write('octree', `content/1_${x}_${y}_${z}.glb`, await boxesGlb(`o1${i}`, mat(`o1${i}`, COLORS[i]), [[-40 + 80 * x, -40 + 80 * y, 80 * z + 15, 50, 50, 50]]));
      }
    }
  }
  write('octree', 'subtrees/0_0_0_0.subtree', fullSubtree());
  write('octree', 'tileset.json', {
    asset: ASSET,
    geometricError: 200,
    root: {
      transform: enu('octree'),
      boundingVolume: box(0, 0, 80, 80, 80, 80),
      geometricError: 100,
      refine: 'REPLACE',
      content: { uri: 'content/{level}_{x}_{y}_{z}.glb' },
      implicitTiling: { subdivisionScheme: 'OCTREE', subtreeLevels: 2, availableLevels: 2, subtrees: { uri: 'subtrees/{level}_{x}_{y}_{z}.subtree' } },
    },
  });
  done('octree', 160);

  // Multiple contents (3D Tiles 1.1 `contents`): two buildings of one tile, each its own glb.
  write('multiple', 'west.glb', await boxesGlb('west', mat('west', COLORS[3]), [[-40, 0, 0, 40, 40, 70]]));
  write('multiple', 'east.glb', await boxesGlb('east', mat('east', COLORS[4]), [[40, 0, 0, 40, 40, 40]]));
  write('multiple', 'tileset.json', {
    asset: ASSET,
    geometricError: 100,
    root: { transform: enu('multiple'), boundingVolume: box(0, 0, 35, 61, 21, 35), geometricError: 0, refine: 'ADD', contents: [{ uri: 'west.glb' }, { uri: 'east.glb' }] },
  });
  done('multiple', 70);

  // At the Earth's centre: local coordinates, no transform, as a modelling tool exports.
  write('centre', 'model.glb', await boxesGlb('model', mat('model', COLORS[5]), [[0, 0, 0, 60, 20, 40], [20, 30, 0, 20, 40, 60]]));
  write('centre', 'tileset.json', { asset: ASSET, geometricError: 100, root: { boundingVolume: box(0, 15, 30, 31, 36, 30), geometricError: 0, refine: 'ADD', content: { uri: 'model.glb' } } });
  done('centre', 60);

  // Missing tiles: a valid tileset.json whose three contents are not there (404).
  write('missing', 'tileset.json', {
    asset: ASSET,
    geometricError: 100,
    root: {
      transform: enu('missing'),
      boundingVolume: box(0, 0, 20, 60, 60, 20),
      geometricError: 50,
      refine: 'ADD',
      content: { uri: 'root.glb' },
      children: [
        { boundingVolume: box(-30, 0, 20, 30, 60, 20), geometricError: 0, content: { uri: 'west.glb' } },
        { boundingVolume: box(30, 0, 20, 30, 60, 20), geometricError: 0, content: { uri: 'east.glb' } },
      ],
    },
  });
  done('missing', 40);
  return made;
}
