import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { ROLES } from '../protocol/access.ts';
import { AuthError, AuthStore } from './AuthStore.ts';

/** `npm run users -- …`: manage accounts and wall-screen device tokens in the data dir's auth.sqlite, beside a running server or not. */

const USAGE = `Usage / 用法:
  npm run users -- add <username> --role ROLE [--department DEPT] [--password PW]
  npm run users -- list
  npm run users -- disable <username>
  npm run users -- enable <username>
  npm run users -- reset <username>
  npm run users -- role <username> <role> [--department DEPT]
  npm run users -- devices
  npm run users -- device-add <name>
  npm run users -- device-revoke <id>
Every command takes --data DIR (default: the server's data dir, $DATA_DIR or ./data).

Manages local accounts and read-only device tokens for wall screens. Without --password, "add"
makes a one-time password, printed once, that must be changed at first sign-in; "reset" does the
same for an existing account. Roles: viewer, planner, director, operator (needs --department),
admin, auditor.

管理本地账号与大屏只读设备令牌。"add" 未给 --password 时生成一次性密码（仅显示一次，首次登录须修改）；
"reset" 为已有账号重新生成一次性密码。角色：viewer（浏览）、planner（规划分析）、director（演练导调）、
operator（部门值守，须指定 --department）、admin（系统管理员）、auditor（审计员）。`;

/** Bad command-line input: printed as is, exit code 1. */
class CliError extends Error {}

/** Where the CLI writes; tests may pass their own. */
export interface UsersCliIo {
  log(line: string): void;
  error(line: string): void;
}

const consoleIo: UsersCliIo = { log: (line) => console.log(line), error: (line) => console.error(line) };

/** What each command takes besides --data: how many positionals, named, and which options. */
const COMMANDS: Record<string, { args: string[]; options: string[] }> = {
  add: { args: ['username'], options: ['role', 'department', 'password'] },
  list: { args: [], options: [] },
  disable: { args: ['username'], options: [] },
  enable: { args: ['username'], options: [] },
  reset: { args: ['username'], options: [] },
  role: { args: ['username', 'role'], options: ['department'] },
  devices: { args: [], options: [] },
  'device-add': { args: ['name'], options: [] },
  'device-revoke': { args: ['id'], options: [] },
};

/** Runs the CLI on its arguments (without node and script); resolves to the exit code. */
export async function runUsersCli(argv: string[], io: UsersCliIo = consoleIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help')) {
    io.log(USAGE);
    return command === undefined ? 1 : 0;
  }
  let store: AuthStore | undefined;
  try {
    const spec = COMMANDS[command];
    if (!spec) throw new CliError(`users: unknown command ${JSON.stringify(command)} (known: ${Object.keys(COMMANDS).join(', ')}; see --help)`);
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        data: { type: 'string' },
        role: { type: 'string' },
        department: { type: 'string' },
        password: { type: 'string' },
      },
    });
    for (const name of ['role', 'department', 'password'] as const) {
      if (values[name] !== undefined && !spec.options.includes(name)) throw new CliError(`users ${command}: --${name} does not go with this command`);
    }
    if (positionals.length !== spec.args.length) {
      const wanted = spec.args.map((a) => `<${a}>`).join(' ') || 'no arguments';
      throw new CliError(`users ${command}: expected ${wanted}, got ${positionals.length === 0 ? 'none' : JSON.stringify(positionals.join(' '))}`);
    }
    store = new AuthStore(values.data ?? loadConfig().dataDir);
    await runCommand(store, command, positionals, values, io);
    return 0;
  } catch (error) {
    const parseError = (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    if (error instanceof CliError || error instanceof AuthError || error instanceof ConfigError || parseError) {
      io.error(parseError ? `users ${command}: ${(error as Error).message}` : (error as Error).message);
      return 1;
    }
    throw error;
  } finally {
    store?.close();
  }
}

async function runCommand(
  store: AuthStore,
  command: string,
  [first, second]: string[],
  options: { role?: string; department?: string; password?: string },
  io: UsersCliIo,
): Promise<void> {
  switch (command) {
    case 'add': {
      if (options.role === undefined) throw new CliError(`users add: --role is required (one of ${ROLES.join(', ')})`);
      const made = await store.createAccount({ username: first, role: options.role, department: options.department ?? null, password: options.password });
      io.log(`added ${describeAccount(made.account)}`);
      if (made.oneTimePassword) io.log(`one-time password / 一次性密码: ${made.oneTimePassword}  (shown once; to be changed at first sign-in / 仅显示一次，首次登录须修改)`);
      return;
    }
    case 'list':
      printTable(io, ['username', 'role', 'department', 'disabled', 'locked until', 'last sign-in'], store.listAccounts().map((a) => [
        a.username, a.role, a.department ?? '-', a.disabled ? 'yes' : 'no', a.lockedUntil ?? '-', a.lastSignInAt ?? 'never',
      ]));
      return;
    case 'disable':
    case 'enable':
      io.log(`${command}d ${describeAccount(store.updateAccount(first, { disabled: command === 'disable' }))}`);
      return;
    case 'reset':
      io.log(`one-time password for ${first} / 一次性密码: ${await store.resetPassword(first)}  (shown once; its sessions were ended / 仅显示一次，已有会话已结束)`);
      return;
    case 'role':
      io.log(`changed ${describeAccount(store.updateAccount(first, { role: second, department: options.department }))}`);
      return;
    case 'devices':
      printTable(io, ['id', 'name', 'created by', 'created at', 'revoked at', 'last used'], store.listDevices().map((d) => [
        String(d.id), d.name, d.createdBy, d.createdAt, d.revokedAt ?? '-', d.lastUsedAt ?? 'never',
      ]));
      return;
    case 'device-add': {
      const { device, token } = store.createDevice(first, 'cli');
      io.log(`added device ${device.id} ${JSON.stringify(device.name)}`);
      io.log(`device token / 设备令牌: ${token}  (shown once / 仅显示一次)`);
      return;
    }
    case 'device-revoke': {
      if (!/^\d{1,15}$/.test(first)) throw new CliError(`users device-revoke: id: expected a device id (see "devices"), got ${JSON.stringify(first)}`);
      const device = store.revokeDevice(Number(first));
      io.log(`revoked device ${device.id} ${JSON.stringify(device.name)} at ${device.revokedAt}`);
      return;
    }
  }
}

function describeAccount(a: { username: string; role: string; department: string | null; disabled: boolean }): string {
  return `${a.username} (${a.role}${a.department ? `, ${a.department}` : ''}${a.disabled ? ', disabled' : ''})`;
}

/** Columns padded to their widest cell. */
function printTable(io: UsersCliIo, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [header, ...rows]) io.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
  if (rows.length === 0) io.log('(none)');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await runUsersCli(process.argv.slice(2));
}
