/** The bytes of frame `seq` in the crash test: 1–11 KB that tell the frame apart from its neighbours. */
export function crashFrame(seq: number): Uint8Array {
  const bytes = new Uint8Array(1000 + (seq % 50) * 200);
  new DataView(bytes.buffer).setUint32(0, seq, true);
  for (let j = 4; j < bytes.length; j++) bytes[j] = (seq * 31 + j * 7 + (j >> 5)) & 0xff;
  return bytes;
}

/** Sim time advances this much per frame; the child produces one frame per this much wall time. */
export const CRASH_STEP_MS = 10;
