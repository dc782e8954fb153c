import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AuditQuery, AuditRecord } from '../protocol/access.ts';
import { openSqlite, resolveSqliteFile } from '../store/openSqlite.ts';

/** The audit trail's file name inside the data directory. */
export const AUDIT_FILE = 'audit.sqlite';

/** GB/T 22239-2019 level 3 keeps audit records at least six months: no retention may be shorter. */
export const MIN_RETENTION_DAYS = 180;

/** The hash the first record chains to. */
export const GENESIS_HASH = '0'.repeat(64);

/** Longest detail stored, in UTF-8 bytes; a longer one is cut and says so. */
export const MAX_DETAIL_BYTES = 2048;

const DAY_MS = 86_400_000;
/** What sorting a record costs, in records walked past (see timeIndexPays). */
const SORT_COST = 8;

/**
 * What happened, as the server reports it; the log adds seq, time and hash. actor: an account
 * name, "device:NAME", "anonymous" or "system"; action: a dotted event type ("session.sign_in",
 * "run.inject"); target: what it acted on; address: the client's. detail: a note, or an object
 * stored as canonical JSON (keys sorted, no spaces); either cut to MAX_DETAIL_BYTES.
 */
export interface AuditEntry extends Pick<AuditRecord, 'actor' | 'role' | 'action' | 'target' | 'result' | 'address'> {
  detail?: string | Record<string, unknown> | null;
}

export interface AuditLogOptions {
  /** Wall clock, epoch ms (tests). */
  now?: () => number;
  /** prune() deletes records older than this many days; at least MIN_RETENTION_DAYS. Default 180. */
  retentionDays?: number;
  /** Opens for reading only (the CLI beside a running server): no migration, no writes. */
  readonly?: boolean;
}

export type VerifyResult =
  | { ok: true; checked: number; head: { seq: number; hash: string } }
  | { ok: false; checked: number; firstBroken: { seq: number; reason: string } };

/** The page query() answers: newest first; nextBefore is the `before` of the next (older) page, null at the oldest. */
export interface AuditPage {
  records: AuditRecord[];
  nextBefore: number | null;
}

interface AuditRow extends AuditRecord {
  prev_hash: string;
}

interface ChainRow {
  anchor_seq: number;
  anchor_hash: string;
  head_seq: number;
  head_hash: string;
}

const RECORD_COLUMNS = 'seq, at, actor, role, action, target, result, address, detail, hash';

/**
 * The migrations of audit.sqlite, oldest first (SQLite's `user_version` is the schema version).
 * Append new ones; never edit a released one.
 *
 * Append-only is enforced by triggers: no UPDATE of a record; INSERT only at the head, chained to
 * it; DELETE only of records at or below the anchor and older than MIN_RETENTION_DAYS by
 * `audit_delete_cutoff()`, a function only AuditLog registers, so outside this process SQLite
 * refuses every DELETE ("no such function"). Whoever drops the triggers is caught by the chain.
 */
