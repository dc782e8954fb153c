import zlib from 'node:zlib';

/** How a stored frame's bytes are encoded; the number is what the `frames.codec` column holds. */
export const FrameCodec = { none: 0, brotli: 1 } as const;
export type FrameCodec = (typeof FrameCodec)[keyof typeof FrameCodec];

/**
 * Brotli quality 2, measured on random-walk frames (varint-packed 7 KB, fixed-width 24 KB, 64 KB
 * uint8 rasters): ratios 1.36 / 1.54 / 2.48, as good as or better than deflate-raw level 1–3
 * (1.35 / 1.47 / 2.33–2.47), and compresses 2–3× faster on object frames, 1–2.5× on rasters.
 * On server/protocol's object frames: 1.43 against deflate's 1.47, at 0.4× its time. Higher
 * qualities gain little and cost the sim's thread time. Node 20's zlib has no zstd.
 */
const BROTLI_QUALITY = 2;

/** Compresses a frame for storage; frames that would not shrink (tiny deltas) are kept as they are. */
export function compressFrame(bytes: Uint8Array): { codec: FrameCodec; data: Uint8Array } {
  const packed = zlib.brotliCompressSync(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
    },
  });
  if (packed.byteLength < bytes.byteLength) return { codec: FrameCodec.brotli, data: packed };
  // A copy: the caller may reuse its buffer once recordFrame returns.
  return { codec: FrameCodec.none, data: Uint8Array.prototype.slice.call(bytes) };
}

/** Restores exactly the bytes that were recorded. `where` names the frame for error messages. */
export function decompressFrame(codec: number, data: Uint8Array, rawSize: number, where: string): Uint8Array {
  let out: Uint8Array;
  if (codec === FrameCodec.none) out = data;
  else if (codec === FrameCodec.brotli) out = zlib.brotliDecompressSync(data);
  else throw new Error(`RunStore: ${where} has unknown codec ${codec}`);
  if (out.byteLength !== rawSize) {
    throw new Error(`RunStore: ${where} decodes to ${out.byteLength} bytes, ${rawSize} were recorded`);
  }
  // A plain Uint8Array view, not a Buffer: callers compare and hand it on as recorded.
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
