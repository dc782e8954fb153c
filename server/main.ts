/**
 * `npm start`: reads the configuration, loads the cities, builds their tiles if missing, serves.
 * SIGINT/SIGTERM close the server and exit 0; a second signal exits at once.
 */
import { CityStoreError } from './city/CityStore.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { ensureClientBuilt } from './ensureClientBuilt.ts';
import { StartServerError, startServer, type RunningServer } from './startServer.ts';

/** Problems the operator can fix: print the message alone, no stack. */
function isOperatorError(error: unknown): error is Error {
  return error instanceof ConfigError || error instanceof StartServerError || error instanceof CityStoreError;
}

let config: Config;
let running: RunningServer;
try {
  config = loadConfig();
  if (config.configFile) console.log(`配置 / config: ${config.configFile}`);
  await ensureClientBuilt((line) => console.log(line));
  running = await startServer(config, { log: (line) => console.log(line) });
} catch (error) {
  if (!isOperatorError(error)) throw error;
  console.error(error.message);
  process.exit(1);
}

console.log('鹰城孪生已启动 / Yingcheng Twin is running:');
for (const url of running.urls) console.log(`  ${url}/`);

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping) {
    console.log(`${signal}: 强制退出 / forced exit`);
    process.exit(1);
  }
  stopping = true;
  console.log(`${signal}: 正在关闭 / shutting down`);
  // Whatever hangs, be gone within a few seconds.
  setTimeout(() => process.exit(1), 5000).unref();
  running.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`main: close failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
