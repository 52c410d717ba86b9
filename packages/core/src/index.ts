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
export {
  checkIdNumber,
  parseMrz,
  mrzCheckDigit,
  mrzBirthDate,
  mrzExpiryDate,
  type CheckFailure,
  type CheckOutcome,
  type Mrz,
  type MrzFormat,
  type ValidIdNumber,
} from './domain/checks/index.js';
export type { FileStore, FileStoreError, StoredFile } from './ledger/files/file-store.js';
export type { FileContentType } from './ledger/files/content-type.js';
export { createMemoryFileStore } from './ledger/files/memory-file-store.js';
export { createFileSystemFileStore, type FileSystemFileStoreOptions } from './ledger/files/file-system-file-store.js';
export { testFile, TEST_FILE_MARKERS, type TestFileMarker } from './ledger/files/test-files.js';
export type { DocumentInspector, FaceMatcher, IdRegistry, Providers, ProviderFailure, FileContent } from './ledger/providers/ports.js';
export { TEST_REGISTRY_MISMATCH, TEST_REGISTRY_UNKNOWN } from './ledger/providers/test-mode-providers.js';
export type { ChecksPolicy } from './ledger/checking-verifier.js';
export type { VerificationFlowObject, FileObject, EndUserRequestOptions } from './api/end-user.js';
export type { DocumentInspection, FaceMatchOutcome, RegistryAnswer, RegistryQuestion } from './domain/checks/index.js';
export { createMemoryKeyStore, type DataKey, type KeyLookup, type KeyStore, type KeyStoreError } from './ledger/personal-data/key-store.js';
export { exportAudit, type AuditExportBundle, type AuditExportDeps, type AuditExportError, type AuditExportQuery } from './export/audit-export.js';
export { signCheckpoint, type LogCheckpointError, type SignedCheckpoint } from './export/log-checkpoint.js';
export { startCheckpointer, type CheckpointSchedule, type Checkpointer } from './export/checkpointer.js';
export { recordKeyRotation } from './export/record-checkpoint.js';
export { base62 } from './api/ids.js';
export { idempotencyInUse, idempotencyMismatch } from './api/runtime.js';
export { isValidApiKey, livemodeOfKey } from './api/runtime.js';
