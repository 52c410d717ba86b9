/**
 * idledger: an event-sourced compliance ledger for identity verification, with the shape of
 * Stripe Identity's API.
 */
export { createIdentityLedger, type IdentityLedger, type IdentityLedgerConfig } from './api/create-identity-ledger.js';
export type { CustomerObject, ListObject, VerificationReportObject, VerificationSessionObject } from './api/objects.js';
export type { RequestOptions } from './api/runtime.js';
export type { IdentityErrorException } from './api/promise-face.js';
export type { ListPromise } from './api/list.js';
export { isIdentityError, type IdentityError, type IdentityErrorCode, type IdentityErrorType } from './domain/errors.js';
export type { EventStore, StoreError, RecordedEvent, EventToAppend, ExpectedRevision } from './ledger/event-store/port.js';
export { createMemoryEventStore } from './ledger/event-store/memory-store.js';
export type { Verifier, VerificationRequest, VerifierFailure } from './ledger/verifier.js';
export type { ReadModel } from './ledger/projections/read-model.js';
export type { AuditEntry } from './ledger/projections/audit-view.js';
export type { HistoryQuery, SessionHistory } from './api/history.js';
export { base62 } from './api/ids.js';
export { fingerprintOf, idempotencyInUse, idempotencyMismatch } from './api/runtime.js';
