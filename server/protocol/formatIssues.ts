import type { z } from 'zod';

/**
 * One line per zod issue: `where: path.to.field: message (got value)`, the value read back from the
 * input by the issue's path so the reader sees exactly what was sent.
 */
export function formatIssues(where: string, error: z.ZodError, input: unknown): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
      return `${where}: ${path}: ${issue.message} (got ${describeValue(valueAt(input, issue.path))})`;
    })
    .join('; ');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** A short, never-throwing rendering of any value. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function' || typeof value === 'symbol') return typeof value;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  text ??= String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
