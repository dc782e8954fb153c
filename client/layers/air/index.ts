/** The air layer: air quality, wind and releases and their panels (see airLayer.tsx). */
export { createAirLayer } from './airLayer.tsx';
