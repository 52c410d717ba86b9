export { runCli } from './program.js';
export { runSeedFlows, type SeedFlowsResult } from './seed-flows.js';
export type { Io } from './output.js';
