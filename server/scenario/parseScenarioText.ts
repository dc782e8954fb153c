import type { EngineRegistry } from '../sim/Engine.ts';
import { validateScenario, type Scenario } from './Scenario.ts';
import { parseYaml } from './yamlFolder.ts';

/**
 * Parses and validates one scenario file's text. Every message starts with `label` (the file):
 * "scenarios/x.yaml: timeline[3].at: expected "T+hh:mm:ss", got "5min"", or
 * "scenarios/x.yaml:4:3: YAML syntax error: …" for text that is not YAML.
 */
export function parseScenarioText(text: string, label: string, registry: EngineRegistry): { scenario?: Scenario; errors: string[] } {
  const parsed = parseYaml(text, label);
  if (!parsed.ok) return { errors: parsed.errors };
  const result = validateScenario(parsed.data, registry);
  if (!result.scenario) return { errors: result.errors.map((e) => `${label}: ${e}`) };
  return { scenario: result.scenario, errors: [] };
}
