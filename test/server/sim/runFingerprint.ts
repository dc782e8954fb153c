import { createHash, type Hash } from 'node:crypto';
import type { Run } from '../../../server/sim/Run.ts';
import { updateHash } from './hashObjectState.ts';

/** Adds a value to a hash: typed arrays by their bytes, anything else walked in key order. */
function hashValue(hash: Hash, value: unknown): void {
  if (ArrayBuffer.isView(value)) {
    hash.update(`#${value.constructor.name}:${value.byteLength}:`);
    hash.update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  } else if (Array.isArray(value)) {
    hash.update(`[${value.length}`);
    for (const v of value) hashValue(hash, v);
    hash.update(']');
  } else if (value !== null && typeof value === 'object') {
    hash.update('{');
    for (const key of Object.keys(value).sort()) {
      hash.update(`${key}:`);
      hashValue(hash, (value as Record<string, unknown>)[key]);
    }
    hash.update('}');
  } else hash.update(`${typeof value}:${String(value)};`);
}

/** sha256 of a run's time, its moving objects and every output its engines publish now, by output id. */
export function runFingerprint(run: Run): Record<string, string> {
  const out: Record<string, string> = { objects: updateHash(createHash('sha256').update(`${run.timeMs}`), run.objects()).digest('hex') };
  for (const { id, kind } of run.outputs()) {
    const hash = createHash('sha256');
    hashValue(hash, run.output(id, kind));
    out[id] = hash.digest('hex');
  }
  return out;
}
