/** Helpers for the project's own tests; exported in source form only, never built. */
export * from './decider-specification.js';
export * from './either-assertions.js';
export * from './store-keys.js';