const MIGRATIONS: readonly string[] = [
  // 1: records, the chain's head and anchor, and the triggers that keep both append-only.
  `
  CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,  -- 1, 2, … with no gaps: the chain numbers records, not AUTOINCREMENT
    at        TEXT    NOT NULL,     -- UTC ISO with ms, fixed width, so text order is time order
    actor     TEXT    NOT NULL,
    role      TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    target    TEXT    NOT NULL,
    result    TEXT    NOT NULL CHECK (result IN ('ok', 'denied', 'failed')),
    address   TEXT    NOT NULL,
    detail    TEXT,
    prev_hash TEXT    NOT NULL,     -- the hash this record chains to: tells an edit from a broken link
    hash      TEXT    NOT NULL
  );
  -- Each filter walks its index newest first (seq is the rowid) and stops at the page's end.
  CREATE INDEX audit_by_actor ON audit (actor, seq);
  CREATE INDEX audit_by_action ON audit (action, seq);
  CREATE INDEX audit_by_result ON audit (result, seq);
  CREATE INDEX audit_by_time ON audit (at);

  -- One row: the last pruned record (anchor; 0 and the genesis hash before any prune) and the last
  -- record written (head), so that deleting the newest records shows too.
  CREATE TABLE audit_chain (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    anchor_seq  INTEGER NOT NULL,
    anchor_hash TEXT    NOT NULL,
    head_seq    INTEGER NOT NULL,
    head_hash   TEXT    NOT NULL
  );
  INSERT INTO audit_chain VALUES (1, 0, '${GENESIS_HASH}', 0, '${GENESIS_HASH}');

  CREATE TRIGGER audit_append_at_head BEFORE INSERT ON audit
  WHEN NEW.seq <> (SELECT head_seq + 1 FROM audit_chain) OR NEW.prev_hash <> (SELECT head_hash FROM audit_chain)
  BEGIN SELECT RAISE(ABORT, 'audit: records are appended at the head of the chain only'); END;

  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit: records are append-only and cannot be changed'); END;

  CREATE TRIGGER audit_no_early_delete BEFORE DELETE ON audit
  WHEN OLD.seq > (SELECT anchor_seq FROM audit_chain) OR OLD.at >= audit_delete_cutoff()
  BEGIN SELECT RAISE(ABORT, 'audit: records younger than the retention cannot be deleted'); END;

  CREATE TRIGGER audit_chain_kept BEFORE DELETE ON audit_chain
  BEGIN SELECT RAISE(ABORT, 'audit: the chain''s head and anchor cannot be deleted'); END;

  CREATE TRIGGER audit_chain_forward BEFORE UPDATE ON audit_chain
  WHEN NEW.head_seq NOT IN (OLD.head_seq, OLD.head_seq + 1) OR NEW.anchor_seq < OLD.anchor_seq OR NEW.anchor_seq > NEW.head_seq
  BEGIN SELECT RAISE(ABORT, 'audit: the chain''s head moves one record at a time and its anchor only forward'); END;
  `,
];

