import type { Department, Role } from '../../server/protocol/access.ts';
import type { RunningServer } from '../../server/startServer.ts';

/** The test account of each role (operators belong to the traffic police unless named otherwise). */
export const TEST_PASSWORD = 'test-password-123';

/**
 * Signs in to `server` as a user of `role` (made on first use, through the server's account store,
 * with a password so it need not be changed) and answers the session cookie to send with requests
 * and socket connections: `headers: { cookie }`, `extraHeaders: { cookie }`.
 */
export async function signInAs(server: Pick<RunningServer, 'url' | 'trust'>, role: Role, options: { username?: string; department?: Department } = {}): Promise<string> {
  const department = role === 'operator' ? (options.department ?? 'traffic_police') : null;
  const username = options.username ?? (role === 'operator' ? `op-${department}`.replace(/_/g, '-') : `test-${role}`);
  const store = server.trust.store;
  if (!store.listAccounts().some((a) => a.username === username)) await store.createAccount({ username, role, department, password: TEST_PASSWORD });
  return signIn(server.url, username, TEST_PASSWORD);
}

/** Signs in with a user name and password over HTTP; answers the session cookie ("yt_session=…"). */
export async function signIn(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!response.ok) throw new Error(`signIn ${username}: HTTP ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('yt_session='));
  if (!cookie) throw new Error(`signIn ${username}: no session cookie in the answer`);
  return cookie.split(';')[0];
}
