/** Entry point: i18n, the layers, the twin store (with `?layers=`), test hooks, then the React shell. */
import './cesiumBase.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { initI18n } from './app/i18n.ts';
import { createLayers } from './app/layers.ts';
import { initialLayers } from './layers/initialLayers.ts';
import { createTelemetry } from './twin/telemetry.ts';
import type { Telemetry } from './twin/telemetry.ts';
import { createTwinStore } from './twin/TwinStore.ts';
import type { TwinStore } from './twin/TwinStore.ts';
import './app/app.css';

declare global {
  interface Window {
    /** Test and benchmark hooks: the store and what the views report. */
    __twin?: { store: TwinStore } & Telemetry;
  }
}

initI18n();
const layers = createLayers();
const store = createTwinStore({ storage: window.localStorage, overlays: initialLayers(layers, window.location.search) });
const telemetry = createTelemetry();
window.__twin = Object.assign(telemetry, { store });

const root = document.getElementById('root');
if (!root) throw new Error('main: index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App store={store} telemetry={telemetry} layers={layers} />
  </StrictMode>,
);
