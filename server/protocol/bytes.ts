/**
 * Byte writer and reader for the binary frames: little-endian fixed-width fields, LEB128 varints and
 * zig-zag signed varints. Browser-safe (Uint8Array/DataView only).
 */

/** Largest value a varint may carry: 5 bytes of 7 bits. Caps what a hostile frame can make us compute. */
export const MAX_VARINT = 2 ** 35 - 1;

/** Malformed input found while reading a frame; decoders turn it into `{ ok: false, error }`. */
export class FrameError extends Error {
  constructor(
    message: string,
    readonly code: 'bad_frame' | 'protocol_version' | 'frame_sequence' = 'bad_frame',
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

/** A growable output buffer, reused between frames; `bytes()` copies out so callers may keep the result. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.buf = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buf.buffer);
  }

  reset(): void {
    this.length = 0;
  }

  /** Make room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < need) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(value: number): void {
    this.reserve(1);
    this.buf[this.length++] = value;
  }

  u16(value: number): void {
    this.reserve(2);
    this.view.setUint16(this.length, value, true);
    this.length += 2;
  }

  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  f64(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Overwrite a u32 written earlier (counts known only after the body). */
  u32At(offset: number, value: number): void {
    this.view.setUint32(offset, value, true);
  }

  /** Unsigned LEB128, 0 ≤ value ≤ MAX_VARINT. */
  varUint(value: number): void {
    if (value < 0x80 && this.length < this.buf.length) {
      this.buf[this.length++] = value;
      return;
    }
    this.reserve(5);
    const buf = this.buf;
    let n = value;
    if (n < 0x80000000) {
      while (n >= 0x80) {
        buf[this.length++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
    } else {
      while (n >= 0x80) {
        buf[this.length++] = (n % 0x80) | 0x80;
        n = Math.floor(n / 0x80);
      }
    }
    buf[this.length++] = n;
  }

  /** Zig-zag signed varint: small magnitudes of either sign take few bytes. */
  varInt(value: number): void {
    this.varUint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  /** A fresh copy of what was written: never aliased with the scratch buffer. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Reads a frame, throwing FrameError (never reading past the end) on malformed bytes. */
export class ByteReader {
  readonly buf: Uint8Array;
  private readonly view: DataView;
  offset = 0;

  constructor(bytes: Uint8Array) {
    this.buf = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number, what: string): void {
    if (this.offset + n > this.buf.length) {
      throw new FrameError(`${what} at byte ${this.offset} needs ${n} bytes, ${this.remaining} left (truncated frame?)`);
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.offset++];
  }

  u16(what: string): number {
    this.need(2, what);
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }

  u32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  f64(what: string): number {
    this.need(8, what);
    const value = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return value;
  }

  raw(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  varUint(what: string): number {
    const buf = this.buf;
    let offset = this.offset;
    const end = buf.length;
    if (offset < end && buf[offset] < 0x80) {
      this.offset = offset + 1;
      return buf[offset];
    }
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (offset >= end) throw new FrameError(`${what} at byte ${this.offset}: varint runs past the end (truncated frame?)`);
      const b = buf[offset++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.offset = offset;
        return value;
      }
      scale *= 0x80;
    }
    throw new FrameError(`${what} at byte ${this.offset}: varint longer than 5 bytes`);
  }

  varInt(what: string): number {
    const n = this.varUint(what);
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }
}

/** A view of socket bytes as they arrive: Uint8Array (Node Buffer included), any typed array, or ArrayBuffer. */
export function asBytes(input: unknown): Uint8Array | null {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return null;
}
