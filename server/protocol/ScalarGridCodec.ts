import { deflateSync, Inflate } from 'fflate';
import { ByteReader, ByteWriter, FrameError, asBytes } from './bytes.ts';
import { FRAME_HEADER_BYTES, FrameKind, readFrameHeader, writeFrameHeader } from './frameHeader.ts';
import type { DecodeResult } from './ProtocolError.ts';

/**
 * A raster of one scalar (pollutant concentration, water depth…) over the city: `values` row-major,
 * row 0 the southmost, column 0 the westmost; cell (c, r) covers
 * [originX + c·cellSize, originX + (c+1)·cellSize) east by [originY + r·cellSize, …) north.
 * NaN means "no value" (dry, outside the model).
 */
export interface ScalarGrid {
  /** Layer id, e.g. "pm25" or "waterDepth"; 1–64 bytes of UTF-8. */
  layer: string;
  simTimeMs: number;
  cols: number;
  rows: number;
  /** South-west corner, local east metres. */
  originX: number;
  /** South-west corner, local north metres. */
  originY: number;
  /** Cell edge, metres. */
  cellSize: number;
  values: Float32Array;
}

/** A decoded grid, with the quantization it travelled with: value = offset + code · scale. */
export interface DecodedScalarGrid extends ScalarGrid {
  scale: number;
  offset: number;
  /** 1 (uint8 codes) or 2 (uint16 codes). */
  bytesPerValue: 1 | 2;
}

export interface ScalarGridEncodeOptions {
  /**
   * Largest quantization step acceptable, in the layer's unit: uint8 codes when 254 steps over the
   * value range are fine enough, uint16 otherwise. Default: range / 254 (always uint8).
   */
  resolution?: number;
  /**
   * Deflate the codes (after a left-neighbour difference along each row), true by default: a smooth
   * field such as a concentration shrinks to a fraction of a byte per cell.
   */
  compress?: boolean;
}

/** Flags (the uint16 at grid header offset 6): bit 0, the codes are row-differenced and deflated. */
const FLAG_DEFLATED = 1;

const LAYER_MAX_BYTES = 64;
const MAX_CELLS = 1 << 24;
/** Grid header after the common header: cols, rows, value bytes, layer length, reserved, 5 × f64. */
const GRID_HEADER_BYTES = 48;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a scalar grid as one binary frame; the highest code of the chosen width means NaN. */
export function encodeScalarGrid(grid: ScalarGrid, options: ScalarGridEncodeOptions = {}): Uint8Array {
  const where = `encodeScalarGrid(${grid.layer})`;
  const { cols, rows, values } = grid;
  if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1 || cols > 0xffff || rows > 0xffff || cols * rows > MAX_CELLS) {
    throw new Error(`${where}: ${cols} × ${rows} cells is not a grid of 1..65535 × 1..65535 and ≤ ${MAX_CELLS} cells`);
  }
  if (values.length !== cols * rows) throw new Error(`${where}: ${values.length} values for ${cols} × ${rows} cells`);
  if (!(grid.cellSize > 0) || !Number.isFinite(grid.cellSize)) throw new Error(`${where}: cellSize ${grid.cellSize} must be a positive number`);
  if (!Number.isFinite(grid.originX) || !Number.isFinite(grid.originY)) throw new Error(`${where}: origin (${grid.originX}, ${grid.originY}) is not finite`);
  const layer = utf8Encoder.encode(grid.layer);
  if (layer.length < 1 || layer.length > LAYER_MAX_BYTES) throw new Error(`${where}: layer id must be 1–${LAYER_MAX_BYTES} bytes of UTF-8`);

  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (!Number.isFinite(v)) throw new Error(`${where}: value ${v} at cell ${i} is not finite`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) min = max = 0;
  const range = max - min;
  const resolution = options.resolution ?? range / 254;
  const bytesPerValue: 1 | 2 = range / 254 <= resolution ? 1 : 2;
  const steps = bytesPerValue === 1 ? 254 : 65534;
  const noData = steps + 1;
  const scale = range > 0 ? range / steps : 1;
  const offset = min;

  const codes = bytesPerValue === 1 ? new Uint8Array(values.length) : new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    codes[i] = Number.isNaN(v) ? noData : Math.min(steps, Math.max(0, Math.round((v - offset) / scale)));
  }
  const compress = options.compress ?? true;
  const body = compress ? deflateSync(rowDifferences(codes, cols)) : null;

  const w = new ByteWriter(FRAME_HEADER_BYTES + GRID_HEADER_BYTES + layer.length + 1 + (body ? body.length : values.length * bytesPerValue));
  writeFrameHeader(w, FrameKind.scalarGrid, grid.simTimeMs, where);
  w.u16(cols);
  w.u16(rows);
  w.u8(bytesPerValue);
  w.u8(layer.length);
  w.u16(body ? FLAG_DEFLATED : 0);
  w.f64(grid.originX);
  w.f64(grid.originY);
  w.f64(grid.cellSize);
  w.f64(scale);
  w.f64(offset);
  w.raw(layer);
  if (body) {
    w.raw(body);
    return w.bytes();
  }
  // Align uint16 codes to an even offset so a client may view them in place.
  if (bytesPerValue === 2 && w.length % 2 === 1) w.u8(0);
  for (let i = 0; i < codes.length; i++) {
    if (bytesPerValue === 1) w.u8(codes[i]);
    else w.u16(codes[i]);
  }
  return w.bytes();
}

