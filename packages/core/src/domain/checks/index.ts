/** The deterministic checks: pure functions of their input and a reference date. */
export * from './check-result.js';
export * from './dates.js';
export * from './id-number.js';
export * from './mrz.js';
export * from './document.js';
export * from './agreement.js';
export * from './finding.js';
export * from './provider-results.js';
export * from './assess-document.js';
export * from './assess-selfie.js';
export * from './assess-id-number.js';
export * from './assess.js';
