/**
 * The binary checks CesiumGS's 3d-tiles-validator makes on EXT_structural_metadata property tables
 * (its BinaryPropertyTableValidator; the validator itself is not on npm), run on a GLB as written:
 * every buffer view non-empty and inside its buffer; for every property of every table, the values,
 * stringOffsets and arrayOffsets views exactly as long as the table's count and the offset type
 * imply, aligned to their component size, offsets ascending, and the last string offset equal to
 * the values' byte length; required properties present, enum values among the enum's.
 * Returns one message per problem, empty when the file passes.
 */

type ClassProperty = {
  type: string;
  componentType?: string;
  enumType?: string;
  array?: boolean;
  count?: number;
  required?: boolean;
};
type Schema = {
  classes?: Record<string, { properties?: Record<string, ClassProperty> }>;
  enums?: Record<string, { valueType?: string; values: { value: number }[] }>;
};
type TableProperty = { values: number; stringOffsets?: number; stringOffsetType?: string; arrayOffsets?: number; arrayOffsetType?: string };
type PropertyTable = { name?: string; class: string; count: number; properties?: Record<string, TableProperty> };
type GltfJson = {
  buffers?: { byteLength: number; uri?: string }[];
  bufferViews?: { buffer: number; byteOffset?: number; byteLength: number }[];
  extensions?: { EXT_structural_metadata?: { schema?: Schema; propertyTables?: PropertyTable[] } };
};

const COMPONENT_BYTES: Record<string, number> = {
  INT8: 1, UINT8: 1, INT16: 2, UINT16: 2, INT32: 4, UINT32: 4, INT64: 8, UINT64: 8, FLOAT32: 4, FLOAT64: 8,
};
const TYPE_COMPONENTS: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT2: 4, MAT3: 9, MAT4: 16, ENUM: 1 };

/** The JSON and BIN chunks of a GLB. */
export function splitGlb(bytes: Uint8Array): { json: GltfJson; bin?: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== 0x46546c67) throw new Error('splitGlb: not a GLB (magic)');
  let json: GltfJson | undefined;
  let bin: Uint8Array | undefined;
  for (let at = 12; at < bytes.byteLength; ) {
    const length = view.getUint32(at, true);
    const type = view.getUint32(at + 4, true);
    const chunk = bytes.subarray(at + 8, at + 8 + length);
    if (type === 0x4e4f534a) json = JSON.parse(new TextDecoder().decode(chunk)) as GltfJson;
    else if (type === 0x004e4942) bin = chunk;
    at += 8 + length;
  }
  if (!json) throw new Error('splitGlb: no JSON chunk');
  return { json, bin };
}

function readOffsets(data: Uint8Array, type: string): number[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const size = COMPONENT_BYTES[type];
  const out: number[] = [];
  for (let at = 0; at + size <= data.byteLength; at += size) {
    out.push(type === 'UINT8' ? view.getUint8(at) : type === 'UINT16' ? view.getUint16(at, true) : type === 'UINT32' ? view.getUint32(at, true) : Number(view.getBigUint64(at, true)));
  }
  return out;
}

function readInts(data: Uint8Array, type: string): number[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const size = COMPONENT_BYTES[type];
  const read: Record<string, (at: number) => number> = {
    INT8: (at) => view.getInt8(at),
    UINT8: (at) => view.getUint8(at),
    INT16: (at) => view.getInt16(at, true),
    UINT16: (at) => view.getUint16(at, true),
    INT32: (at) => view.getInt32(at, true),
    UINT32: (at) => view.getUint32(at, true),
    INT64: (at) => Number(view.getBigInt64(at, true)),
    UINT64: (at) => Number(view.getBigUint64(at, true)),
  };
  const out: number[] = [];
  for (let at = 0; at + size <= data.byteLength; at += size) out.push(read[type](at));
  return out;
}

