/** The ledger: event-store port and memory adapter, envelope, command handler, projections, processors. */
export * from './event-store/port.js';
export * from './event-store/memory-store.js';
export * from './envelope.js';
export * from './serializer.js';
export * from './streams.js';
export * from './command-handler.js';
export * from './verifier.js';
export * from './test-mode-verifier.js';
export * from './projections/read-model.js';
export * from './projections/memory-read-model.js';
export * from './projections/apply-event.js';
export * from './projections/session-view.js';
export * from './projections/report-view.js';
export * from './projections/audit-view.js';
export * from './projections/ordered-index.js';
export * from './projections/runner.js';
export * from './processors/session-processor.js';
