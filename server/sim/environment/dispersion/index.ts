export { plumeConcentration, puffConcentration, type PlumeInput, type PuffInput } from './gaussian.ts';
export { plumeRise, type PlumeRiseInput } from './plumeRise.ts';
export {
  PuffModel,
  type PuffBounds,
  type PuffModelOptions,
  type PuffModelSnapshot,
  type PuffSource,
  type PuffSourceState,
  type PuffWeather,
} from './PuffModel.ts';
export { sigmaY, sigmaZ, type Terrain } from './sigmas.ts';
export {
  meanOverHalfClass,
  pasquillStability,
  solarElevationDeg,
  type Stability,
  type StabilityInput,
  type WholeStability,
} from './stability.ts';
export { verticalTerm } from './verticalTerm.ts';
export { MIN_WIND_MS, windAtHeight } from './windProfile.ts';
