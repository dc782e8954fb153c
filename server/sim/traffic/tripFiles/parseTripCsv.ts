import { kindOfVClass } from './kindOfVClass.ts';
import { parseTimeS, TripTableBuilder, type TripEnd, type TripTable } from './TripTable.ts';

/** Columns a trip CSV may have; named as the attributes of SUMO's `<trip>`. */
const COLUMNS = ['id', 'depart', 'from', 'to', 'fromJunction', 'toJunction', 'fromX', 'fromY', 'toX', 'toY', 'route', 'vClass'] as const;
const MAX_ERRORS = 20;

/**
 * Reads a CSV of trips, one a row, into a TripTable. The first row names the columns (any order;
 * comma- or semicolon-separated; "quoted" fields; a UTF-8 BOM and lines starting with # are skipped):
 *
 * - `depart` (required): seconds after midnight, or hh:mm:ss, of the scenario's start day;
 * - where from and to, one pair a row: `from`,`to` link (SUMO edge) ids; or `fromJunction`,`toJunction`
 *   node (junction) ids; or `fromX`,`fromY`,`toX`,`toY` local metres east and north (nearest node);
 *   or `route`: link ids separated by spaces, a fixed route;
 * - `id` (optional, default "row<line>"), `vClass` (optional SUMO class, default passenger: a car).
 */
export function parseTripCsv(text: string, label: string): { table: TripTable; errors: [] } | { table?: undefined; errors: string[] } {
  const errors: string[] = [];
  const builder = new TripTableBuilder();
  const leftOut = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let header: string[] | undefined;
  let sep = ',';
  const col = new Map<string, number>();
  for (let n = 0; n < lines.length && errors.length < MAX_ERRORS; n++) {
    const raw = lines[n];
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const where = `${label}:${n + 1}`;
    if (!header) {
      sep = raw.includes(',') || !raw.includes(';') ? ',' : ';';
      header = splitRow(raw, sep).map((h) => h.trim());
      header.forEach((h, k) => {
        if (!(COLUMNS as readonly string[]).includes(h)) errors.push(`${where}: column ${JSON.stringify(h)}: unknown (columns: ${COLUMNS.join(', ')})`);
        else if (col.has(h)) errors.push(`${where}: column ${JSON.stringify(h)}: given twice`);
        else col.set(h, k);
      });
      if (!col.has('depart')) errors.push(`${where}: no "depart" column (the first row names the columns, e.g. "depart,from,to")`);
      if (errors.length > 0) return { errors };
      continue;
    }
    const cells = splitRow(raw, sep);
    const cell = (name: string): string => (col.has(name) ? (cells[col.get(name) as number] ?? '').trim() : '');
    const id = cell('id') || `row${n + 1}`;
    const departS = parseTimeS(cell('depart'));
    if (departS === undefined) {
      errors.push(`${where}: depart: expected seconds after midnight or hh:mm:ss, got ${JSON.stringify(cell('depart'))}`);
      continue;
    }
    const vClass = cell('vClass') || 'passenger';
    const kind = kindOfVClass(vClass);
    if (kind === undefined) {
      leftOut.set(vClass, (leftOut.get(vClass) ?? 0) + 1);
      continue;
    }
    const way = wayOf(cell, where);
    if (typeof way === 'string') {
      errors.push(way);
      continue;
    }
    builder.add({ id, line: n + 1, element: 'row', departS, kind, ...way });
  }
  if (!header) errors.push(`${label}: empty (the first row names the columns, e.g. "depart,from,to")`);
  else if (builder.count === 0 && errors.length === 0) errors.push(`${label}: no trips the engine can drive`);
  if (errors.length >= MAX_ERRORS) errors.push(`${label}: (stopped after ${MAX_ERRORS} errors)`);
  if (errors.length > 0) return { errors };
  const notes = [...leftOut].map(([vClass, count]) => `${label}: left out ${count} rows of vClass ${vClass} (the engine drives cars, buses and trucks)`);
  return { table: builder.build(label, notes), errors: [] };
}

/** A row's ends or route, or the message about what is wrong with them. */
function wayOf(cell: (name: string) => string, where: string): { from: TripEnd; to: TripEnd; route: string[] } | string {
  const none: TripEnd = { type: 'none' };
  const route = cell('route');
  if (route) return { from: none, to: none, route: route.split(/\s+/) };
  for (const [a, b, type] of [['from', 'to', 'link'], ['fromJunction', 'toJunction', 'node']] as const) {
    if (!cell(a) && !cell(b)) continue;
    if (!cell(a) || !cell(b)) return `${where}: ${cell(a) ? b : a}: missing (${a} and ${b} go together)`;
    return { from: { type, id: cell(a) }, to: { type, id: cell(b) }, route: [] };
  }
  const xy = ['fromX', 'fromY', 'toX', 'toY'].map((name) => [name, cell(name)] as const);
  if (xy.some(([, v]) => v !== '')) {
    for (const [name, v] of xy) if (v === '' || !Number.isFinite(Number(v))) return `${where}: ${name}: expected metres, got ${JSON.stringify(v)}`;
    const [fx, fy, tx, ty] = xy.map(([, v]) => Number(v));
    return { from: { type: 'xy', x: fx, y: fy }, to: { type: 'xy', x: tx, y: ty }, route: [] };
  }
  return `${where}: expected from and to, fromJunction and toJunction, fromX/fromY/toX/toY, or route`;
}

/** The fields of one CSV row; "double quotes" around a field keep separators in it, "" is a quote. */
function splitRow(row: string, sep: string): string[] {
  if (!row.includes('"')) return row.split(sep);
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (quoted) {
      if (c === '"' && row[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}
