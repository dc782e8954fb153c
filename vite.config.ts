import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const cesiumBuild = path.join(here, 'node_modules/cesium/Build/Cesium');
const CESIUM_DIRS = ['Workers', 'Assets', 'ThirdParty', 'Widgets'];
const outDir = path.join(here, 'dist/client');

/** Serves Cesium's static files at /cesium/ in dev and copies them to dist/client/cesium/ on build. */
function cesiumStatic(): Plugin {
  return {
    name: 'yingcheng-cesium-static',
    configureServer(server) {
      server.middlewares.use('/cesium', (req, res, next) => {
        const rel = decodeURIComponent((req.url ?? '/').split('?')[0]);
        const file = path.join(cesiumBuild, rel);
        // Never serve outside Cesium's build folder.
        if (!file.startsWith(cesiumBuild + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return next();
        const type = { '.js': 'text/javascript', '.json': 'application/json', '.css': 'text/css', '.wasm': 'application/wasm', '.png': 'image/png', '.jpg': 'image/jpeg', '.xml': 'application/xml' }[path.extname(file)];
        if (type) res.setHeader('content-type', type);
        fs.createReadStream(file).pipe(res);
      });
    },
    writeBundle() {
      for (const dir of CESIUM_DIRS) {
        fs.cpSync(path.join(cesiumBuild, dir), path.join(outDir, 'cesium', dir), { recursive: true });
      }
    },
  };
}

/**
 * Knockout (bundled with Cesium's widgets) finds the global object with `this||(0,eval)("this")`,
 * which the Content-Security-Policy refuses (no 'unsafe-eval'; in a module `this` is undefined) and
 * which then stops the whole globe view. `globalThis` is the same object without eval. Knockout's
 * other evals run only when bindings are applied, which no widget the twin shows does.
 */
function knockoutWithoutEval(): Plugin {
  const GLOBAL_BY_EVAL = 'this||(0,eval)("this")';
  return {
    name: 'yingcheng-knockout-without-eval',
    transform(code, id) {
      // knockout-3.5.1.js is the library; knockout.js and knockout-es5.js wrap it.
      if (!/[/\\]knockout-\d[^/\\]*\.js$/.test(id)) return null;
      if (!code.includes(GLOBAL_BY_EVAL)) throw new Error(`knockoutWithoutEval: ${id} no longer finds the global object with ${GLOBAL_BY_EVAL}; check it under the CSP`);
      return { code: code.replace(GLOBAL_BY_EVAL, 'globalThis'), map: null };
    },
  };
}

export default defineConfig({
  root: path.join(here, 'client'),
  base: '/',
  plugins: [react(), cesiumStatic(), knockoutWithoutEval()],
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/tiles': 'http://localhost:8080',
    },
  },
});
