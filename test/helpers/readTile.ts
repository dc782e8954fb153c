import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document, Primitive } from '@gltf-transform/core';
import { decodePropertyTable, type StructuralMetadata } from '../../server/tiles/metadataExtensions.ts';
import type { TileJson, TilesetJson } from '../../server/tiles/tileBox.ts';
import { tileIO } from '../../server/tiles/writeGlb.ts';

/** A primitive of decoded tile content, in the tileset's local ENU frame (z up). */
export interface DecodedPrimitive {
  material: string;
  /** ENU positions after node transforms and the y-up → z-up rotation, xyz per vertex. */
  positions: number[];
  /** ENU unit normals, xyz per vertex. */
  normals: number[];
  featureIds?: number[];
  indices: number[];
}

export interface DecodedTile {
  doc: Document;
  primitives: DecodedPrimitive[];
  rows: Record<string, string | number>[];
}

export async function readTileset(dir: string, name = 'tileset.json'): Promise<TilesetJson> {
  return JSON.parse(await readFile(join(dir, name), 'utf8')) as TilesetJson;
}

/** Every tile of a tileset, depth first, with its parent. */
export function listTiles(root: TileJson): { tile: TileJson; parent?: TileJson }[] {
  const out: { tile: TileJson; parent?: TileJson }[] = [];
  const walk = (tile: TileJson, parent?: TileJson) => {
    out.push({ tile, parent });
    for (const child of tile.children ?? []) walk(child, tile);
  };
  walk(root);
  return out;
}

function transformPoint(m: number[], x: number, y: number, z: number, w: number): [number, number, number] {
  return [m[0] * x + m[4] * y + m[8] * z + m[12] * w, m[1] * x + m[5] * y + m[9] * z + m[13] * w, m[2] * x + m[6] * y + m[10] * z + m[14] * w];
}

function decodePrimitive(prim: Primitive, matrix: number[]): DecodedPrimitive {
  const position = prim.getAttribute('POSITION')!;
  const normal = prim.getAttribute('NORMAL')!;
  const feature = prim.getAttribute('_FEATURE_ID_0');
  const positions: number[] = [];
  const normals: number[] = [];
  const el: number[] = [];
  for (let i = 0; i < position.getCount(); i++) {
    // getElement denormalizes quantized data; then node matrix; then glTF y-up to 3D Tiles z-up.
    position.getElement(i, el);
    const [x, y, z] = transformPoint(matrix, el[0], el[1], el[2], 1);
    positions.push(x, -z, y);
    normal.getElement(i, el);
    const [nx, ny, nz] = transformPoint(matrix, el[0], el[1], el[2], 0);
    const len = Math.hypot(nx, ny, nz);
    normals.push(nx / len, -nz / len, ny / len);
  }
  return {
    material: prim.getMaterial()?.getName() ?? '',
    positions,
    normals,
    featureIds: feature ? Array.from(feature.getArray()!) : undefined,
    indices: Array.from(prim.getIndices()!.getArray()!),
  };
}

/** Reads a GLB of the tileset (meshopt decoded) into ENU primitives and its property table rows. */
export async function readTile(path: string): Promise<DecodedTile> {
  const io = await tileIO();
  const doc = await io.readBinary(new Uint8Array(await readFile(path)));
  const primitives: DecodedPrimitive[] = [];
  for (const node of doc.getRoot().listNodes()) {
    const mesh = node.getMesh();
    if (!mesh) continue;
    for (const prim of mesh.listPrimitives()) primitives.push(decodePrimitive(prim, node.getWorldMatrix() as unknown as number[]));
  }
  const metadata = doc.getRoot().getExtension<StructuralMetadata>('EXT_structural_metadata');
  const table = metadata?.listPropertyTables()[0];
  const rows = metadata && table ? decodePropertyTable(metadata.getSchema(), table) : [];
  return { doc, primitives, rows };
}

/** The glTF JSON chunk of a GLB, for checks on the file as written. */
export function glbJson(bytes: Uint8Array): Record<string, unknown> & { bufferViews: { byteOffset?: number; byteLength: number }[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(12, true);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + length)));
}
