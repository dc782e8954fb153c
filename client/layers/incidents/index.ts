/** The incidents layer: fires, chemical releases and floods with their zones, units, shelters and hospitals (see incidentsLayer.tsx). */
export { createIncidentsLayer } from './incidentsLayer.tsx';
