import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Builds the web client into dist/client with Vite unless it is newer than every source file.
 * Returns false when there is nothing to build from (an installation without the client's sources).
 */
export async function ensureClientBuilt(log: (line: string) => void = () => {}): Promise<boolean> {
  const sourcesDir = path.join(REPO, 'client');
  const configFile = path.join(REPO, 'vite.config.ts');
  if (!fs.existsSync(sourcesDir) || !fs.existsSync(configFile)) return false;
  const index = path.join(REPO, 'dist', 'client', 'index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const sources = Math.max(newestMtime(sourcesDir), fs.statSync(configFile).mtimeMs);
  if (built > sources) return true;
  log('正在构建网页客户端 / building the web client (dist/client) …');
  const started = performance.now();
  // Vite is a build tool: loaded only when a build is due.
  const { build } = await import('vite');
  // A production bundle whoever asks: under vitest NODE_ENV is "test", which Vite honours, so the
  // browser tests got React's development build (~60 KiB more, and slower), and so did a bench
  // that found the tests' build up to date.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile, logLevel: 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  log(`网页客户端已构建 / web client built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return true;
}
