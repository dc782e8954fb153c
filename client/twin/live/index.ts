/** The live twin: connection, decoded moving objects with interpolation, run list and run state. */
export { LiveConnection, STALE_AFTER_MS } from './LiveConnection.ts';
export type { LiveConnectionOptions, LiveSocket } from './LiveConnection.ts';
export { LiveObjects } from './LiveObjects.ts';
export { createLiveStore, LIVE_RUN_ID } from './LiveStore.ts';
export type { ConnectionStatus, LiveState, LiveStore } from './LiveStore.ts';
export { parseRunList } from './runList.ts';
export type { RunInfo } from './runList.ts';
export { lerp, lerpHeading } from './interpolate.ts';
export { openSocket } from './openSocket.ts';
export { OBJECT_KIND_COLORS, objectKindColor } from './objectColors.ts';
