import { EmergencyEngine } from './emergency/EmergencyEngine.ts';
import type { EngineRegistry } from './Engine.ts';
import { RoadWalkerEngine } from './engines/RoadWalkerEngine.ts';
import { EnvironmentEngine } from './environment/EnvironmentEngine.ts';
import { FloodEngine } from './flood/FloodEngine.ts';
import { TrafficEngine } from './traffic/TrafficEngine.ts';

/** Every engine a scenario can name, by name. Each call of a factory makes a fresh engine. */
export const engineRegistry: EngineRegistry = new Map<string, () => import('./Engine.ts').Engine>([
  ['road_walker', () => new RoadWalkerEngine()],
  ['traffic', () => new TrafficEngine()],
  ['environment', () => new EnvironmentEngine()],
  ['flood', () => new FloodEngine()],
  ['emergency', () => new EmergencyEngine()],
]);
