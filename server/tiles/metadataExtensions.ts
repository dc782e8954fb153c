import {
  Extension,
  ExtensionProperty,
  GLB_BUFFER,
  PropertyType,
  type IProperty,
  type Nullable,
  type ReaderContext,
  type WriterContext,
} from '@gltf-transform/core';

/**
 * EXT_mesh_features and EXT_structural_metadata as gltf-transform extensions, for per-building
 * metadata in tile content: each primitive says which vertex attribute holds feature ids and which
 * property table they index; the glTF root carries the schema and the property tables.
 *
 * gltf-transform's writer packs `otherBufferViews` back to back on 4-byte boundaries, but property
 * table buffer views must start on 8-byte boundaries, so `write` appends the table columns to the
 * end of the binary buffer itself, each padded to 8 bytes.
 */

const EXT_MESH_FEATURES = 'EXT_mesh_features';
const EXT_STRUCTURAL_METADATA = 'EXT_structural_metadata';

/** One feature id set of a primitive (EXT_mesh_features featureId, attribute form). */
export interface FeatureIdDef {
  featureCount: number;
  /** N of the `_FEATURE_ID_N` vertex attribute. */
  attribute: number;
  /** Index of the property table the ids index. */
  propertyTable?: number;
  nullFeatureId?: number;
  label?: string;
}

// Attribute values must be gltf-transform literals: plain object types, hence the wrappers.
interface IMeshFeatures extends IProperty {
  featureIds: { list: FeatureIdDef[] };
}

/** EXT_mesh_features on one primitive. */
export class MeshFeatures extends ExtensionProperty<IMeshFeatures> {
  static override EXTENSION_NAME = EXT_MESH_FEATURES;
  declare extensionName: typeof EXT_MESH_FEATURES;
  declare propertyType: 'MeshFeatures';
  declare parentTypes: [PropertyType.PRIMITIVE];

  protected override init(): void {
    this.extensionName = EXT_MESH_FEATURES;
    this.propertyType = 'MeshFeatures';
    this.parentTypes = [PropertyType.PRIMITIVE];
  }

  protected override getDefaults(): Nullable<IMeshFeatures> {
    return Object.assign(super.getDefaults(), { featureIds: { list: [] } });
  }

  getFeatureIds(): FeatureIdDef[] {
    return this.get('featureIds').list;
  }

  setFeatureIds(featureIds: FeatureIdDef[]): this {
    return this.set('featureIds', { list: featureIds });
  }
}

/** Reads and writes EXT_mesh_features on mesh primitives. */
export class MeshFeaturesExtension extends Extension {
  static override EXTENSION_NAME = EXT_MESH_FEATURES;
  override readonly extensionName = EXT_MESH_FEATURES;

  createMeshFeatures(featureIds: FeatureIdDef[]): MeshFeatures {
    return new MeshFeatures(this.document.getGraph()).setFeatureIds(featureIds);
  }

  override read(context: ReaderContext): this {
    (context.jsonDoc.json.meshes ?? []).forEach((meshDef, meshIndex) => {
      const prims = context.meshes[meshIndex].listPrimitives();
      meshDef.primitives.forEach((primDef, primIndex) => {
        const def = primDef.extensions?.[EXT_MESH_FEATURES] as { featureIds: FeatureIdDef[] } | undefined;
        if (def) prims[primIndex].setExtension(EXT_MESH_FEATURES, this.createMeshFeatures(def.featureIds.map((f) => ({ ...f }))));
      });
    });
    return this;
  }

  override write(context: WriterContext): this {
    const meshDefs = context.jsonDoc.json.meshes;
    if (!meshDefs) return this;
    for (const mesh of this.document.getRoot().listMeshes()) {
      const meshDef = meshDefs[context.meshIndexMap.get(mesh)!];
      mesh.listPrimitives().forEach((prim, i) => {
        const features = prim.getExtension<MeshFeatures>(EXT_MESH_FEATURES);
        if (!features) return;
        const primDef = meshDef.primitives[i];
        primDef.extensions ??= {};
        primDef.extensions[EXT_MESH_FEATURES] = { featureIds: features.getFeatureIds().map((f) => ({ ...f })) };
      });
    }
    return this;
  }
}

/** A metadata schema (EXT_structural_metadata `schema`), kept as its JSON. */
export type MetadataSchema = {
  id: string;
  classes: Record<string, { name?: string; description?: string; properties: Record<string, MetadataClassProperty> }>;
  enums?: Record<string, { valueType?: string; values: { name: string; value: number; description?: string }[] }>;
};

export interface MetadataClassProperty {
  type: 'SCALAR' | 'STRING' | 'ENUM' | 'BOOLEAN';
  componentType?: 'INT8' | 'UINT8' | 'INT16' | 'UINT16' | 'INT32' | 'UINT32' | 'FLOAT32' | 'FLOAT64';
  enumType?: string;
  name?: string;
  description?: string;
  required?: boolean;
  /** What readers return where the property is omitted from a table (not for required ones). */
  default?: string | number;
}