/** Decodes a scalar grid frame; never throws on bad bytes. */
export function decodeScalarGrid(input: unknown): DecodeResult<{ grid: DecodedScalarGrid }> {
  const bytes = asBytes(input);
  if (!bytes) return { ok: false, error: { code: 'bad_frame', message: 'decodeScalarGrid: frame is not binary (expected Uint8Array or ArrayBuffer)' } };
  try {
    return { ok: true, grid: readGrid(new ByteReader(bytes)) };
  } catch (err) {
    if (err instanceof FrameError) return { ok: false, error: { code: err.code, message: `decodeScalarGrid: ${err.message}` } };
    throw err;
  }
}

function readGrid(r: ByteReader): DecodedScalarGrid {
  const { simTimeMs } = readFrameHeader(r, [FrameKind.scalarGrid]);
  const cols = r.u16('cols');
  const rows = r.u16('rows');
  const bytesPerValue = r.u8('bytes per value');
  const layerBytes = r.u8('layer length');
  const flags = r.u16('flags');
  const originX = r.f64('originX');
  const originY = r.f64('originY');
  const cellSize = r.f64('cellSize');
  const scale = r.f64('scale');
  const offset = r.f64('offset');
  if (cols < 1 || rows < 1 || cols * rows > MAX_CELLS) throw new FrameError(`${cols} × ${rows} cells is not a grid of ≤ ${MAX_CELLS} cells`);
  if (bytesPerValue !== 1 && bytesPerValue !== 2) throw new FrameError(`bytes per value is ${bytesPerValue}, expected 1 or 2`);
  if (layerBytes < 1 || layerBytes > LAYER_MAX_BYTES) throw new FrameError(`layer id length ${layerBytes} is not in 1..${LAYER_MAX_BYTES}`);
  if (!Number.isFinite(originX) || !Number.isFinite(originY)) throw new FrameError(`origin (${originX}, ${originY}) is not finite`);
  if (!(cellSize > 0) || !Number.isFinite(cellSize)) throw new FrameError(`cellSize ${cellSize} is not a positive number`);
  if (!(scale > 0) || !Number.isFinite(scale) || !Number.isFinite(offset)) throw new FrameError(`scale ${scale} / offset ${offset} are not usable`);
  let layer: string;
  try {
    layer = utf8Decoder.decode(r.raw(layerBytes, 'layer id'));
  } catch (err) {
    if (err instanceof FrameError) throw err;
    throw new FrameError('layer id is not valid UTF-8');
  }
  if ((flags & ~FLAG_DEFLATED) !== 0) throw new FrameError(`flags ${flags} has bits this decoder does not know`);
  const cells = cols * rows;
  const noData = bytesPerValue === 1 ? 255 : 65535;
  const values = new Float32Array(cells);
  if (flags & FLAG_DEFLATED) {
    const raw = inflateExactly(r.raw(r.remaining, 'deflated values'), cells * bytesPerValue, `${cols} × ${rows} cells`);
    const codes = undoRowDifferences(raw, bytesPerValue, cols, cells);
    for (let i = 0; i < cells; i++) values[i] = codes[i] === noData ? NaN : offset + codes[i] * scale;
    return { layer, simTimeMs, cols, rows, originX, originY, cellSize, values, scale, offset, bytesPerValue };
  }
  if (bytesPerValue === 2 && r.offset % 2 === 1) r.u8('padding');
  if (r.remaining !== cells * bytesPerValue) {
    throw new FrameError(`${cols} × ${rows} cells need ${cells * bytesPerValue} bytes of values, ${r.remaining} follow`);
  }
  const codes = r.raw(cells * bytesPerValue, 'values');
  for (let i = 0; i < cells; i++) {
    const code = bytesPerValue === 1 ? codes[i] : codes[2 * i] | (codes[2 * i + 1] << 8);
    values[i] = code === noData ? NaN : offset + code * scale;
  }
  return { layer, simTimeMs, cols, rows, originX, originY, cellSize, values, scale, offset, bytesPerValue };
}

