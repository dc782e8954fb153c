export { RunStore, STORE_FILE } from './RunStore.ts';
export type {
  EventInput,
  FrameInput,
  NewRun,
  PruneOptions,
  PruneResult,
  RecordedEvent,
  RunInfo,
  RunStatus,
  RunStoreOptions,
} from './RunStore.ts';
export { Replay } from './Replay.ts';
export type { FrameKind, ReplayFrame } from './Replay.ts';
