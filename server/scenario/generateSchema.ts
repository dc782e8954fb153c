import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { engineRegistry } from '../sim/engineRegistry.ts';
import type { EngineRegistry } from '../sim/Engine.ts';
import { ScenarioFile } from './Scenario.ts';
import { DrillFile } from '../protocol/drills.ts';

type JsonSchema = Record<string, unknown>;

function toJson(schema: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete out.$schema;
  return out;
}

/**
 * The JSON Schema of scenario files for editors (scenarios/schema.json), as formatted text: the
 * zod schema of the file's shape, with each registered engine's parameters and inject kinds filled in.
 */
export function generateSchema(registry: EngineRegistry = engineRegistry): string {
  const schema = z.toJSONSchema(ScenarioFile, { io: 'input' }) as JsonSchema;
  schema.$id = 'https://yingcheng-twin.local/scenarios/schema.json';
  schema.title = 'Yingcheng Twin scenario';
  const props = schema.properties as Record<string, JsonSchema>;

  const engineProps: Record<string, JsonSchema> = {};
  const kinds: string[] = [];
  const kindRules: JsonSchema[] = [];
  for (const [name, create] of [...registry].sort(([a], [b]) => a.localeCompare(b))) {
    const engine = create();
    engineProps[name] = engine.paramsSchema ? { anyOf: [toJson(engine.paramsSchema), { type: 'null' }] } : {};
    for (const kind of engine.injects) {
      kinds.push(kind);
      const params = engine.injectSchemas?.[kind];
      if (params) kindRules.push({ if: { properties: { kind: { const: kind } } }, then: { properties: { params: toJson(params) } } });
    }
    engine.dispose();
  }
  props.engines = { ...props.engines, properties: engineProps, additionalProperties: false, minProperties: 1 };
  delete props.engines.propertyNames;

  const timeline = props.timeline as { items: JsonSchema };
  const itemProps = timeline.items.properties as Record<string, JsonSchema>;
  itemProps.kind = { ...itemProps.kind, enum: kinds };
  if (kindRules.length > 0) timeline.items.allOf = kindRules;
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/**
 * The JSON Schema of drill files (drills/schema.json): the zod schema of the file's shape, with the
 * registered engines' inject kinds offered for MSEL injects (which of them a drill may use depends
 * on its scenario: the loader checks that).
 */
export function generateDrillSchema(registry: EngineRegistry = engineRegistry): string {
  const schema = z.toJSONSchema(DrillFile, { io: 'input' }) as JsonSchema;
  schema.$id = 'https://yingcheng-twin.local/drills/schema.json';
  schema.title = 'Yingcheng Twin drill';
  const kinds: string[] = [];
  for (const [, create] of registry) {
    const engine = create();
    kinds.push(...engine.injects);
    engine.dispose();
  }
  const item = (schema.properties as Record<string, { items: JsonSchema }>).msel.items;
  const inject = (item.properties as Record<string, JsonSchema>).inject;
  const injectProps = inject.properties as Record<string, JsonSchema>;
  injectProps.kind = { ...injectProps.kind, enum: kinds.sort() };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

// `npm run scenarios:schema` writes the files next to the scenarios and the drills.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scenarios/schema.json');
  fs.writeFileSync(out, generateSchema());
  console.log(`generateSchema: wrote ${path.relative(process.cwd(), out)}`);
  const drills = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drills/schema.json');
  fs.writeFileSync(drills, generateDrillSchema());
  console.log(`generateSchema: wrote ${path.relative(process.cwd(), drills)}`);
}
