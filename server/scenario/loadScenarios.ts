import fs from 'node:fs';
import path from 'node:path';
import { engineRegistry } from '../sim/engineRegistry.ts';
import type { EngineRegistry } from '../sim/Engine.ts';
import { parseScenarioText } from './parseScenarioText.ts';
import type { Scenario } from './Scenario.ts';

/** How a file is named in messages: relative to the working directory when inside it. */
function labelOf(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

/**
 * Loads every *.yaml / *.yml scenario in `dir` (sorted by file name). A bad file is left out with
 * messages naming the file, the place in the document and the reason; the others still load.
 */
export function loadScenarios(dir: string, registry: EngineRegistry = engineRegistry): { scenarios: Scenario[]; errors: string[] } {
  const scenarios: Scenario[] = [];
  const errors: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (err) {
    return { scenarios, errors: [`loadScenarios: cannot read folder ${dir}: ${(err as Error).message}`] };
  }
  const fileOfId = new Map<string, string>();
  for (const name of names) {
    const file = path.join(dir, name);
    const label = labelOf(file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      errors.push(`${label}: cannot read: ${(err as Error).message}`);
      continue;
    }
    const result = parseScenarioText(text, label, registry);
    if (!result.scenario) {
      errors.push(...result.errors);
      continue;
    }
    const { scenario } = result;
    const expected = name.replace(/\.ya?ml$/, '');
    if (scenario.id !== expected) {
      errors.push(`${label}: id: expected ${JSON.stringify(expected)} (the file's name), got ${JSON.stringify(scenario.id)}`);
      continue;
    }
    const other = fileOfId.get(scenario.id);
    if (other) {
      errors.push(`${label}: id: ${JSON.stringify(scenario.id)} is already used by ${other}`);
      continue;
    }
    fileOfId.set(scenario.id, label);
    scenarios.push(scenario);
  }
  return { scenarios, errors };
}
