import { engineRegistry } from '../sim/engineRegistry.ts';
import type { EngineRegistry } from '../sim/Engine.ts';
import { readTripFiles, type TripFileCache } from './readTripFiles.ts';
import type { Scenario } from './Scenario.ts';
import { validateScenario } from './Scenario.ts';
import { loadYamlFolder } from './yamlFolder.ts';

/**
 * Loads every *.yaml / *.yml scenario in `dir` (sorted by file name). A bad file is left out with
 * messages naming the file, the place in the document and the reason; the others still load. A
 * scenario's trip file (engines.traffic.trips) is read here, relative to the folder.
 */
export function loadScenarios(dir: string, registry: EngineRegistry = engineRegistry): { scenarios: Scenario[]; errors: string[] } {
  const tripFiles: TripFileCache = new Map();
  const { items, errors } = loadYamlFolder(dir, 'loadScenarios', (data) => {
    const result = validateScenario(data, registry);
    if (!result.scenario) return { errors: result.errors };
    const problems = readTripFiles(result.scenario, dir, tripFiles);
    return problems.length > 0 ? { errors: problems } : { value: result.scenario, errors: [] };
  });
  return { scenarios: items, errors };
}
