import type { z } from 'zod';
import type { InjectResult } from './Engine.ts';

/** A refusal an engine answers an inject with. */
export type InjectRefusal = Extract<InjectResult, { ok: false }>;

/**
 * Checks an inject's parameters against its kind's schema: the parsed parameters, or the refusal
 * naming an unknown kind (by `engine`, e.g. "TrafficEngine") or the first bad field and why.
 */
export function parseInject(engine: string, schemas: Readonly<Record<string, z.ZodType>>, kind: string, params: unknown): { ok: true; data: unknown } | InjectRefusal {
  const schema = schemas[kind];
  if (!schema) return { ok: false, code: 'unknown_inject', message: `${engine}: does not handle inject kind ${JSON.stringify(kind)}` };
  const parsed = schema.safeParse(params ?? {});
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, code: 'bad_inject_params', message: `${kind}: ${issue.path.join('.') || 'params'}: ${issue.message}` };
}
