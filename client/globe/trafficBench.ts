/**
 * Moved to client/layers/traffic/globe/trafficBench.ts with the rest of the traffic layer. This
 * type-only re-export keeps bench/trafficClient.ts (not part of the client) compiling until it
 * imports from there; then delete this file.
 */
export type { FrameTimes, TrafficBenchHooks } from '../layers/traffic/globe/trafficBench.ts';