/** One column of a property table: raw little-endian values, plus UINT32 string offsets for strings. */
export interface PropertyTableColumn {
  values: Uint8Array;
  stringOffsets?: Uint8Array;
}

export interface PropertyTableData {
  name?: string;
  class: string;
  count: number;
  properties: Record<string, PropertyTableColumn>;
}

interface IStructuralMetadata extends IProperty {
  schema: MetadataSchema;
  propertyTables: { list: PropertyTableData[] };
}

/** EXT_structural_metadata at the glTF root: a schema and its property tables. */
export class StructuralMetadata extends ExtensionProperty<IStructuralMetadata> {
  static override EXTENSION_NAME = EXT_STRUCTURAL_METADATA;
  declare extensionName: typeof EXT_STRUCTURAL_METADATA;
  declare propertyType: 'StructuralMetadata';
  declare parentTypes: [PropertyType.ROOT];

  protected override init(): void {
    this.extensionName = EXT_STRUCTURAL_METADATA;
    this.propertyType = 'StructuralMetadata';
    this.parentTypes = [PropertyType.ROOT];
  }

  protected override getDefaults(): Nullable<IStructuralMetadata> {
    return Object.assign(super.getDefaults(), { schema: { id: 'schema', classes: {} }, propertyTables: { list: [] } });
  }

  getSchema(): MetadataSchema {
    return this.get('schema');
  }

  setSchema(schema: MetadataSchema): this {
    return this.set('schema', schema);
  }

  listPropertyTables(): PropertyTableData[] {
    return this.get('propertyTables').list;
  }

  setPropertyTables(tables: PropertyTableData[]): this {
    return this.set('propertyTables', { list: tables });
  }
}

interface PropertyTableDef {
  name?: string;
  class: string;
  count: number;
  properties: Record<string, { values: number; stringOffsets?: number; stringOffsetType?: string }>;
}

/** Reads and writes EXT_structural_metadata (schema + property tables) at the glTF root. */
export class StructuralMetadataExtension extends Extension {
  static override EXTENSION_NAME = EXT_STRUCTURAL_METADATA;
  override readonly extensionName = EXT_STRUCTURAL_METADATA;

  createStructuralMetadata(schema: MetadataSchema, propertyTables: PropertyTableData[]): StructuralMetadata {
    return new StructuralMetadata(this.document.getGraph()).setSchema(schema).setPropertyTables(propertyTables);
  }

  override read(context: ReaderContext): this {
    const { json, resources } = context.jsonDoc;
    const def = json.extensions?.[EXT_STRUCTURAL_METADATA] as { schema: MetadataSchema; propertyTables?: PropertyTableDef[] } | undefined;
    if (!def) return this;
    const view = (index: number): Uint8Array => {
      const viewDef = json.bufferViews![index];
      const bufferDef = json.buffers![viewDef.buffer];
      const data = resources[bufferDef.uri ?? GLB_BUFFER];
      const start = viewDef.byteOffset ?? 0;
      return data.slice(start, start + viewDef.byteLength);
    };
    const tables = (def.propertyTables ?? []).map((t): PropertyTableData => ({
      name: t.name,
      class: t.class,
      count: t.count,
      properties: Object.fromEntries(
        Object.entries(t.properties).map(([key, p]) => [
          key,
          { values: view(p.values), stringOffsets: p.stringOffsets === undefined ? undefined : view(p.stringOffsets) },
        ]),
      ),
    }));
    this.document.getRoot().setExtension(EXT_STRUCTURAL_METADATA, this.createStructuralMetadata(def.schema, tables));
    return this;
  }

  override write(context: WriterContext): this {
    const root = this.document.getRoot();
    const metadata = root.getExtension<StructuralMetadata>(EXT_STRUCTURAL_METADATA);
    if (!metadata) return this;
    const { json, resources } = context.jsonDoc;
    const buffer = root.listBuffers()[0];
    if (!buffer) throw new Error('StructuralMetadataExtension: the document needs a buffer for its property tables');
    const bufferIndex = context.bufferIndexMap.get(buffer)!;
    const bufferDef = json.buffers![bufferIndex];
    const uri = bufferDef.uri ?? GLB_BUFFER;
    const parts: Uint8Array[] = [resources[uri] ?? new Uint8Array(0)];
    let length = parts[0].byteLength;
    json.bufferViews ??= [];
    const append = (data: Uint8Array): number => {
      const pad = (8 - (length % 8)) % 8;
      if (pad) parts.push(new Uint8Array(pad));
      length += pad;
      json.bufferViews!.push({ buffer: bufferIndex, byteOffset: length, byteLength: data.byteLength });
      parts.push(data);
      length += data.byteLength;
      return json.bufferViews!.length - 1;
    };
    const schema = metadata.getSchema();
    const propertyTables: PropertyTableDef[] = metadata.listPropertyTables().map((table) => ({
      ...(table.name ? { name: table.name } : {}),
      class: table.class,
      count: table.count,
      properties: Object.fromEntries(
        Object.entries(table.properties)
          .filter(([key, column]) => !omittedColumn(schema, table, key, column))
          .map(([key, column]) => [
            key,
            column.stringOffsets
              ? { values: append(column.values), stringOffsets: append(column.stringOffsets), stringOffsetType: 'UINT32' }
              : { values: append(column.values) },
          ]),
      ),
    }));
    const pad = (8 - (length % 8)) % 8;
    if (pad) parts.push(new Uint8Array(pad));
    length += pad;
    const merged = new Uint8Array(length);
    let offset = 0;
    for (const part of parts) {
      merged.set(part, offset);
      offset += part.byteLength;
    }
    resources[uri] = merged;
    bufferDef.byteLength = length;
    json.extensions ??= {};
    json.extensions[EXT_STRUCTURAL_METADATA] = { schema: metadata.getSchema(), propertyTables };
    return this;
  }
}

