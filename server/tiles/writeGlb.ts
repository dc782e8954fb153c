import { Document, Logger, NodeIO, type Material } from '@gltf-transform/core';
import { EXTMeshoptCompression, KHRMeshQuantization } from '@gltf-transform/extensions';
import { meshopt } from '@gltf-transform/functions';
import { MeshoptDecoder, MeshoptEncoder } from 'meshoptimizer';
import type { MeshData } from './meshData.ts';
import {
  MeshFeaturesExtension,
  StructuralMetadataExtension,
  type MetadataSchema,
  type PropertyTableData,
} from './metadataExtensions.ts';

/** A material of tile content: metal-rough PBR, opaque, single-sided. */
export interface MaterialDef {
  name: string;
  /** Linear RGBA. */
  color: [number, number, number, number];
  roughness: number;
  metallic?: number;
}

export interface GlbPrimitive {
  mesh: MeshData;
  material: MaterialDef;
}

export interface GlbContent {
  name: string;
  primitives: GlbPrimitive[];
  /** Per-feature metadata: when present, every primitive gets `_FEATURE_ID_0` and EXT_mesh_features. */
  metadata?: { schema: MetadataSchema; table: PropertyTableData };
}

/** The extensions our tile content uses, for a NodeIO that reads or writes it. */
export const TILE_EXTENSIONS = [EXTMeshoptCompression, KHRMeshQuantization, MeshFeaturesExtension, StructuralMetadataExtension];

let ioPromise: Promise<NodeIO> | undefined;

/** A NodeIO that reads and writes our tile content (meshopt encoder and decoder ready). */
export function tileIO(): Promise<NodeIO> {
  ioPromise ??= (async () => {
    await Promise.all([MeshoptEncoder.ready, MeshoptDecoder.ready]);
    return new NodeIO()
      .registerExtensions(TILE_EXTENSIONS)
      .registerDependencies({ 'meshopt.encoder': MeshoptEncoder, 'meshopt.decoder': MeshoptDecoder });
  })();
  return ioPromise;
}

/** Builds one GLB (glTF 2.0 binary) from triangle meshes, optionally meshopt-compressed. */
export async function writeGlb(content: GlbContent, options: { meshopt: boolean; positionPrecision?: number }): Promise<Uint8Array> {
  const io = await tileIO();
  const doc = new Document().setLogger(new Logger(Logger.Verbosity.WARN));
  doc.getRoot().getAsset().generator = 'Yingcheng Twin tiles builder';
  const buffer = doc.createBuffer();
  const mesh = doc.createMesh(content.name);
  const featuresExt = content.metadata ? doc.createExtension(MeshFeaturesExtension) : undefined;
  const materials = new Map<string, Material>();
  for (const { mesh: data, material } of content.primitives) {
    if (data.isEmpty) continue;
    let mat = materials.get(material.name);
    if (!mat) {
      mat = doc
        .createMaterial(material.name)
        .setBaseColorFactor(material.color)
        .setRoughnessFactor(material.roughness)
        .setMetallicFactor(material.metallic ?? 0);
      materials.set(material.name, mat);
    }
    const count = data.vertexCount;
    const prim = doc
      .createPrimitive()
      .setMaterial(mat)
      .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(new Float32Array(data.positions)).setBuffer(buffer))
      .setAttribute('NORMAL', doc.createAccessor().setType('VEC3').setArray(new Float32Array(data.normals)).setBuffer(buffer))
      .setIndices(
        doc
          .createAccessor()
          .setType('SCALAR')
          .setArray(count < 65535 ? new Uint16Array(data.indices) : new Uint32Array(data.indices))
          .setBuffer(buffer),
      );
    if (featuresExt && content.metadata) {
      prim.setAttribute('_FEATURE_ID_0', doc.createAccessor().setType('SCALAR').setArray(new Uint16Array(data.featureIds)).setBuffer(buffer));
      prim.setExtension(
        'EXT_mesh_features',
        featuresExt.createMeshFeatures([{ featureCount: content.metadata.table.count, attribute: 0, propertyTable: 0 }]),
      );
    }
    mesh.addPrimitive(prim);
  }
  if (content.metadata) {
    const metadataExt = doc.createExtension(StructuralMetadataExtension);
    doc.getRoot().setExtension('EXT_structural_metadata', metadataExt.createStructuralMetadata(content.metadata.schema, [content.metadata.table]));
  }
  doc.createScene().addChild(doc.createNode(content.name).setMesh(mesh));
  if (options.meshopt) {
    // Just enough position bits for the wanted precision over this mesh's extent.
    let extent = 1;
    for (const { mesh: data } of content.primitives) {
      for (let axis = 0; axis < 3; axis++) {
        let min = Infinity;
        let max = -Infinity;
        for (let i = axis; i < data.positions.length; i += 3) {
          min = Math.min(min, data.positions[i]);
          max = Math.max(max, data.positions[i]);
        }
        if (max > min) extent = Math.max(extent, max - min);
      }
    }
    const precision = options.positionPrecision ?? 0.02;
    const quantizePosition = Math.min(16, Math.max(10, Math.ceil(Math.log2(extent / precision))));
    // 'high' quantizes positions only and leaves _FEATURE_ID_0 as exact integers; normals get the octahedral filter.
    await doc.transform(meshopt({ encoder: MeshoptEncoder, level: 'high', quantizePosition }));
  }
  return io.writeBinary(doc);
}
