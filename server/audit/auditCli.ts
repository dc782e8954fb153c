import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { formatIssues } from '../protocol/formatIssues.ts';
import { AuditQuery, type AuditRecord } from '../protocol/access.ts';
import { resolveSqliteFile } from '../store/openSqlite.ts';
import { AUDIT_FILE, AuditLog } from './AuditLog.ts';

/** `npm run audit -- verify | list …`: checks and reads the audit trail, readonly, beside a running server. */

const USAGE = `用法 / Usage:
  npm run audit -- verify [--data DIR]
  npm run audit -- list [--actor NAME] [--action ACTION] [--result ok|denied|failed]
                        [--from ISO] [--to ISO] [--before SEQ] [--limit N] [--data DIR]

verify  校验审计链：逐条核对哈希链，报告第一处被修改、删除或插入的记录。
        链完整时退出码 0，否则 1。并打印链头（序号与哈希），可另行记录以便日后比对。
        Walks the hash chain and reports the first record edited, deleted or inserted.
        Exits 0 when the chain is intact, 1 otherwise. Prints the head (seq and hash):
        note it elsewhere, and a later verify shows whether the trail was rewritten since.
list    按时间倒序列出审计记录（默认 100 条，最多 500 条）。
        --action 以 "." 结尾时按前缀匹配（"run." 匹配 run.start、run.inject…）；
        --from 含、--to 不含（UTC ISO 时间，如 2026-03-01T00:00:00Z）；--before 翻到更早一页。
        Lists records newest first (100 by default, at most 500). An --action ending in "."
        is a prefix ("run." matches run.start, run.inject…); --from is inclusive, --to
        exclusive (UTC ISO times); --before SEQ pages back.

--data DIR  数据目录或审计文件（默认取服务器配置的数据目录）。
            The data directory or audit file (default: the server's configured data dir).
退出码 / exit codes: 0 成功 ok, 1 审计链损坏或无法读取 broken chain or unreadable trail, 2 参数错误 bad arguments.`;

/** Prints with a sink per stream, so tests can read both. */
export interface CliOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Runs the audit CLI with its arguments; returns the exit code. */
export function runAuditCli(args: string[], io: CliOutput = { out: console.log, err: console.error }): number {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        data: { type: 'string' },
        actor: { type: 'string' },
        action: { type: 'string' },
        result: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        before: { type: 'string' },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.err(`audit: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const command = positionals[0];
  if ((command !== 'verify' && command !== 'list') || positionals.length > 1) {
    io.err(`audit: unknown command "${positionals.join(' ')}" (expected verify or list)\n${USAGE}`);
    return 2;
  }
  const { data, help: _help, ...filters } = values;
  if (command === 'verify' && Object.keys(filters).length > 0) {
    io.err(`audit: verify takes only --data, got --${Object.keys(filters).join(', --')}`);
    return 2;
  }
  const query = AuditQuery.safeParse(filters);
  if (!query.success) {
    io.err(formatIssues('audit', query.error, filters));
    return 2;
  }

  let log: AuditLog;
  try {
    const file = resolveSqliteFile(data ?? loadConfig().dataDir, AUDIT_FILE);
    if (!fs.existsSync(file)) {
      io.err(`audit: no audit trail at ${file} (the server creates it; --data DIR names another data directory)`);
      return 1;
    }
    log = new AuditLog(file, { readonly: true });
  } catch (error) {
    io.err(`audit: ${(error as Error).message}`);
    return 1;
  }
  try {
    if (command === 'list') {
      const page = log.query(query.data);
      for (const line of formatTable(page.records)) io.out(line);
      if (page.nextBefore !== null) io.out(`更早的记录 / older records: --before ${page.nextBefore}`);
      return 0;
    }
    const result = log.verify();
    if (result.ok) {
      io.out(`审计链完整 / audit chain intact: ${result.checked} records`);
      io.out(`链头 / head: seq ${result.head.seq} hash ${result.head.hash}`);
      return 0;
    }
    io.out(`审计链损坏 / audit chain broken at seq ${result.firstBroken.seq}: ${result.firstBroken.reason}`);
    io.out(`此前 ${result.checked} 条记录完好 / ${result.checked} records before it are sound`);
    return 1;
  } finally {
    log.close();
  }
}

const COLUMNS: readonly (keyof AuditRecord)[] = ['seq', 'at', 'actor', 'role', 'action', 'target', 'result', 'address', 'detail'];
/** Wider cells are cut with "…", so a row stays one line; detail, the last column, is not cut. */
const MAX_CELL = 32;

/** Records as a table: a header, then one line each, columns padded to their widest cell. */
function formatTable(records: AuditRecord[]): string[] {
  if (records.length === 0) return ['（无记录 / no records）'];
  const rows = [COLUMNS as readonly string[], ...records.map((r) => COLUMNS.map((c) => cell(r[c], c === 'detail')))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((text, i) => (i === row.length - 1 ? text : text.padEnd(widths[i]))).join('  '));
}

function cell(value: string | number | null, whole: boolean): string {
  const text = value === null ? '-' : String(value).replace(/\s+/g, ' ');
  return whole || text.length <= MAX_CELL ? text : `${text.slice(0, MAX_CELL - 1)}…`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = runAuditCli(process.argv.slice(2));
}
