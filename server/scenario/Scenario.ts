import { z } from 'zod';
import type { EngineRegistry } from '../sim/Engine.ts';
import { formatDuration, parseDuration, parseOffset } from './parseDuration.ts';

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const START = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;
const DURATION = /^\d{2,3}:[0-5]\d:[0-5]\d$/;
const OFFSET = /^T\+\d{2,3}:[0-5]\d:[0-5]\d$/;

const LocalizedText = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();

/** One inject on a scenario's timeline, as written in the file. */
export const TimelineItemFile = z
  .object({
    at: z.string().regex(OFFSET, { error: 'expected "T+hh:mm:ss"' }).describe('When, after the start: "T+hh:mm:ss"'),
    kind: z.string().min(1).describe('Inject kind, declared by one of the scenario\'s engines, e.g. "road_walker.close_link"'),
    params: z.record(z.string(), z.unknown()).optional().describe('Parameters of the inject kind'),
  })
  .strict();

/** A scenario file (scenarios/*.yaml) as written: the shape every file must have. */
export const ScenarioFile = z
  .object({
    id: z.string().regex(ID, { error: 'expected a lower-case id of a-z, 0-9, "_" and "-"' }).describe('Lower-case id; the file is named <id>.yaml'),
    title: LocalizedText.describe('Title in Chinese and English'),
    description: LocalizedText.describe('What the scenario shows, in Chinese and English'),
    city: z.string().regex(ID, { error: 'expected a city id' }).describe('Id of the city the scenario runs in, e.g. "pingdingshan"'),
    start: z
      .string()
      .regex(START, { error: 'expected a date-time in Asia/Shanghai like "2026-03-16T07:00:00+08:00"' })
      .describe('Sim time at the start, Asia/Shanghai: "YYYY-MM-DDThh:mm:ss+08:00"'),
    duration: z.string().regex(DURATION, { error: 'expected "hh:mm:ss"' }).describe('How long the scenario runs: "hh:mm:ss"'),
    seed: z.int().describe('Seed of the run\'s random generator; the same seed gives the same run'),
    engines: z
      .record(z.string(), z.record(z.string(), z.unknown()).nullable())
      .describe('Engines the scenario runs, by name, each with its parameters (empty for the defaults)'),
    timeline: z.array(TimelineItemFile).default([]).describe('Injects applied when the clock reaches them'),
  })
  .strict();
export type ScenarioFile = z.input<typeof ScenarioFile>;

/** A validated scenario with its times resolved to milliseconds. */
export interface Scenario {
  id: string;
  title: { zh: string; en: string };
  description: { zh: string; en: string };
  city: string;
  start: string;
  /** Epoch milliseconds of `start`. */
  startEpochMs: number;
  duration: string;
  durationMs: number;
  seed: number;
  /** Engine name → its parameters ({} for the defaults). */
  engines: Record<string, Record<string, unknown>>;
  timeline: { at: string; atMs: number; kind: string; params: Record<string, unknown> }[];
}

type Path = readonly PropertyKey[];

/** "timeline[3].at" for ["timeline", 3, "at"]. */
export function formatPath(path: Path): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(document)';
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One line per zod issue: "<path>: <reason>, got <value>". */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: Path = []): string[] {
  return issues.map((issue) => {
    const input = (issue as { input?: unknown }).input;
    if (issue.code === 'unrecognized_keys') {
      return `${formatPath([...prefix, ...issue.path])}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    }
    const path = formatPath([...prefix, ...issue.path]);
    if (issue.code === 'invalid_type') {
      return input === undefined ? `${path}: missing (expected ${issue.expected})` : `${path}: expected ${issue.expected}, got ${shown(input)}`;
    }
    return `${path}: ${issue.message.replace(/^Invalid input: /, '')}, got ${shown(input)}`;
  });
}

/**
 * Checks a parsed scenario document: its shape, its times, and its engines and injects against the
 * registry. Returns the scenario, or one message per problem ("<path>: <reason>").
 */
export function validateScenario(data: unknown, registry: EngineRegistry): { scenario: Scenario; errors: [] } | { scenario?: undefined; errors: string[] } {
  const parsed = ScenarioFile.safeParse(data, { reportInput: true });
  if (!parsed.success) return { errors: formatIssues(parsed.error.issues) };
  const file = parsed.data;
  const errors: string[] = [];

  const startEpochMs = Date.parse(file.start);
  const realStart = Number.isFinite(startEpochMs) && new Date(startEpochMs + 8 * 3_600_000).toISOString().slice(0, 19) === file.start.slice(0, 19);
  if (!realStart) errors.push(`start: not a real date and time, got ${shown(file.start)}`);
  const durationMs = parseDuration(file.duration) as number;
  if (durationMs <= 0) errors.push(`duration: must be longer than 00:00:00, got ${shown(file.duration)}`);

  const engines: Record<string, Record<string, unknown>> = {};
  const handled = new Map<string, { engine: string; schema?: z.ZodType }>();
  const names = Object.keys(file.engines);
  if (names.length === 0) errors.push(`engines: name at least one engine (known: ${[...registry.keys()].join(', ')})`);
  for (const name of names) {
    const create = registry.get(name);
    if (!create) {
      errors.push(`engines.${name}: unknown engine ${shown(name)} (known: ${[...registry.keys()].join(', ')})`);
      continue;
    }
    const engine = create();
    const params = file.engines[name] ?? {};
    if (engine.paramsSchema) {
      const checked = engine.paramsSchema.safeParse(params, { reportInput: true });
      if (!checked.success) errors.push(...formatIssues(checked.error.issues, ['engines', name]));
    }
    engines[name] = params;
    for (const kind of engine.injects) handled.set(kind, { engine: name, schema: engine.injectSchemas?.[kind] });
    engine.dispose();
  }

  const timeline = file.timeline.map((item, k) => {
    const atMs = parseOffset(item.at) as number;
    if (durationMs > 0 && atMs >= durationMs) {
      errors.push(`timeline[${k}].at: ${item.at} is not before the end of the scenario (duration ${formatDuration(durationMs)}), got ${shown(item.at)}`);
    }
    const params = item.params ?? {};
    const owner = handled.get(item.kind);
    if (!owner) {
      errors.push(`timeline[${k}].kind: no engine of this scenario handles ${shown(item.kind)} (handled: ${[...handled.keys()].join(', ') || 'none'})`);
    } else if (owner.schema) {
      const checked = owner.schema.safeParse(params, { reportInput: true });
      if (!checked.success) errors.push(...formatIssues(checked.error.issues, ['timeline', k, 'params']));
    }
    return { at: item.at, atMs, kind: item.kind, params };
  });
  // Keep the file's order for equal times; the run applies them in this order.
  timeline.sort((a, b) => a.atMs - b.atMs);

  if (errors.length > 0) return { errors };
  return {
    scenario: {
      id: file.id,
      title: file.title,
      description: file.description,
      city: file.city,
      start: file.start,
      startEpochMs,
      duration: file.duration,
      durationMs,
      seed: file.seed,
      engines,
      timeline,
    },
    errors: [],
  };
}
