import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_FILE, AuditLog, GENESIS_HASH, MAX_DETAIL_BYTES, type AuditEntry } from '../../../server/audit/AuditLog.ts';
import { AuditQuery, type AuditRecord } from '../../../server/protocol/access.ts';

const DAY_MS = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);

function entry(over: Partial<AuditEntry> = {}): AuditEntry {
  return { actor: 'alice', role: 'operator', action: 'run.inject', target: 'run 1', result: 'ok', address: '10.0.0.5', ...over };
}

/** The hash as the class documents it, computed independently. */
function expectedHash(prev: string, r: AuditRecord): string {
  const fields = [r.seq, r.at, r.actor, r.role, r.action, r.target, r.result, r.address, r.detail];
  return createHash('sha256').update(`${prev}\n${JSON.stringify(fields)}`).digest('hex');
}

/** Every record, newest first, read page by page through nextBefore. */
function pageThrough(log: AuditLog, filters: Partial<AuditQuery>, limit: number): AuditRecord[] {
  const all: AuditRecord[] = [];
  let before: number | undefined;
  for (;;) {
    const page = log.query(AuditQuery.parse({ ...filters, limit, before }));
    expect(page.records.length).toBeLessThanOrEqual(limit);
    all.push(...page.records);
    if (page.nextBefore === null) return all;
    expect(page.records.length).toBe(limit);
    before = page.nextBefore;
  }
}

