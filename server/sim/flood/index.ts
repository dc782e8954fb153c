export { FloodEngine } from './FloodEngine.ts';
export { FloodInjects, FloodParams, type FloodRainInject } from './floodParams.ts';
export { CLOSED_DEPTH_M, DRY_DEPTH_M, IMPASSABLE_DEPTH_M, SLOW_DEPTH_M } from './floodFigures.ts';
