export type { Engine, EngineContext, EngineRegistry, EngineSnapshot, InjectResult, SimResult } from './Engine.ts';
export { engineRegistry } from './engineRegistry.ts';
export { RoadWalkerEngine, RoadWalkerParams } from './engines/RoadWalkerEngine.ts';
export { mergeObjectStates } from './mergeObjectStates.ts';
export { createRng, type Rng } from './random.ts';
export { Run, type RunEvent, type RunOptions, type RunOutput, type RunStatus, type TimelineInject } from './Run.ts';
export type { GridSet, LinkActivity, OutputDeclaration, OutputKind, OutputTypes } from './outputs.ts';
export { checkSpeed, MAX_SPEED, MIN_SPEED, SimClock, type SimSpeed } from './SimClock.ts';