/**
 * Whether a column is left out of its table: a STRING column whose strings are all empty. Its
 * values would take 0 bytes, and glTF forbids empty buffer views while EXT_structural_metadata
 * wants the values view exactly as long as the last string offset, so no encoding of it is valid;
 * the property is omitted instead and readers give the class's `default`. A required property
 * cannot be omitted, so an all-empty one is a bug in the caller.
 */
function omittedColumn(schema: MetadataSchema, table: PropertyTableData, key: string, column: PropertyTableColumn): boolean {
  if (column.values.byteLength > 0) return false;
  const prop = schema.classes[table.class]?.properties[key];
  if (prop?.type !== 'STRING') throw new Error(`StructuralMetadataExtension: property "${key}" of table "${table.name ?? table.class}" has no values (count ${table.count})`);
  if (prop.required) throw new Error(`StructuralMetadataExtension: required property "${key}" of table "${table.name ?? table.class}" is empty in all ${table.count} rows`);
  return true;
}

/** Little-endian bytes of a typed array, as a property table column wants them. */
function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** A STRING column: UTF-8 values and UINT32 offsets (count + 1 of them). */
export function stringColumn(strings: string[]): PropertyTableColumn {
  const encoder = new TextEncoder();
  const encoded = strings.map((s) => encoder.encode(s));
  const offsets = new Uint32Array(strings.length + 1);
  for (let i = 0; i < encoded.length; i++) offsets[i + 1] = offsets[i] + encoded[i].byteLength;
  const values = new Uint8Array(offsets[strings.length]);
  encoded.forEach((e, i) => values.set(e, offsets[i]));
  return { values, stringOffsets: bytesOf(offsets) };
}

/** A SCALAR or ENUM column from a typed array of the property's component type. */
export function numberColumn(array: Float32Array | Uint16Array | Uint8Array | Uint32Array): PropertyTableColumn {
  return { values: new Uint8Array(bytesOf(array)) };
}

const DECODERS: Record<string, (bytes: Uint8Array, count: number) => ArrayLike<number>> = {
  UINT8: (b, n) => new Uint8Array(b.slice().buffer, 0, n),
  UINT16: (b, n) => new Uint16Array(b.slice().buffer, 0, n),
  UINT32: (b, n) => new Uint32Array(b.slice().buffer, 0, n),
  FLOAT32: (b, n) => new Float32Array(b.slice().buffer, 0, n),
  FLOAT64: (b, n) => new Float64Array(b.slice().buffer, 0, n),
};

/**
 * The rows of a property table as plain objects (strings, numbers, enum names), a property the
 * table omits read as its class default: for tests and tools.
 */
export function decodePropertyTable(schema: MetadataSchema, table: PropertyTableData): Record<string, string | number>[] {
  const cls = schema.classes[table.class];
  if (!cls) throw new Error(`decodePropertyTable: unknown class "${table.class}"`);
  const rows: Record<string, string | number>[] = Array.from({ length: table.count }, () => ({}));
  const decoder = new TextDecoder();
  for (const [key, prop] of Object.entries(cls.properties)) {
    const column = table.properties[key];
    if (!column) {
      if (prop.default !== undefined) for (const row of rows) row[key] = prop.default;
    } else if (prop.type === 'STRING') {
      const offsets = DECODERS.UINT32(column.stringOffsets!, table.count + 1);
      for (let i = 0; i < table.count; i++) rows[i][key] = decoder.decode(column.values.subarray(offsets[i], offsets[i + 1]));
    } else if (prop.type === 'ENUM') {
      const enumDef = schema.enums![prop.enumType!];
      const values = DECODERS[enumDef.valueType ?? 'UINT16'](column.values, table.count);
      for (let i = 0; i < table.count; i++) rows[i][key] = enumDef.values.find((v) => v.value === values[i])?.name ?? '';
    } else {
      const values = DECODERS[prop.componentType!](column.values, table.count);
      for (let i = 0; i < table.count; i++) rows[i][key] = values[i];
    }
  }
  return rows;
}
