/**
 * Where Cesium reads its workers and assets. It must be set before Cesium loads, so main.tsx
 * imports this first (ES modules run in import order); an inline script would be refused by the
 * Content-Security-Policy (script-src 'self').
 */
declare global {
  interface Window {
    CESIUM_BASE_URL?: string;
  }
}

window.CESIUM_BASE_URL = '/cesium/';

export {};