const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * The audit trail: an append-only, hash-chained log of who did what, in its own SQLite file
 * (`<dataDir>/audit.sqlite`, WAL, synchronous=FULL: a written record survives a crash or power cut).
 *
 * Record n's hash is sha256 hex of `hash(n-1) + "\n" + JSON.stringify([seq, at, actor, role, action,
 * target, result, address, detail])`, where hash(0) is GENESIS_HASH, or after pruning the anchor:
 * the last deleted record's hash. Anyone can recompute it from the table. verify() walks the chain
 * and names the first record edited, deleted or inserted; the head kept beside the records shows a
 * deleted newest record. The chain has no key: someone who can write the file and recomputes every
 * later hash (and the head) is not caught by the file alone, only by a head noted elsewhere
 * (verify answers it; `npm run audit -- verify` prints it).
 *
 * One server process writes; the CLI opens readonly beside it.
 */
export class AuditLog {
  /** The SQLite file, or ":memory:". */
  readonly file: string;
  readonly retentionDays: number;
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly isReadonly: boolean;
  private readonly stmt: ReturnType<AuditLog['prepareStatements']>;
  /** query()'s statements, one per combination of filters. */
  private readonly queries = new Map<string, Database.Statement<Record<string, string | number>, AuditRecord>>();
  private closed = false;

  /**
   * Opens (creating if needed) the trail. `location` is the data directory, a file path ending in
   * .sqlite or .db, or ":memory:". Throws a clear error naming the file if it is not an audit
   * trail or was written by a newer server, and if retentionDays is under MIN_RETENTION_DAYS.
   */
  constructor(location: string, options: AuditLogOptions = {}) {
    const retentionDays = options.retentionDays ?? MIN_RETENTION_DAYS;
    if (!Number.isInteger(retentionDays) || retentionDays < MIN_RETENTION_DAYS) {
      throw new Error(
        `AuditLog: retentionDays must be a whole number of days, at least ${MIN_RETENTION_DAYS} (GB/T 22239-2019 level 3 keeps audit records six months), got ${retentionDays}`,
      );
    }
    this.retentionDays = retentionDays;
    this.file = resolveSqliteFile(location, AUDIT_FILE);
    this.now = options.now ?? Date.now;
    this.isReadonly = options.readonly ?? false;
    this.db = openSqlite(this.file, 'AuditLog', { readonly: this.isReadonly }, (db) => this.setUp(db));
    this.stmt = this.prepareStatements();
  }

  /** Appends a record and returns it; it is on disk when this returns. */
  write(entry: AuditEntry): AuditRecord {
    this.checkWritable();
    if (!RESULTS.includes(entry.result)) throw new Error(`AuditLog: result must be ok, denied or failed, got ${String(entry.result)}`);
    const detail = detailText(entry.detail);
    // IMMEDIATE: the write lock is held from reading the head to moving it, so seq and the link are the head's.
    return this.db
      .transaction(() => {
        const chain = this.chain();
        const seq = chain.head_seq + 1;
        const record: Omit<AuditRecord, 'hash'> = {
          seq,
          at: new Date(this.now()).toISOString(),
          actor: entry.actor,
          role: entry.role,
          action: entry.action,
          target: entry.target,
          result: entry.result,
          address: entry.address,
          detail,
        };
        const hash = chainHash(chain.head_hash, record);
        this.stmt.insert.run({ ...record, prev_hash: chain.head_hash, hash });
        this.stmt.moveHead.run(seq, hash);
        return { ...record, hash };
      })
      .immediate();
  }

  /**
   * Records newest first, filtered: actor exact; action exact, or every action under a prefix
   * that ends in "." ("run." matches "run.start" and "run.inject"); result; from ≤ at < to;
   * seq < before. Actor, action and result walk their index newest first, so such a page costs
   * about its size at any number of records; a time range costs at most a walk past the records
   * after it, or a sort of those in it, whichever is less (about 0.2 s per million records).
   */
  query(q: AuditQuery): AuditPage {
    this.checkOpen();
    // The records of each action under a prefix (actions are a small vocabulary) come newest first
    // from its own index range; the newest limit + 1 of them all are the page (one range over
    // several actions would need a sort of every record in it).
    const rows = q.action?.endsWith('.')
      ? this.actionsUnder(q.action)
          .flatMap((action) => this.newest({ ...q, action }))
          .sort((a, b) => b.seq - a.seq)
          .slice(0, q.limit + 1)
      : this.newest(q);
    const more = rows.length > q.limit;
    const records = more ? rows.slice(0, q.limit) : rows;
    return { records, nextBefore: more ? records[records.length - 1].seq : null };
  }

  /**
   * Walks the chain oldest first, one row at a time, and reports the first broken link: a record
   * whose contents do not match its hash (edited), a missing seq (deleted), a record that does not
   * chain to the one before (replaced, inserted, reordered), a head that is not the last record
   * (newest records deleted), or an anchor no prune recorded (oldest records deleted). `checked`
   * counts the records found sound before it.
   */
  verify(): VerifyResult {
    this.checkOpen();
    // One read transaction: a consistent snapshot while the server goes on writing.
    return this.db.transaction((): VerifyResult => {
      const chain = this.chain();
      let prev = { seq: chain.anchor_seq, hash: chain.anchor_hash };
      let checked = 0;
      let lastPrune: string | null = null;
      const broken = (seq: number, reason: string): VerifyResult => ({ ok: false, checked, firstBroken: { seq, reason } });
      const start = prev.seq === 0 ? 'the genesis hash' : `the anchor (record ${prev.seq}, the last one pruned)`;

      for (const row of this.stmt.allRows.iterate()) {
        if (row.seq <= prev.seq) {
          return broken(row.seq, `record ${row.seq} is numbered at or below ${prev.seq}, where the chain starts: it was inserted`);
        }
        if (row.seq > prev.seq + 1) {
          return broken(prev.seq + 1, `${missing(prev.seq + 1, row.seq - 1)}: record ${row.seq} follows record ${prev.seq} (deleted)`);
        }
        const { prev_hash, hash, ...record } = row;
        if (chainHash(prev_hash, record) !== hash) {
          return broken(row.seq, `record ${row.seq} does not match its hash: it was edited after it was written`);
        }
        if (prev_hash !== prev.hash) {
          const before = checked === 0 ? start : `record ${prev.seq}`;
          return broken(row.seq, `record ${row.seq} does not chain to ${before}: records were replaced, inserted or reordered`);
        }
        if (row.action === PRUNE_ACTION && row.actor === SYSTEM_ACTOR) lastPrune = row.detail;
        prev = { seq: row.seq, hash };
        checked++;
      }

      if (prev.seq < chain.head_seq) {
        return broken(prev.seq + 1, `${missing(prev.seq + 1, chain.head_seq)}: the last record written was ${chain.head_seq} (deleted)`);
      }
      if (prev.seq > chain.head_seq) {
        return broken(chain.head_seq + 1, `record ${chain.head_seq + 1} lies beyond the last record written (${chain.head_seq}): it was inserted`);
      }
      if (prev.hash !== chain.head_hash) {
        return broken(prev.seq, `record ${prev.seq} is not the last record written (its hash differs from the head's): it was replaced`);
      }
      if (chain.anchor_seq > 0 && !prunedAt(lastPrune, chain.anchor_seq, chain.anchor_hash)) {
        return broken(
          chain.anchor_seq + 1,
          `the chain starts after record ${chain.anchor_seq}, but no remaining audit.prune record says so: records up to ${chain.anchor_seq} were deleted outside pruning`,
        );
      }
      return { ok: true, checked, head: { seq: chain.head_seq, hash: chain.head_hash } };
    })();
  }

  /**
   * Deletes the records older than the retention, in one transaction with an audit.prune record
   * (actor "system") naming the new anchor: the last deleted record, which verify() starts from.
   * Only the oldest run of records goes, so the chain stays whole even if the clock once went
   * back. Returns how many were deleted. Run it daily.
   */
  prune(): number {
    this.checkWritable();
    const olderThan = new Date(this.now() - this.retentionDays * DAY_MS).toISOString();
    return this.db
      .transaction(() => {
        const chain = this.chain();
        const firstKept = this.stmt.firstAtOrAfter.get(olderThan) ?? chain.head_seq + 1;
        const lastDeleted = firstKept - 1;
        let deleted = 0;
        if (lastDeleted > chain.anchor_seq) {
          const anchorHash = this.stmt.hashOf.get(lastDeleted);
          if (anchorHash === undefined) throw new Error(`AuditLog: ${this.file} has no record ${lastDeleted} to anchor the chain on; run verify`);
          this.stmt.moveAnchor.run(lastDeleted, anchorHash);
          deleted = this.stmt.deleteUpTo.run(lastDeleted).changes;
        }
        const anchor = this.chain();
        this.write({
          actor: SYSTEM_ACTOR,
          role: SYSTEM_ACTOR,
          action: PRUNE_ACTION,
          target: AUDIT_FILE,
          result: 'ok',
          address: '',
          detail: { deleted, olderThan, retentionDays: this.retentionDays, anchor: { seq: anchor.anchor_seq, hash: anchor.anchor_hash } },
        });
        return deleted;
      })
      .immediate();
  }

  /** Closes the file. Calling it again does nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  /** The newest limit + 1 records matching q, with q.action matched exactly. */
  private newest(q: AuditQuery): AuditRecord[] {
    const from = q.from === undefined ? undefined : isoMs(q.from, 'from');
    const to = q.to === undefined ? undefined : isoMs(q.to, 'to');
    // A time range is found by the time index when it is small beside the records after it; else
    // it filters the walk newest first ("+at": SQLite keeps off the time index, which would make
    // it sort every record in the range).
    const byTime = (from !== undefined || to !== undefined) && this.timeIndexPays(from, to, q.before);
    const at = byTime ? 'at' : '+at';
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: q.limit + 1 };
    const filter = (name: keyof AuditQuery, condition: string, value: string | number | undefined) => {
      if (value === undefined) return;
      where.push(condition);
      params[name] = value;
    };
    filter('actor', 'actor = @actor', q.actor);
    filter('action', 'action = @action', q.action);
    filter('result', 'result = @result', q.result);
    filter('from', `${at} >= @from`, from);
    filter('to', `${at} < @to`, to);
    filter('before', 'seq < @before', q.before);
    const sql =
      `SELECT ${RECORD_COLUMNS} FROM audit ${byTime ? 'INDEXED BY audit_by_time' : ''} ` +
      `${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`;
    let statement = this.queries.get(sql);
    if (!statement) this.queries.set(sql, (statement = this.db.prepare(sql)));
    return statement.all(params);
  }

  /**
   * Whether the time index (then a sort by seq) finds a range's records sooner than walking
   * newest first from `before` until past them. Sorting a record costs about as much as walking
   * past eight (measured on a million records). Counts are guessed from seq by two index seeks,
   * as if time never stepped back: a wrong guess costs time, never records.
   */
  private timeIndexPays(from: string | undefined, to: string | undefined, before: number | undefined): boolean {
    const head = this.chain().head_seq + 1;
    const seqAt = (iso: string) => this.stmt.firstSeqAt.get(iso) ?? head;
    const top = Math.min(before ?? head, head);
    const end = to === undefined ? top : Math.min(seqAt(to), top);
    const start = from === undefined ? 0 : seqAt(from);
    return (end - start) * SORT_COST < top - end;
  }

  /** The distinct actions that start with `prefix`, found by one index seek each. */
  private actionsUnder(prefix: string): string[] {
    // The range ends where the prefix's last character is one higher ("run." → "run/").
    const to = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    return this.stmt.actionsUnder.all({ from: prefix, to });
  }

  private chain(): ChainRow {
    const chain = this.stmt.chain.get();
    if (!chain) throw new Error(`AuditLog: ${this.file} has lost its chain head (table audit_chain is empty)`);
    return chain;
  }

  private setUp(db: Database.Database): void {
    // The server's write may hold the lock for a moment.
    db.pragma('busy_timeout = 5000');
    // The trigger guarding DELETE asks this process's clock where the retention ends.
    db.function('audit_delete_cutoff', () => new Date(this.now() - MIN_RETENTION_DAYS * DAY_MS).toISOString());
    // The first read: it fails here, with SQLITE_NOTADB, if the file is something else.
    db.prepare(`SELECT count(*) FROM sqlite_schema`).pluck().get();
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`AuditLog: ${this.file} has schema version ${version}, newer than this server's ${SCHEMA_VERSION}; upgrade the server`);
    }
    if (this.isReadonly) {
      if (version === 0) throw new Error(`AuditLog: ${this.file} is not an audit trail (it has no audit tables)`);
      if (version !== SCHEMA_VERSION) {
        throw new Error(`AuditLog: ${this.file} has schema version ${version}, this server reads ${SCHEMA_VERSION}; let the server open it once to migrate`);
      }
    } else {
      db.pragma('journal_mode = WAL');
      // FULL: every commit is synced, so a record written survives a power cut, not only a crash.
      db.pragma('synchronous = FULL');
      for (let v = version; v < SCHEMA_VERSION; v++) {
        db.transaction(() => {
          db.exec(MIGRATIONS[v]);
          db.pragma(`user_version = ${v + 1}`);
        })();
      }
    }
  }

  private prepareStatements() {
    const db = this.db;
    const ro = this.isReadonly;
    // Write statements cannot be prepared on a readonly connection; they are never used there.
    const w = <P extends unknown[] | object, R = unknown>(sql: string) =>
      (ro ? undefined : db.prepare<P, R>(sql)) as Database.Statement<P, R>;
    return {
      chain: db.prepare<[], ChainRow>(`SELECT anchor_seq, anchor_hash, head_seq, head_hash FROM audit_chain WHERE id = 1`),
      allRows: db.prepare<[], AuditRow>(`SELECT ${RECORD_COLUMNS}, prev_hash FROM audit ORDER BY seq`),
      insert: w<AuditRow>(
        `INSERT INTO audit (seq, at, actor, role, action, target, result, address, detail, prev_hash, hash)
         VALUES (@seq, @at, @actor, @role, @action, @target, @result, @address, @detail, @prev_hash, @hash)`,
      ),
      moveHead: w<[number, string]>(`UPDATE audit_chain SET head_seq = ?, head_hash = ? WHERE id = 1`),
      moveAnchor: w<[number, string]>(`UPDATE audit_chain SET anchor_seq = ?, anchor_hash = ? WHERE id = 1`),
      // Walks from the oldest record and stops at the first one young enough to keep ("+at": not by
      // the time index, which would visit every record kept).
      firstAtOrAfter: db.prepare<[string], number>(`SELECT seq FROM audit WHERE +at >= ? ORDER BY seq LIMIT 1`).pluck(),
      // A loose index scan: each step seeks the next action after the last one.
      actionsUnder: db
        .prepare<{ from: string; to: string }, string>(
          `WITH RECURSIVE under (action) AS (
             SELECT min(action) FROM audit WHERE action >= @from AND action < @to
             UNION ALL
             SELECT (SELECT min(action) FROM audit WHERE action > under.action AND action < @to) FROM under WHERE action IS NOT NULL
           )
           SELECT action FROM under WHERE action IS NOT NULL`,
        )
        .pluck(),
      // The record at or just after a time, by the time index (one seek).
      firstSeqAt: db.prepare<[string], number>(`SELECT seq FROM audit WHERE at >= ? ORDER BY at LIMIT 1`).pluck(),
      hashOf: db.prepare<[number], string>(`SELECT hash FROM audit WHERE seq = ?`).pluck(),
      deleteUpTo: w<[number]>(`DELETE FROM audit WHERE seq <= ?`),
    };
  }

  private checkWritable(): void {
    this.checkOpen();
    if (this.isReadonly) throw new Error(`AuditLog: ${this.file} is open readonly`);
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`AuditLog: ${this.file} is closed`);
  }
}

