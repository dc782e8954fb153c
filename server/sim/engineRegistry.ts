import type { EngineRegistry } from './Engine.ts';
import { RoadWalkerEngine } from './engines/RoadWalkerEngine.ts';

/** Every engine a scenario can name, by name. Each call of a factory makes a fresh engine. */
export const engineRegistry: EngineRegistry = new Map([['road_walker', () => new RoadWalkerEngine()]]);
