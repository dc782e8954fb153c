import type { ProtocolError } from './ProtocolError.ts';

/**
 * The wire protocol's version: in every binary frame header and in the Socket.IO handshake.
 * Bump it on any change a peer of the previous version would misread (see README.md, "Version rules").
 */
export const PROTOCOL_VERSION = 2;

/** Null when `version` is ours; otherwise the error to send back to the peer that spoke it. */
export function checkProtocolVersion(version: unknown): ProtocolError | null {
  if (version === PROTOCOL_VERSION) return null;
  const spoken = typeof version === 'number' || typeof version === 'string' ? String(version) : `(${describeType(version)})`;
  return {
    code: 'protocol_version',
    message: `protocol: client speaks version ${spoken}, server speaks ${PROTOCOL_VERSION}`,
  };
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
