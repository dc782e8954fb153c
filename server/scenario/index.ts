export { createScenarioRun, type ScenarioRunOptions } from './createScenarioRun.ts';
export { generateSchema } from './generateSchema.ts';
export { loadScenarios } from './loadScenarios.ts';
export { formatDuration, formatOffset, parseDuration, parseOffset } from './parseDuration.ts';
export { parseScenarioText } from './parseScenarioText.ts';
export { formatIssues, formatPath, ScenarioFile, validateScenario, type Scenario } from './Scenario.ts';
