import { afterEach, describe, expect, it } from 'vitest';
import { createIdentityLedger, createMemoryEventStore, type EventStore, type IdentityLedger, type ReadModel } from '@idledger/core';
import { createMemoryReadModel } from '@idledger/core/ledger';
import { createSqliteReadModel } from '../../packages/store-sqlite/src/read-model/read-model.js';
import {
  ACCOUNTS,
  LIVE_KEY,
  REFERENCES,
  TEST_KEY,
  closeLedger,
  decodedLog,
  driveRandomActivity,
  ledgerConfig,
  manualClock,
  seededRandom,
} from '../../packages/store-sqlite/src/read-model/testing/activity.js';
import { tempLedgerFile, type TempLedgerFile } from '../../packages/store-sqlite/src/read-model/testing/database.js';

/**
 * What the API answers does not depend on the read model behind it: over the SQLite read model
 * (which stores a session in two documents and decodes the second only when asked) every
 * retrieve and every list page, with and without expansions, in both modes, serialises to the
 * same bytes as over the memory read model fed the same log.
 */

let files: Array<TempLedgerFile> = [];
let ledgers: Array<IdentityLedger> = [];

afterEach(async () => {
  for (const ledger of ledgers) await closeLedger(ledger);
  for (const file of files) file.remove();
  ledgers = [];
  files = [];
});

const TOKEN_KEY = 'one token key, so that both ledgers mint the same client secrets';

const ledgerOver = async (store: EventStore, readModel: ReadModel, clock: () => Date, processing: boolean) => {
  const ledger = await createIdentityLedger({ ...ledgerConfig(store, readModel, clock), tokenKey: TOKEN_KEY, processing });
  ledgers.push(ledger);
  return ledger;
};

/** The answer as the wire would carry it: the object's JSON, or the error's type, code, param and message. */
const answer = async (request: () => Promise<unknown>): Promise<string> => {
  try {
    return JSON.stringify(await request());
  } catch (error) {
    const { type, code, param, message } = error as Record<string, unknown>;
    return `error ${JSON.stringify({ type, code, param, message })}`;
  }
};

const SESSION_EXPANDS: ReadonlyArray<ReadonlyArray<string>> = [
  [],
  ['last_verification_report'],
  ['last_verification_report.document.dob', 'last_verification_report.document.number'],
  ['verified_outputs'],
  ['verified_outputs.dob', 'verified_outputs.id_number'],
];

/** Every request compared: each session retrieved with each expansion, each list filter walked page by page. */
const requestsOf = (ledger: IdentityLedger, sessionIds: ReadonlyArray<string>, customerIds: ReadonlyArray<string>) => {
  const sessions = ledger.identity.verificationSessions;
  const requests: Array<{ readonly label: string; readonly run: () => Promise<unknown> }> = [];
  for (const apiKey of [TEST_KEY, LIVE_KEY]) {
    for (const id of sessionIds) {
      for (const expand of SESSION_EXPANDS) {
        requests.push({ label: `${apiKey} retrieve ${id} ${expand.join(',')}`, run: () => sessions.retrieve(id, { expand: [...expand] }, { apiKey }) });
      }
    }
    const filters: Array<Record<string, unknown>> = [
      {},
      ...['requires_input', 'processing', 'verified', 'canceled'].map((status) => ({ status })),
      ...customerIds.map((related_customer) => ({ related_customer })),
      ...customerIds.slice(0, 3).map((related_customer) => ({ related_customer, status: 'verified' })),
      ...REFERENCES.map((client_reference_id) => ({ client_reference_id })),
      ...ACCOUNTS.map((related_customer_account) => ({ related_customer_account })),
    ];
    for (const filter of filters) {
      for (const expand of [[], ...SESSION_EXPANDS.slice(1).map((paths) => paths.map((path) => `data.${path}`))]) {
        for (const limit of [3, 100]) {
          requests.push({
            label: `${apiKey} list ${JSON.stringify(filter)} limit ${limit} ${expand.join(',')}`,
            run: () => sessions.list({ ...filter, limit, expand }, { apiKey }).autoPagingToArray({ limit: 10_000 }),
          });
        }
      }
      requests.push({ label: `${apiKey} first page ${JSON.stringify(filter)}`, run: async () => sessions.list({ ...filter, limit: 5 }, { apiKey }) });
    }
  }
  return requests;
};

describe.each([31, 32])('the API over the SQLite and the memory read model (seed %i)', (seed) => {
  it('answers every retrieve and every list page with the same bytes', async () => {
    const store = createMemoryEventStore();
    const file = tempLedgerFile();
    files.push(file);
    const clock = manualClock();
    const sqlite = await ledgerOver(store, createSqliteReadModel(file.open()), clock.clock, true);
    await driveRandomActivity(sqlite, seededRandom(seed), clock.advance, 240);
    const memory = await ledgerOver(store, createMemoryReadModel(), clock.clock, false);

    const events = await decodedLog(store);
    const createdOf = (type: string) => events.filter(({ event }) => event.type === type).map(({ envelope }) => envelope.stream.slice(envelope.stream.indexOf('-') + 1));
    const sessionIds = createdOf('VerificationSessionCreated');
    const customerIds = createdOf('CustomerCreated');
    // The log must hold what the comparison is about: sessions with reports, verified outputs and redactions.
    for (const type of ['VerificationSessionVerified', 'VerificationSessionChecksFailed', 'VerificationSessionRedacted']) {
      expect(events.map(({ event }) => event.type)).toContain(type);
    }

    const differing: Array<string> = [];
    let withReport = 0;
    const expected = requestsOf(memory, sessionIds, customerIds);
    const actual = requestsOf(sqlite, sessionIds, customerIds);
    for (const [index, request] of expected.entries()) {
      const [want, got] = [await answer(request.run), await answer(actual[index]!.run)];
      if (want !== got) differing.push(`${request.label}\n  memory: ${want}\n  sqlite: ${got}`);
      if (want.includes('"object":"identity.verification_report"')) withReport++;
    }
    expect(differing.slice(0, 3)).toEqual([]);
    expect(withReport).toBeGreaterThan(10);
  });
});
