import type { CityModel } from '../city/CityModel.ts';
import { engineRegistry } from '../sim/engineRegistry.ts';
import type { EngineRegistry } from '../sim/Engine.ts';
import { Run, type TimelineInject } from '../sim/Run.ts';
import { trafficNetworkOf } from '../sim/traffic/TrafficNetwork.ts';
import { tripFileProblems, TripTable } from '../sim/traffic/tripFiles/index.ts';
import type { Scenario } from './Scenario.ts';

export interface ScenarioRunOptions {
  id?: string;
  /** Overrides the scenario's seed (what-if comparisons run one scenario under several seeds). */
  seed?: number;
  stepMs?: number;
  checkpointEveryMs?: number;
  maxStepsPerAdvance?: number;
  registry?: EngineRegistry;
  /**
   * Injects added to the scenario's timeline (a what-if variant's changes), each within the run;
   * at equal times they follow the scenario's own. Validate them against the engines first.
   */
  timeline?: readonly TimelineInject[];
  /** The run will start from another run's fork point (RunOptions.fork: its engines skip their warm-up). */
  fork?: boolean;
}

/**
 * Makes a run of a validated scenario in its city: registers the scenario's engines with their
 * parameters and hands the run its timeline. A city that is not the scenario's, or a trip file
 * naming links or nodes the city does not have, is answered, not thrown.
 */
export function createScenarioRun(
  scenario: Scenario,
  city: CityModel,
  options: ScenarioRunOptions = {},
): { ok: true; run: Run } | { ok: false; code: string; message: string } {
  if (city.id !== scenario.city) {
    return { ok: false, code: 'wrong_city', message: `createScenarioRun: scenario ${scenario.id} runs in city ${JSON.stringify(scenario.city)}, got ${JSON.stringify(city.id)}` };
  }
  const seed = options.seed ?? scenario.seed;
  if (!Number.isSafeInteger(seed)) return { ok: false, code: 'bad_seed', message: `createScenarioRun: seed must be an integer, got ${String(seed)}` };
  // A trip file meets the city's network here: ids it does not have are refused, not thrown at the engine's start.
  const trips = scenario.engines.traffic?.trips;
  const tripProblems = trips instanceof TripTable ? tripFileProblems(trips, trafficNetworkOf(city)) : undefined;
  if (tripProblems) return { ok: false, code: 'bad_trips', message: `createScenarioRun: scenario ${scenario.id}: engines.traffic.trips: ${tripProblems}` };
  const registry = options.registry ?? engineRegistry;
  const run = new Run({
    id: options.id ?? `${scenario.id}-${seed}`,
    city,
    seed,
    startEpochMs: scenario.startEpochMs,
    durationMs: scenario.durationMs,
    stepMs: options.stepMs,
    checkpointEveryMs: options.checkpointEveryMs,
    maxStepsPerAdvance: options.maxStepsPerAdvance,
    timeline: [...scenario.timeline.map((t) => ({ atMs: t.atMs, kind: t.kind, params: t.params })), ...(options.timeline ?? [])],
    fork: options.fork,
  });
  // Sorted by name so the order of keys in the file never changes the run.
  for (const name of Object.keys(scenario.engines).sort()) {
    const create = registry.get(name);
    if (!create) throw new Error(`createScenarioRun: engine "${name}" of scenario ${scenario.id} is not in the registry (validate the scenario with the same registry)`);
    run.register(create(), scenario.engines[name]);
  }
  return { ok: true, run };
}
