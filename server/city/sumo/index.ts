/** SUMO networks in: the public surface of server/city/sumo. */
export { readSumoNet, SumoNetError, type ReadSumoNetOptions, type SumoLane, type SumoNet } from './readSumoNet.ts';
export { engineSignalPlans, type SumoConnection, type SumoPhase, type SumoSignal } from './sumoSignals.ts';
export { importSumoNet, sumoScenario, type SumoImportInput } from './importSumoNet.ts';
export { placeNet, type NetPlacement, type SumoLocation } from './netLocation.ts';
