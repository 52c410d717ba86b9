/** The deterministic checks: pure functions of their input and a reference date. */
export * from './check-result.js';
export * from './dates.js';
export * from './id-number.js';
export * from './mrz.js';
export * from './document.js';
export * from './agreement.js';