/**
 * Codes as little-endian bytes, each the difference from its left neighbour in the row (modulo the
 * code width): smooth fields become runs of small numbers that deflate well.
 */
function rowDifferences(codes: Uint8Array | Uint16Array, cols: number): Uint8Array {
  const wide = codes instanceof Uint16Array;
  const out = new Uint8Array(codes.length * (wide ? 2 : 1));
  for (let i = 0; i < codes.length; i++) {
    const d = i % cols === 0 ? codes[i] : wide ? (codes[i] - codes[i - 1]) & 0xffff : (codes[i] - codes[i - 1]) & 0xff;
    if (wide) {
      out[2 * i] = d & 0xff;
      out[2 * i + 1] = d >> 8;
    } else out[i] = d;
  }
  return out;
}

/** Inflates a raw DEFLATE stream that must give exactly `size` bytes; stops as soon as it gives more. */
function inflateExactly(deflated: Uint8Array, size: number, what: string): Uint8Array {
  const out = new Uint8Array(size);
  let length = 0;
  let ended = false;
  const inflate = new Inflate((chunk, final) => {
    if (length + chunk.length > size) throw new FrameError(`${what} need ${size} bytes of values, more inflate`);
    out.set(chunk, length);
    length += chunk.length;
    ended = final;
  });
  try {
    inflate.push(deflated, true);
  } catch (err) {
    if (err instanceof FrameError) throw err;
    throw new FrameError('deflated values do not inflate');
  }
  if (!ended || length !== size) throw new FrameError(`${what} need ${size} bytes of values, ${length} inflate`);
  return out;
}

function undoRowDifferences(bytes: Uint8Array, bytesPerValue: 1 | 2, cols: number, cells: number): Uint16Array {
  const codes = new Uint16Array(cells);
  const mask = bytesPerValue === 1 ? 0xff : 0xffff;
  for (let i = 0; i < cells; i++) {
    const d = bytesPerValue === 1 ? bytes[i] : bytes[2 * i] | (bytes[2 * i + 1] << 8);
    codes[i] = i % cols === 0 ? d : (codes[i - 1] + d) & mask;
  }
  return codes;
}

/** The scalar grid frame codec: one pair of functions for both ends. */
export const ScalarGridCodec = { encode: encodeScalarGrid, decode: decodeScalarGrid } as const;
