import { afterEach, expect } from 'vitest';
import { keysOf } from '@idledger/core/testing';
import { createIdentityLedger, type EventStore, type IdentityLedger, type IdentityLedgerConfig, type RecordedEvent } from '@idledger/core';

/** Shared by the test/api suites: ledgers closed after each test, a controllable clock, the global log. */

const open: Array<IdentityLedger> = [];

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Closes with a bound: `close()` used to hang while background work slept (see processing.test.ts),
 * and one hanging ledger must not hang the whole suite.
 */
export const closeWithin = async (ledger: IdentityLedger, ms = 250): Promise<'closed' | 'timeout'> =>
  Promise.race([ledger.close().then(() => 'closed' as const), delay(ms).then(() => 'timeout' as const)]);

export const registerCleanup = () =>
  afterEach(async () => {
    await Promise.all(open.splice(0).map((ledger) => closeWithin(ledger)));
  });

/** A ledger closed after the current test (register `registerCleanup()` in the file). */
export const newLedger = async (config: IdentityLedgerConfig = {}): Promise<IdentityLedger> => {
  const ledger = await createIdentityLedger(config.store === undefined || config.keyStore !== undefined ? config : { ...config, keyStore: keysOf(config.store) });
  open.push(ledger);
  return ledger;
};

/** A clock that only moves when told: many objects can share one second. */
export const manualClock = (startSeconds = 1_750_000_000) => {
  let ms = startSeconds * 1000;
  return {
    clock: () => new Date(ms),
    seconds: () => Math.floor(ms / 1000),
    advance: (seconds: number) => {
      ms += seconds * 1000;
    },
  };
};

export const readLog = async (store: EventStore): Promise<Array<RecordedEvent>> => {
  const out: Array<RecordedEvent> = [];
  for await (const event of store.readAll()) out.push(event);
  return out;
};

export const sessionStreams = (log: ReadonlyArray<RecordedEvent>) =>
  new Set(log.filter((event) => event.streamName.startsWith('verification_session-')).map((event) => event.streamName));

/** Awaits a promise that must reject, and returns what it rejected with. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<Record<string, unknown>> => {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected the call to reject, it resolved');
};

export const expectInvalidRequest = (error: Record<string, unknown>, fields: Record<string, unknown> = {}) => {
  expect(error).toMatchObject({ _tag: 'IdentityError', rawType: 'invalid_request_error', ...fields });
  expect(typeof error.code).toBe('string');
};
