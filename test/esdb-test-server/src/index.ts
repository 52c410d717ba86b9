/** An in-process server speaking EventStoreDB's gRPC client protocol, for tests. See README.md. */
export { startTestServer, type TestServer, type TestServerOptions } from './server.js';
export { createLog, DELETED_STREAM_REVISION, type Log, type StoredRecord } from './log.js';
export type { FailureSpec, ServedMethod } from './faults.js';
