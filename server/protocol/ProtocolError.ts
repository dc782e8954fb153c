/** Codes a peer can act on: a version mismatch needs an upgrade, a sequence gap needs a keyframe. */
export type ProtocolErrorCode =
  | 'protocol_version'
  | 'bad_frame'
  | 'frame_sequence'
  | 'bad_event'
  | 'bad_request'
  | 'bad_hello';

/** An expected failure on the wire, answered rather than thrown: `{ code, message }`. */
export interface ProtocolError {
  code: ProtocolErrorCode | (string & {});
  message: string;
}

/** What every decoder and parser returns instead of throwing. */
export type DecodeResult<T> = ({ ok: true } & T) | { ok: false; error: ProtocolError };