describe('AuditLog', () => {
  let dir: string;
  let file: string;
  let now: number;
  const clock = () => now;
  /** Opens the file as a tamperer would: plain SQLite, without AuditLog. */
  const tamper = (sql: string) => {
    const db = new Database(file);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-audit-'));
    file = path.join(dir, AUDIT_FILE);
    now = T0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Writes n records one second apart and closes the log. */
  function writeRecords(n: number): AuditRecord[] {
    const log = new AuditLog(dir, { now: clock });
    const records = Array.from({ length: n }, (_, i) => {
      now += 1000;
      return log.write(entry({ actor: `user${i + 1}`, detail: { i } }));
    });
    log.close();
    return records;
  }

  function verify(options: { readonly?: boolean } = {}) {
    const log = new AuditLog(dir, { now: clock, ...options });
    try {
      return log.verify();
    } finally {
      log.close();
    }
  }

  it('numbers records 1, 2, … and chains each to the one before by sha256; verify walks it', () => {
    const records = writeRecords(5);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(records[0].at).toBe('2025-01-01T00:00:01.000Z');
    expect(records[0].hash).toBe(expectedHash(GENESIS_HASH, records[0]));
    for (let i = 1; i < records.length; i++) expect(records[i].hash).toBe(expectedHash(records[i - 1].hash, records[i]));

    expect(verify()).toEqual({ ok: true, checked: 5, head: { seq: 5, hash: records[4].hash } });
    // Reopened, the chain goes on from its head.
    const log = new AuditLog(dir, { now: clock });
    const sixth = log.write(entry());
    log.close();
    expect(sixth.seq).toBe(6);
    expect(sixth.hash).toBe(expectedHash(records[4].hash, sixth));
    expect(verify({ readonly: true })).toMatchObject({ ok: true, checked: 6 });
  });

  it('opens in WAL mode, and readonly refuses to write', () => {
    writeRecords(1);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const log = new AuditLog(dir, { readonly: true });
    expect(() => log.write(entry())).toThrow(/open readonly/);
    expect(() => log.prune()).toThrow(/open readonly/);
    log.close();
  });

  it('refuses UPDATE, DELETE and out-of-place INSERT in SQLite itself while the triggers stand', () => {
    writeRecords(3);
    expect(() => tamper(`UPDATE audit SET result = 'denied' WHERE seq = 2`)).toThrow(/append-only/);
    // Outside AuditLog the retention check's function does not exist: every DELETE fails.
    expect(() => tamper(`DELETE FROM audit WHERE seq = 2`)).toThrow();
    expect(() =>
      tamper(`INSERT INTO audit SELECT 9, at, actor, role, action, target, result, address, detail, hash, hash FROM audit WHERE seq = 3`),
    ).toThrow(/appended at the head/);
    expect(() => tamper(`UPDATE audit_chain SET head_seq = 2`)).toThrow(/one record at a time/);
    expect(() => tamper(`DELETE FROM audit_chain`)).toThrow(/cannot be deleted/);
    expect(verify()).toMatchObject({ ok: true, checked: 3 });
  });

  it('names the record edited behind dropped triggers', () => {
    writeRecords(5);
    tamper(`DROP TRIGGER audit_no_update; UPDATE audit SET result = 'denied' WHERE seq = 3`);
    const result = verify({ readonly: true });
    expect(result).toEqual({
      ok: false,
      checked: 2,
      firstBroken: { seq: 3, reason: 'record 3 does not match its hash: it was edited after it was written' },
    });
  });

  it('names a record replaced by one with a correct hash of its own, at the next link', () => {
    const records = writeRecords(5);
    const forged = { ...records[2], result: 'denied' as const };
    forged.hash = expectedHash(records[1].hash, forged);
    tamper(
      `DROP TRIGGER audit_no_update; UPDATE audit SET result = 'denied', hash = '${forged.hash}' WHERE seq = 3`,
    );
    const result = verify();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.firstBroken.seq).toBe(4);
    expect(result.firstBroken.reason).toMatch(/^record 4 does not chain to record 3/);
  });

  it('names the gap left by a deleted middle record', () => {
    writeRecords(5);
    tamper(`DROP TRIGGER audit_no_early_delete; DELETE FROM audit WHERE seq = 3`);
    expect(verify()).toEqual({
      ok: false,
      checked: 2,
      firstBroken: { seq: 3, reason: 'record 3 is missing: record 4 follows record 2 (deleted)' },
    });
  });

  it('sees a deleted last record by the head kept beside the chain', () => {
    writeRecords(5);
    tamper(`DROP TRIGGER audit_no_early_delete; DELETE FROM audit WHERE seq >= 4`);
    expect(verify()).toEqual({
      ok: false,
      checked: 3,
      firstBroken: { seq: 4, reason: 'records 4–5 are missing: the last record written was 5 (deleted)' },
    });
  });

  it('sees records deleted from the start', () => {
    writeRecords(3);
    tamper(`DROP TRIGGER audit_no_early_delete; DELETE FROM audit WHERE seq = 1`);
    const result = verify();
    expect(result).toMatchObject({ ok: false, checked: 0, firstBroken: { seq: 1 } });
  });

  it('refuses a retention under 180 days', () => {
    expect(() => new AuditLog(':memory:', { retentionDays: 90 })).toThrow(
      /AuditLog: retentionDays must be a whole number of days, at least 180 .*got 90/,
    );
    expect(() => new AuditLog(':memory:', { retentionDays: 179.5 })).toThrow(/got 179.5/);
    new AuditLog(':memory:', { retentionDays: 365 }).close();
  });

  it('prunes only records older than the retention, anchors the chain on the last deleted and records it', () => {
    const log = new AuditLog(dir, { now: clock });
    const at = (day: number) => (now = T0 + day * DAY_MS);
    at(0);
    log.write(entry());
    log.write(entry());
    const third = log.write(entry());
    at(10);
    log.write(entry());
    log.write(entry());
    at(100);
    log.write(entry());
    log.write(entry());

    // The cutoff is day 10 exactly: records of day 10 are not older than it.
    at(190);
    expect(log.prune()).toBe(3);
    const [pruneRecord] = log.query(AuditQuery.parse({ action: 'audit.prune' })).records;
    expect(pruneRecord).toMatchObject({ seq: 8, actor: 'system', action: 'audit.prune', result: 'ok' });
    expect(JSON.parse(pruneRecord.detail ?? '')).toEqual({
      anchor: { hash: third.hash, seq: 3 },
      deleted: 3,
      olderThan: '2025-01-11T00:00:00.000Z',
      retentionDays: 180,
    });
    expect(log.query(AuditQuery.parse({})).records.map((r) => r.seq)).toEqual([8, 7, 6, 5, 4]);
    expect(log.verify()).toMatchObject({ ok: true, checked: 5 });

    log.write(entry());
    at(300);
    // Days 10 and 100 go; the prune record of day 190 stays.
    expect(log.prune()).toBe(4);
    expect(log.query(AuditQuery.parse({})).records.map((r) => r.seq)).toEqual([10, 9, 8]);
    expect(log.verify()).toMatchObject({ ok: true, checked: 3 });
    // Nothing old enough: no deletion, still a record that the retention ran.
    expect(log.prune()).toBe(0);
    expect(log.verify()).toMatchObject({ ok: true, checked: 4, head: { seq: 11 } });
    log.close();
  });

  it('keeps the chain whole when the clock once stepped back: only the oldest run of records goes', () => {
    const log = new AuditLog(dir, { now: clock });
    now = T0;
    log.write(entry());
    now = T0 + 300 * DAY_MS;
    log.write(entry());
    now = T0 + DAY_MS;
    log.write(entry());
    now = T0 + 200 * DAY_MS;
    expect(log.prune()).toBe(1);
    expect(log.verify()).toMatchObject({ ok: true, checked: 3 });
    log.close();
  });

  it('keeps records a longer retention covers', () => {
    const log = new AuditLog(':memory:', { now: clock, retentionDays: 365 });
    log.write(entry());
    now += 200 * DAY_MS;
    expect(log.prune()).toBe(0);
    expect(log.verify()).toMatchObject({ ok: true, checked: 2 });
    log.close();
  });

  it('sees young records deleted and the anchor moved over them, as if pruned', () => {
    const log = new AuditLog(dir, { now: clock });
    log.write(entry());
    now += 200 * DAY_MS;
    log.prune(); // deletes record 1; record 2 says so
    now += DAY_MS;
    const third = log.write(entry());
    log.write(entry());
    log.close();
    tamper(
      `DROP TRIGGER audit_no_early_delete; DROP TRIGGER audit_chain_forward;
       DELETE FROM audit WHERE seq <= 3;
       UPDATE audit_chain SET anchor_seq = 3, anchor_hash = '${third.hash}'`,
    );
    // Record 4 chains to the moved anchor, but no prune record vouches for it.
    const result = verify();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.firstBroken.seq).toBe(4);
    expect(result.firstBroken.reason).toMatch(/no remaining audit.prune record says so: records up to 3 were deleted outside pruning/);
  });

  it('filters by actor, action (exact or a prefix ending in "."), result and time, newest first, in pages', () => {
    const log = new AuditLog(':memory:', { now: clock });
    const actions = ['session.sign_in', 'session.sign_in_failed', 'run.start', 'run.stop', 'run.inject', 'grant.create', 'runs.list'];
    const results = ['ok', 'ok', 'denied', 'ok', 'failed'] as const;
    for (let i = 0; i < 300; i++) {
      // Mostly forward in time, with the clock stepping back twice.
      now = T0 + i * 60_000 - (i >= 100 ? 50 * 60_000 : 0) - (i >= 200 ? 30 * 60_000 : 0);
      log.write(entry({ actor: `user${i % 7}`, action: actions[i % actions.length], result: results[i % results.length] }));
    }
    const all = pageThrough(log, {}, 500);
    expect(all.map((r) => r.seq)).toEqual(Array.from({ length: 300 }, (_, i) => 300 - i));

    const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
    const cases: [Partial<AuditQuery>, (r: AuditRecord) => boolean][] = [
      [{ actor: 'user3' }, (r) => r.actor === 'user3'],
      [{ actor: 'user' }, () => false],
      [{ action: 'run.stop' }, (r) => r.action === 'run.stop'],
      [{ action: 'run.' }, (r) => r.action.startsWith('run.')],
      [{ action: 'session.' }, (r) => r.action.startsWith('session.')],
      [{ action: 'run' }, () => false],
      [{ result: 'denied' }, (r) => r.result === 'denied'],
      [{ actor: 'user2', action: 'run.', result: 'ok' }, (r) => r.actor === 'user2' && r.action.startsWith('run.') && r.result === 'ok'],
      // From inclusive, to exclusive; narrow and wide ranges, some reaching over the clock's steps back.
      [{ from: iso(10), to: iso(20) }, (r) => r.at >= iso(10) && r.at < iso(20)],
      [{ from: iso(40), to: iso(200) }, (r) => r.at >= iso(40) && r.at < iso(200)],
      [{ from: iso(5) }, (r) => r.at >= iso(5)],
      [{ to: iso(60) }, (r) => r.at < iso(60)],
      [{ from: iso(0), to: iso(250) }, (r) => r.at < iso(250)],
      [{ action: 'run.', from: iso(55), to: iso(75) }, (r) => r.action.startsWith('run.') && r.at >= iso(55) && r.at < iso(75)],
    ];
    for (const [filters, keep] of cases) {
      const expected = all.filter(keep).map((r) => r.seq);
      for (const limit of [1, 7, 500]) {
        expect(pageThrough(log, filters, limit).map((r) => r.seq), `${JSON.stringify(filters)} limit ${limit}`).toEqual(expected);
      }
    }
    // Pages go back from `before`.
    expect(log.query(AuditQuery.parse({ before: 11, limit: 3 }))).toMatchObject({ nextBefore: 8 });
    expect(log.query(AuditQuery.parse({ before: 3, limit: 5 })).records.map((r) => r.seq)).toEqual([2, 1]);
    expect(log.query(AuditQuery.parse({ before: 3, limit: 2 })).nextBefore).toBeNull();
    log.close();
  });

  it('stores a detail object as canonical JSON and cuts a long one to 2 KB', () => {
    const log = new AuditLog(':memory:', { now: clock });
    const a = log.write(entry({ detail: { z: 1, a: { y: [3, { d: 1, c: 2 }], b: '消防' }, skip: undefined } }));
    const b = log.write(entry({ detail: { a: { b: '消防', y: [3, { c: 2, d: 1 }] }, z: 1 } }));
    expect(a.detail).toBe('{"a":{"b":"消防","y":[3,{"c":2,"d":1}]},"z":1}');
    expect(b.detail).toBe(a.detail);
    expect(log.write(entry({ detail: 'wrong password' })).detail).toBe('wrong password');
    expect(log.write(entry()).detail).toBeNull();

    const long = log.write(entry({ detail: { note: '应急'.repeat(2000) } }));
    expect(Buffer.byteLength(long.detail ?? '')).toBeLessThanOrEqual(MAX_DETAIL_BYTES);
    expect(long.detail).toMatch(/^\{"note":"应急应急.*…\[cut from 12011 bytes\]$/);
    expect(long.detail).not.toContain('\uFFFD');
    expect(log.verify()).toMatchObject({ ok: true, checked: 5 });
    log.close();
  });

  it('refuses a result outside ok, denied and failed, and a file that is not an audit trail', () => {
    const log = new AuditLog(':memory:');
    expect(() => log.write(entry({ result: 'maybe' as AuditEntry['result'] }))).toThrow(/result must be ok, denied or failed, got maybe/);
    log.close();
    fs.writeFileSync(file, 'not a database, just text that is long enough to have a header page');
    expect(() => new AuditLog(dir)).toThrow(`AuditLog: ${file} is not a SQLite database`);
    const other = path.join(dir, 'other.sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(() => new AuditLog(other, { readonly: true })).toThrow(`AuditLog: ${other} is not an audit trail (it has no audit tables)`);
  });

  it('writes and verifies 20 000 records', () => {
    const log = new AuditLog(':memory:', { now: clock });
    for (let i = 0; i < 20_000; i++) {
      now += 250;
      log.write(entry({ actor: `user${i % 50}`, action: i % 3 === 0 ? 'run.control' : 'layer.masked', detail: { i } }));
    }
    expect(log.verify()).toMatchObject({ ok: true, checked: 20_000, head: { seq: 20_000 } });
    const page = log.query(AuditQuery.parse({ actor: 'user7', limit: 100 }));
    expect(page.records.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 19_958 - 50 * i));
    expect(page.nextBefore).toBe(page.records[99].seq);
    log.close();
  });
});
