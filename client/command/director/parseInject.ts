/** The ad-hoc form's engine inject: a kind and its parameters typed as JSON, checked before they go to the server. */

export type ParsedInject = { ok: true; inject: { kind: string; params: Record<string, unknown> } } | { ok: false; field: 'kind' | 'params'; message: string };

const KIND = /^[a-z]+\.[a-z_]+$/;

/** The inject of `kind` with `paramsText` (a JSON object; empty means `{}`), or which field is wrong and why. */
export function parseInject(kind: string, paramsText: string): ParsedInject {
  const k = kind.trim();
  if (!KIND.test(k)) return { ok: false, field: 'kind', message: `"${k}" is not an inject kind such as "traffic.close_link"` };
  const text = paramsText.trim();
  if (text === '') return { ok: true, inject: { kind: k, params: {} } };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, field: 'params', message: (err as Error).message };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, field: 'params', message: `expected a JSON object such as {"linkId": "L000123"}, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}` };
  }
  return { ok: true, inject: { kind: k, params: value as Record<string, unknown> } };
}
