/** Where the login page sends the user back to: a path on this site from `?next=`, never another site. */

const BASE = 'http://next.invalid';

/**
 * The path of `next` when it is a path on this origin (starts with '/', not '//' nor '/\', which
 * browsers read as another host), without its query and fragment, and not the login page itself;
 * else '/'.
 */
export function safeNextPath(next: string | null): string {
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  let path: string;
  try {
    const url = new URL(next, BASE);
    // Tabs and newlines are dropped by the URL parser: "/\t/evil.example" is another host too.
    if (url.origin !== BASE) return '/';
    path = url.pathname;
  } catch {
    return '/';
  }
  return path === '/login' || path.startsWith('/login/') ? '/' : path;
}
