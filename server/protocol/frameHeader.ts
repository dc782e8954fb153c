import { ByteReader, ByteWriter, FrameError, asBytes } from './bytes.ts';
import { PROTOCOL_VERSION } from './version.ts';

/** The first two bytes of every binary frame: "YT". */
export const FRAME_MAGIC = 0x5459;

/** What follows the common header; new kinds are added at the end, never renumbered. */
export const FrameKind = { objectKeyframe: 1, objectDelta: 2, scalarGrid: 3, linkState: 4 } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** Bytes of the header every binary frame starts with. */
export const FRAME_HEADER_BYTES = 16;

/** The common header: magic, protocol version, frame kind and the sim time the frame shows. */
export interface FrameHeader {
  version: number;
  kind: FrameKind;
  simTimeMs: number;
}

/** Writes the 16-byte common header (see README.md). `simTimeMs` must be a non-negative integer. */
export function writeFrameHeader(w: ByteWriter, kind: FrameKind, simTimeMs: number, where: string): void {
  if (!Number.isSafeInteger(simTimeMs) || simTimeMs < 0) {
    throw new Error(`${where}: simTimeMs must be a non-negative integer, got ${simTimeMs}`);
  }
  w.u16(FRAME_MAGIC);
  w.u16(PROTOCOL_VERSION);
  w.u8(kind);
  w.u8(0);
  w.u16(0);
  w.f64(simTimeMs);
}

/** Reads and checks the common header; throws FrameError naming what is wrong. */
export function readFrameHeader(r: ByteReader, expected: readonly FrameKind[]): FrameHeader {
  if (r.remaining < FRAME_HEADER_BYTES) {
    throw new FrameError(`frame of ${r.remaining} bytes is shorter than the ${FRAME_HEADER_BYTES}-byte header`);
  }
  const magic = r.u16('magic');
  if (magic !== FRAME_MAGIC) throw new FrameError(`magic is 0x${magic.toString(16)}, expected 0x${FRAME_MAGIC.toString(16)} ("YT")`);
  const version = r.u16('version');
  if (version !== PROTOCOL_VERSION) {
    throw new FrameError(`protocol: frame speaks version ${version}, this decoder speaks ${PROTOCOL_VERSION}`, 'protocol_version');
  }
  const kind = r.u8('kind');
  if (!(expected as readonly number[]).includes(kind)) {
    throw new FrameError(`frame kind ${kind} is not one of ${expected.join(', ')}`);
  }
  r.u8('reserved');
  r.u16('reserved');
  const simTimeMs = r.f64('simTimeMs');
  if (!Number.isSafeInteger(simTimeMs) || simTimeMs < 0) throw new FrameError(`simTimeMs ${simTimeMs} is not a non-negative integer`);
  return { version, kind: kind as FrameKind, simTimeMs };
}

/** The kind of a binary frame, to route it to its decoder; null when it is no frame of ours (any version). */
export function peekFrameKind(input: unknown): FrameKind | null {
  const bytes = asBytes(input);
  if (!bytes || bytes.length < FRAME_HEADER_BYTES) return null;
  if ((bytes[0] | (bytes[1] << 8)) !== FRAME_MAGIC) return null;
  const kind = bytes[4];
  return (Object.values(FrameKind) as number[]).includes(kind) ? (kind as FrameKind) : null;
}
