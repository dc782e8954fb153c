import { ByteReader, ByteWriter, FrameError, asBytes } from './bytes.ts';
import { FRAME_HEADER_BYTES, FrameKind, readFrameHeader, writeFrameHeader } from './frameHeader.ts';
import type { LinkState } from './LinkState.ts';
import type { DecodeResult } from './ProtocolError.ts';

/** Index code of a whole link closed (every lane). */
export const LINK_CLOSED = 255;
/** Speed code of a link with no speed figure. */
export const LINK_NO_SPEED = 255;
/** Index codes per index point: 0–10 travels as 0–250. */
const INDEX_STEPS_PER_POINT = 25;
const INDEX_MAX_CODE = 250;
const SPEED_MAX_CODE = 254;
/** Caps what a hostile frame can make a decoder allocate (a city has far fewer links). */
export const MAX_LINKS = 1 << 24;
/** Link header after the common header: link count (uint32). */
const LINK_HEADER_BYTES = 4;

/** Per-link figures as a link frame carries them: enough to colour every road. */
export interface DecodedLinkFrame {
  simTimeMs: number;
  /** Links in the frame, entries of the city's `roads.links` in order. */
  count: number;
  /** Traffic performance index 0–10, to 0.04; NaN where the whole link is closed. */
  index: Float32Array;
  /** Mean speed, km/h, to 1 km/h (at most 254); NaN where the engine had none. */
  speedKmh: Float32Array;
  /** 1 where every lane of the link is closed, else 0. */
  closed: Uint8Array;
}

export interface LinkFrameDecodeOptions {
  /** The city's link count: a frame for another city (or another version of it) is refused. */
  linkCount?: number;
}

/**
 * Encodes the colouring part of a traffic engine's link state as one binary frame (layout in
 * README.md): two bytes per link. `lanes[k]` is link k's lane count, to tell a whole closure from a
 * partial one. A malformed state from our own engine throws.
 */
export function encodeLinkFrame(state: LinkState, simTimeMs: number, lanes: ArrayLike<number>): Uint8Array {
  const where = 'encodeLinkFrame';
  const n = state.count;
  if (!Number.isInteger(n) || n < 0 || n > MAX_LINKS) throw new Error(`${where}: link count ${n} is not an integer from 0 to ${MAX_LINKS}`);
  if (lanes.length < n) throw new Error(`${where}: ${lanes.length} lane counts for ${n} links`);
  for (const name of ['speed', 'index', 'closedLanes'] as const) {
    if (state[name].length < n) throw new Error(`${where}: ${name} has ${state[name].length} entries for ${n} links`);
  }
  const w = new ByteWriter(FRAME_HEADER_BYTES + LINK_HEADER_BYTES + 2 * n);
  writeFrameHeader(w, FrameKind.linkState, simTimeMs, where);
  w.u32(n);
  const body = new Uint8Array(2 * n);
  for (let k = 0; k < n; k++) {
    const index = state.index[k];
    if (Number.isNaN(index)) throw new Error(`${where}: index of link ${k} is NaN`);
    body[k] = state.closedLanes[k] >= lanes[k] ? LINK_CLOSED : Math.min(INDEX_MAX_CODE, Math.max(0, Math.round(index * INDEX_STEPS_PER_POINT)));
    const speed = state.speed[k];
    body[n + k] = Number.isNaN(speed) ? LINK_NO_SPEED : Math.min(SPEED_MAX_CODE, Math.max(0, Math.round(speed * 3.6)));
  }
  w.raw(body);
  return w.bytes();
}

/** Decodes a link frame; never throws on bad bytes: the error names what is wrong. */
export function decodeLinkFrame(input: unknown, options: LinkFrameDecodeOptions = {}): DecodeResult<{ frame: DecodedLinkFrame }> {
  const bytes = asBytes(input);
  if (!bytes) return { ok: false, error: { code: 'bad_frame', message: 'decodeLinkFrame: frame is not binary (expected Uint8Array or ArrayBuffer)' } };
  try {
    return { ok: true, frame: readLinks(new ByteReader(bytes), options) };
  } catch (err) {
    if (err instanceof FrameError) return { ok: false, error: { code: err.code, message: `decodeLinkFrame: ${err.message}` } };
    throw err;
  }
}

function readLinks(r: ByteReader, options: LinkFrameDecodeOptions): DecodedLinkFrame {
  const { simTimeMs } = readFrameHeader(r, [FrameKind.linkState]);
  const count = r.u32('link count');
  if (count > MAX_LINKS) throw new FrameError(`link count ${count} is more than ${MAX_LINKS}`);
  if (options.linkCount !== undefined && count !== options.linkCount) {
    throw new FrameError(`link count ${count} is not the city's ${options.linkCount} links (a frame of another city?)`);
  }
  if (r.remaining !== 2 * count) throw new FrameError(`${count} links need ${2 * count} bytes of codes, ${r.remaining} follow`);
  const codes = r.raw(2 * count, 'codes');
  const index = new Float32Array(count);
  const speedKmh = new Float32Array(count);
  const closed = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const code = codes[k];
    if (code === LINK_CLOSED) {
      index[k] = NaN;
      closed[k] = 1;
    } else if (code > INDEX_MAX_CODE) {
      throw new FrameError(`index code ${code} of link ${k} is neither 0–${INDEX_MAX_CODE} nor ${LINK_CLOSED} (closed)`);
    } else index[k] = code / INDEX_STEPS_PER_POINT;
    const speed = codes[count + k];
    speedKmh[k] = speed === LINK_NO_SPEED ? NaN : speed;
  }
  return { simTimeMs, count, index, speedKmh, closed };
}

/** The link frame codec: one pair of functions for both ends. */
export const LinkFrameCodec = { encode: encodeLinkFrame, decode: decodeLinkFrame } as const;
