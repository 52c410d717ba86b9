/** The pure domain: codecs, events, deciders, redaction rules and errors. Nothing here does I/O. */
export * from './errors.js';
export * from './shared/values.js';
export * from './shared/report.js';
export * from './shared/decider.js';
export * from './shared/event-codec.js';
export * from './shared/id-number.js';
export * from './shared/error-reasons.js';
export * from './redaction.js';
export * from './verification-session/events.js';
export * from './verification-session/state.js';
export * from './verification-session/commands.js';
export { decide as decideVerificationSession } from './verification-session/decide.js';
export { evolve as evolveVerificationSession } from './verification-session/evolve.js';
export * from './verification-session/decider.js';
export * from './verification-session/rules.js';
export * from './verification-session/as-of.js';
export * from './customer/customer.js';
export * as params from './params/index.js';
