/**
 * Drill files (drills/*.yaml): the shape (DrillFile), then against the scenario they run on — its
 * end, the injects its engines handle and their parameters — and the expected actions against what
 * the expected department may do. Errors name the file, the field and the value:
 * "drills/x.yaml: msel[3].at: …".
 */
import type { z } from 'zod';
import { DEPARTMENT_INJECTS, departmentMayInject } from '../protocol/access.ts';
import { DrillFile, WarningLevel, type Drill, type MselItem } from '../protocol/drills.ts';
import { formatDuration, parseDuration, parseOffset } from '../scenario/parseDuration.ts';
import { formatIssues, type Scenario } from '../scenario/Scenario.ts';
import { loadYamlFolder } from '../scenario/yamlFolder.ts';
import { engineRegistry } from '../sim/engineRegistry.ts';
import type { EngineRegistry } from '../sim/Engine.ts';
import { expectedDepartment } from './checks.ts';

/** The inject kinds a scenario's engines handle, each with its parameters' schema (when it has one). */
export function scenarioInjects(scenario: Scenario, registry: EngineRegistry): Map<string, z.ZodType | undefined> {
  const kinds = new Map<string, z.ZodType | undefined>();
  for (const name of Object.keys(scenario.engines)) {
    const create = registry.get(name);
    if (!create) continue;
    const engine = create();
    for (const kind of engine.injects) kinds.set(kind, engine.injectSchemas?.[kind]);
    engine.dispose();
  }
  return kinds;
}

const shown = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** "warning", "warning.<level>" or one of `kinds`: what an expected action may name. */
function expectedActionProblem(action: string, kinds: ReadonlyMap<string, unknown>): string | null {
  if (action === 'warning') return null;
  if (action.startsWith('warning.')) {
    const level = action.slice('warning.'.length);
    return WarningLevel.safeParse(level).success ? null : `unknown warning level ${shown(level)} (levels: ${WarningLevel.options.join(', ')})`;
  }
  return kinds.has(action) ? null : `not "warning", "warning.<level>" nor an inject kind this scenario handles (${[...kinds.keys()].join(', ')})`;
}

/**
 * Checks a parsed drill document against the loaded scenarios. Returns the drill (MSEL in time
 * order, times in ms), or one message per problem ("<path>: <reason>, got <value>").
 */
export function validateDrill(data: unknown, scenarios: readonly Scenario[], registry: EngineRegistry = engineRegistry): { value?: Drill; errors: string[] } {
  const parsed = DrillFile.safeParse(data, { reportInput: true });
  if (!parsed.success) return { errors: formatIssues(parsed.error.issues) };
  const file = parsed.data;
  const scenario = scenarios.find((s) => s.id === file.scenario);
  if (!scenario) return { errors: [`scenario: no loaded scenario ${shown(file.scenario)} (loaded: ${scenarios.map((s) => s.id).join(', ') || 'none'})`] };
  const kinds = scenarioInjects(scenario, registry);
  const errors: string[] = [];
  const firstOfId = new Map<string, number>();
  const msel = file.msel.map((item, k): MselItem => {
    const where = `msel[${k}]`;
    const atMs = parseOffset(item.at) as number;
    if (atMs >= scenario.durationMs) {
      errors.push(`${where}.at: ${item.at} is not before the end of scenario ${scenario.id} (duration ${formatDuration(scenario.durationMs)}), got ${shown(item.at)}`);
    }
    const first = firstOfId.get(item.id);
    if (first !== undefined) errors.push(`${where}.id: ${shown(item.id)} is already the id of msel[${first}]`);
    else firstOfId.set(item.id, k);

    let inject = item.inject;
    if (inject) {
      if (!kinds.has(inject.kind)) {
        errors.push(`${where}.inject.kind: no engine of scenario ${scenario.id} handles ${shown(inject.kind)} (handled: ${[...kinds.keys()].join(', ') || 'none'})`);
      } else {
        const schema = kinds.get(inject.kind);
        const checked = schema?.safeParse(inject.params, { reportInput: true });
        if (checked && !checked.success) errors.push(...formatIssues(checked.error.issues, ['msel', k, 'inject', 'params']));
        else if (checked) inject = { kind: inject.kind, params: checked.data as Record<string, unknown> };
      }
    }

    const out: MselItem = { id: item.id, at: item.at, atMs, to: item.to, message: item.message };
    if (item.from) out.from = item.from;
    if (inject) out.inject = inject;
    if (item.notes) out.notes = item.notes;
    if (item.expected) {
      const e = item.expected;
      out.expected = { action: e.action, by: e.by ?? null, within: e.within, withinMs: parseDuration(e.within) as number, description: e.description, ...(e.standard ? { standard: e.standard } : {}) };
      const problem = expectedActionProblem(e.action, kinds);
      if (problem) errors.push(`${where}.expected.action: ${problem}, got ${shown(e.action)}`);
      const by = expectedDepartment(out);
      if (!problem && by !== null && !e.action.startsWith('warning') && !departmentMayInject(by, e.action)) {
        const field = e.by ? 'by' : 'action';
        errors.push(`${where}.expected.${field}: ${by} may not make ${shown(e.action)} (its injects: ${DEPARTMENT_INJECTS[by].join(', ') || 'none'}), got ${shown(field === 'by' ? e.by : e.action)}`);
      }
      if (out.expected.withinMs <= 0) errors.push(`${where}.expected.within: must be longer than 00:00:00, got ${shown(e.within)}`);
    }
    return out;
  });
  if (errors.length > 0) return { errors };
  // Keep the file's order for equal times: that is the order they are delivered in.
  msel.sort((a, b) => a.atMs - b.atMs);
  return {
    value: { id: file.id, title: file.title, description: file.description, scenario: file.scenario, speed: file.speed, objectives: file.objectives, msel },
    errors: [],
  };
}

/**
 * Loads every *.yaml / *.yml drill in `dir` (sorted by file name) against `scenarios`. A bad file
 * is left out with messages naming the file, the place in the document and the reason; the others still load.
 */
export function loadDrills(dir: string, scenarios: readonly Scenario[], registry: EngineRegistry = engineRegistry): { drills: Drill[]; errors: string[] } {
  const { items, errors } = loadYamlFolder(dir, 'loadDrills', (data) => validateDrill(data, scenarios, registry));
  return { drills: items, errors };
}
