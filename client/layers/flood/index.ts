/** The flood layer: water on the terrain, the rain and the roads under water (see floodLayer.tsx). */
export { createFloodLayer } from './floodLayer.tsx';
