import { engineRegistry } from '../sim/engineRegistry.ts';
import type { EngineRegistry } from '../sim/Engine.ts';
import type { Scenario } from './Scenario.ts';
import { validateScenario } from './Scenario.ts';
import { loadYamlFolder } from './yamlFolder.ts';

/**
 * Loads every *.yaml / *.yml scenario in `dir` (sorted by file name). A bad file is left out with
 * messages naming the file, the place in the document and the reason; the others still load.
 */
export function loadScenarios(dir: string, registry: EngineRegistry = engineRegistry): { scenarios: Scenario[]; errors: string[] } {
  const { items, errors } = loadYamlFolder(dir, 'loadScenarios', (data) => {
    const result = validateScenario(data, registry);
    return { value: result.scenario, errors: result.errors };
  });
  return { scenarios: items, errors };
}
