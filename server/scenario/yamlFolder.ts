/**
 * Folders of YAML documents, one per file, named after their id (scenarios/, drills/, tours/): the
 * reading, the YAML syntax errors with their line and column, and the id checks they all share.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/** How a file is named in messages: relative to the working directory when inside it. */
export function labelOf(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

/**
 * Parses one YAML document. Errors start with `label` and the place:
 * "scenarios/x.yaml:4:3: YAML syntax error: …".
 */
export function parseYaml(text: string, label: string): { ok: true; data: unknown } | { ok: false; errors: string[] } {
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length === 0) return { ok: true, data: doc.toJS() };
  return {
    ok: false,
    errors: doc.errors.map((e) => {
      const where = e.linePos ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
      // The library appends " at line L, column C:" and a code excerpt; the position is already in front.
      const reason = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      return `${label}${where}: YAML syntax error: ${reason}`;
    }),
  };
}

/** What a folder's validator makes of one parsed document: the item, or messages ("<path>: <reason>") without the file. */
export type ValidateDocument<T> = (data: unknown) => { value?: T; errors: readonly string[] };

/**
 * Loads every *.yaml / *.yml file of `dir` (sorted by file name) through `validate`. A bad file is
 * left out with messages naming the file, the place in the document and the reason; so is a file
 * whose `id` is not its name or is already taken. The others still load. `who` names the caller in
 * the message about a folder that cannot be read.
 */
export function loadYamlFolder<T extends { id: string }>(dir: string, who: string, validate: ValidateDocument<T>): { items: T[]; errors: string[] } {
  const items: T[] = [];
  const errors: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (err) {
    return { items, errors: [`${who}: cannot read folder ${dir}: ${(err as Error).message}`] };
  }
  const fileOfId = new Map<string, string>();
  for (const name of names) {
    const label = labelOf(path.join(dir, name));
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, name), 'utf8');
    } catch (err) {
      errors.push(`${label}: cannot read: ${(err as Error).message}`);
      continue;
    }
    const parsed = parseYaml(text, label);
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      continue;
    }
    const { value, errors: problems } = validate(parsed.data);
    if (!value) {
      errors.push(...problems.map((e) => `${label}: ${e}`));
      continue;
    }
    const expected = name.replace(/\.ya?ml$/, '');
    if (value.id !== expected) {
      errors.push(`${label}: id: expected ${JSON.stringify(expected)} (the file's name), got ${JSON.stringify(value.id)}`);
      continue;
    }
    const other = fileOfId.get(value.id);
    if (other) {
      errors.push(`${label}: id: ${JSON.stringify(value.id)} is already used by ${other}`);
      continue;
    }
    fileOfId.set(value.id, label);
    items.push(value);
  }
  return { items, errors };
}
