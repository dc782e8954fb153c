/** The traffic layer: congestion, vehicles and their panels (see trafficLayer.tsx). */
export { createTrafficLayer } from './trafficLayer.tsx';
