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

export default defineConfig({
  root: path.join(here, 'client'),
  base: '/',
  plugins: [react(), cesiumStatic()],
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
