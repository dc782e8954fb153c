import YAML from 'yaml';
import type { EngineRegistry } from '../sim/Engine.ts';
import { validateScenario, type Scenario } from './Scenario.ts';

/**
 * Parses and validates one scenario file's text. Every message starts with `label` (the file):
 * "scenarios/x.yaml: timeline[3].at: expected "T+hh:mm:ss", got "5min"", or
 * "scenarios/x.yaml:4:3: YAML syntax error: …" for text that is not YAML.
 */
export function parseScenarioText(text: string, label: string, registry: EngineRegistry): { scenario?: Scenario; errors: string[] } {
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => {
        const where = e.linePos ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
        // The library appends " at line L, column C:" and a code excerpt; the position is already in front.
        const reason = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        return `${label}${where}: YAML syntax error: ${reason}`;
      }),
    };
  }
  const result = validateScenario(doc.toJS(), registry);
  if (!result.scenario) return { errors: result.errors.map((e) => `${label}: ${e}`) };
  return { scenario: result.scenario, errors: [] };
}
