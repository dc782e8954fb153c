import { createHash, type Hash } from 'node:crypto';
import type { ObjectState } from '../../../server/protocol/ObjectState.ts';

/** Adds the live part of every array of a state to a hash. */
export function updateHash(hash: Hash, s: ObjectState): Hash {
  const n = s.count;
  hash.update(new Uint32Array([n]));
  for (const a of [s.id, s.x, s.y, s.heading, s.speed, s.kind, s.flags]) hash.update(new Uint8Array(a.buffer, a.byteOffset, n * a.BYTES_PER_ELEMENT));
  return hash;
}

/** sha256 of a state's live arrays. */
export function hashObjectState(s: ObjectState): string {
  return updateHash(createHash('sha256'), s).digest('hex');
}