const RESULTS: readonly AuditRecord['result'][] = ['ok', 'denied', 'failed'];
const PRUNE_ACTION = 'audit.prune';
const SYSTEM_ACTOR = 'system';

/** A record's link: sha256 hex of the previous hash, a newline and the record's fields as a JSON array. */
function chainHash(prevHash: string, r: Omit<AuditRecord, 'hash'>): string {
  const fields = [r.seq, r.at, r.actor, r.role, r.action, r.target, r.result, r.address, r.detail];
  return createHash('sha256').update(`${prevHash}\n${JSON.stringify(fields)}`).digest('hex');
}

/** JSON with every object's keys sorted and no spaces: the same object always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The stored detail: the text, or an object's canonical JSON, cut to MAX_DETAIL_BYTES with a note of the full size. */
function detailText(detail: AuditEntry['detail']): string | null {
  if (detail === undefined || detail === null) return null;
  const text = typeof detail === 'string' ? detail : canonicalJson(detail);
  const bytes = Buffer.byteLength(text);
  if (bytes <= MAX_DETAIL_BYTES) return text;
  const note = `…[cut from ${bytes} bytes]`;
  let budget = MAX_DETAIL_BYTES - Buffer.byteLength(note);
  let kept = '';
  // Whole characters only, so the stored text stays valid UTF-8.
  for (const ch of text) {
    budget -= Buffer.byteLength(ch);
    if (budget < 0) break;
    kept += ch;
  }
  return kept + note;
}

/** An ISO time as stored (UTC, milliseconds), so that text comparison is time comparison. */
function isoMs(iso: string, field: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`AuditLog: ${field} must be an ISO date-time, got ${JSON.stringify(iso)}`);
  return new Date(ms).toISOString();
}

function missing(from: number, to: number): string {
  return from === to ? `record ${from} is missing` : `records ${from}–${to} are missing`;
}

/** True when an audit.prune record's detail names this anchor. */
function prunedAt(detail: string | null, seq: number, hash: string): boolean {
  if (detail === null) return false;
  try {
    const { anchor } = JSON.parse(detail) as { anchor?: { seq?: unknown; hash?: unknown } };
    return anchor?.seq === seq && anchor.hash === hash;
  } catch {
    return false;
  }
}