/** Problems in a GLB's EXT_structural_metadata property tables, as the validator reports them. */
export function checkStructuralMetadata(glb: Uint8Array): string[] {
  const { json, bin } = splitGlb(glb);
  const issues: string[] = [];
  const views = json.bufferViews ?? [];
  views.forEach((v, i) => {
    if (!(v.byteLength >= 1)) issues.push(`bufferViews[${i}]: byteLength ${v.byteLength}, glTF wants at least 1`);
    const buffer = json.buffers?.[v.buffer];
    if (!buffer) issues.push(`bufferViews[${i}]: buffer ${v.buffer} does not exist`);
    else if ((v.byteOffset ?? 0) + v.byteLength > buffer.byteLength) issues.push(`bufferViews[${i}]: ends at ${(v.byteOffset ?? 0) + v.byteLength}, past its buffer's ${buffer.byteLength} bytes`);
  });
  const ext = json.extensions?.EXT_structural_metadata;
  if (!ext) return issues;
  const schema = ext.schema ?? {};

  /** The bytes of a property table buffer view, which must be in the GLB's binary chunk. */
  const data = (path: string, index: number | undefined): Uint8Array | undefined => {
    const v = index === undefined ? undefined : views[index];
    if (!v) {
      issues.push(`${path}: buffer view ${index} does not exist`);
      return undefined;
    }
    if (json.buffers?.[v.buffer]?.uri !== undefined || !bin) {
      issues.push(`${path}: buffer view ${index} is not in the GLB's binary chunk`);
      return undefined;
    }
    const start = v.byteOffset ?? 0;
    return bin.subarray(start, start + v.byteLength);
  };
  const aligned = (path: string, index: number, type: string): void => {
    const offset = views[index]?.byteOffset ?? 0;
    if (offset % COMPONENT_BYTES[type] !== 0) issues.push(`${path}: byteOffset ${offset} is not aligned to ${type} (${COMPONENT_BYTES[type]} bytes)`);
  };
  /** Checks an offsets view of n + 1 entries; returns the offsets when they are sound. */
  const offsets = (path: string, index: number | undefined, type: string, n: number): number[] | undefined => {
    const bytes = data(path, index);
    if (!bytes) return undefined;
    aligned(path, index!, type);
    const expected = (n + 1) * COMPONENT_BYTES[type];
    if (bytes.byteLength !== expected) {
      issues.push(`${path}: METADATA_INVALID_LENGTH: ${n + 1} ${type} offsets take ${expected} bytes, the buffer view holds ${bytes.byteLength}`);
      return undefined;
    }
    const values = readOffsets(bytes, type);
    for (let i = 0; i + 1 < values.length; i++) {
      if (values[i] > values[i + 1]) {
        issues.push(`${path}: METADATA_INVALID_OFFSETS: offset ${i} is ${values[i]}, offset ${i + 1} is ${values[i + 1]}`);
        return undefined;
      }
    }
    return values;
  };

  (ext.propertyTables ?? []).forEach((table, t) => {
    const tablePath = `propertyTables[${t}]${table.name ? ` (${table.name})` : ''}`;
    const cls = schema.classes?.[table.class];
    if (!cls) {
      issues.push(`${tablePath}: class "${table.class}" is not in the schema`);
      return;
    }
    if (!Number.isInteger(table.count) || table.count < 1) issues.push(`${tablePath}: count ${table.count}, wants an integer ≥ 1`);
    const classProperties = cls.properties ?? {};
    for (const key of Object.keys(table.properties ?? {})) {
      if (!classProperties[key]) issues.push(`${tablePath}/properties/${key}: not a property of class "${table.class}"`);
    }
    for (const [key, prop] of Object.entries(classProperties)) {
      const path = `${tablePath}/properties/${key}`;
      const p = table.properties?.[key];
      if (!p) {
        if (prop.required) issues.push(`${path}: METADATA_VALUE_REQUIRED_BUT_MISSING`);
        continue;
      }
      // Elements per row: one, a fixed count, or what the array offsets say.
      let elements = table.count * (prop.array ? (prop.count ?? 0) : 1);
      if (prop.array && prop.count === undefined) {
        const arrayOffsets = offsets(`${path}/arrayOffsets`, p.arrayOffsets, p.arrayOffsetType ?? 'UINT32', table.count);
        if (!arrayOffsets) continue;
        elements = arrayOffsets.at(-1)!;
      }
      const valuesPath = `${path}/values`;
      const values = data(valuesPath, p.values);
      if (!values) continue;
      if (prop.type === 'STRING') {
        const stringOffsets = offsets(`${path}/stringOffsets`, p.stringOffsets, p.stringOffsetType ?? 'UINT32', elements);
        if (stringOffsets && stringOffsets.at(-1) !== values.byteLength) {
          issues.push(`${valuesPath}: METADATA_INVALID_LENGTH: the string offsets say ${stringOffsets.at(-1)} bytes, the buffer view holds ${values.byteLength}`);
        }
        continue;
      }
      if (prop.type === 'BOOLEAN') {
        const expected = Math.ceil(elements / 8);
        if (values.byteLength !== expected) issues.push(`${valuesPath}: METADATA_INVALID_LENGTH: ${elements} booleans take ${expected} bytes, the buffer view holds ${values.byteLength}`);
        continue;
      }
      const enumDef = prop.type === 'ENUM' ? schema.enums?.[prop.enumType ?? ''] : undefined;
      if (prop.type === 'ENUM' && !enumDef) {
        issues.push(`${path}: enum "${prop.enumType}" is not in the schema`);
        continue;
      }
      const componentType = enumDef ? (enumDef.valueType ?? 'UINT16') : (prop.componentType ?? 'UINT8');
      const components = TYPE_COMPONENTS[prop.type];
      if (!components || !COMPONENT_BYTES[componentType]) {
        issues.push(`${path}: type ${prop.type} of ${componentType} is not a metadata type`);
        continue;
      }
      aligned(valuesPath, p.values, componentType);
      const expected = elements * components * COMPONENT_BYTES[componentType];
      if (values.byteLength !== expected) {
        issues.push(`${valuesPath}: METADATA_INVALID_LENGTH: ${elements} × ${prop.type} of ${componentType} take ${expected} bytes, the buffer view holds ${values.byteLength}`);
        continue;
      }
      if (enumDef) {
        const known = new Set(enumDef.values.map((v) => v.value));
        const bad = readInts(values, componentType).findIndex((v) => !known.has(v));
        if (bad >= 0) issues.push(`${valuesPath}: METADATA_INVALID_ENUM_VALUE: row ${bad} holds a value that enum "${prop.enumType}" does not define`);
      }
    }
  });
  return issues;
}
