import { randomBytes } from 'node:crypto';
import { DeciderCommandHandler, type Command, type Event } from '@event-driven-io/emmett';
import { getSQLiteEventStore, sqliteConnection } from '@event-driven-io/emmett-sqlite';
import * as E from 'fp-ts/lib/Either.js';
import {
  decideVerificationSession,
  evolveVerificationSession,
  initialState,
  type VerificationSessionCommand,
  type VerificationSessionEvent,
  type VerificationSessionState,
} from '@idledger/core/domain';
import { testModeOutcome, type Actor } from '@idledger/core/ledger';

/**
 * The same lifecycle on Emmett's SQLite event store, through Emmett's own command handler
 * (`DeciderCommandHandler`: aggregateStream → decide → appendToStream with the expected
 * version). The decider is idledger's own `decide` / `evolve`, so both sides decide the same
 * thing; every event carries metadata of the same shape as idledger's envelope, so both write
 * about the same bytes. The outcome is made by the same test-mode verifier from the state the
 * submit returned (idledger's process manager re-reads the stream for it instead).
 */

type EmmettCommand = Command<VerificationSessionCommand['type'], { command: VerificationSessionCommand; metadata: Record<string, unknown> }>;
type EmmettEvent = Event<string, Record<string, unknown>, Record<string, unknown>>;

/**
 * Emmett's SQLite connection (node-sqlite3 in its default parallel mode) now and then fails a
 * COMMIT with `SQLITE_BUSY: cannot commit transaction - SQL statements in progress`: the
 * `INSERT/UPDATE … RETURNING` read with `db.get` is finalised asynchronously and may not be done
 * when the COMMIT runs. The command is then retried through Emmett's own retry option (the
 * retries are counted, and their time is in the latencies), as an application would have to.
 */
let busyRetries = 0;
const isBusy = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'SQLITE_BUSY';

const handle = DeciderCommandHandler<VerificationSessionState, EmmettCommand, EmmettEvent>({
  retry: {
    retries: 10,
    minTimeout: 1,
    maxTimeout: 20,
    factor: 2,
    shouldRetryError: (error) => {
      if (!isBusy(error)) return false;
      busyRetries++;
      return true;
    },
  },
  decide: ({ data }, state) => {
    const decided = decideVerificationSession(data.command, state);
    if (E.isLeft(decided)) throw new Error(`emmett decider refused ${data.command.type}: ${decided.left.message}`);
    return decided.right.map((event) => ({ type: event.type, data: event.data as unknown as Record<string, unknown>, metadata: data.metadata }));
  },
  evolve: (state, event) => evolveVerificationSession(state, event as unknown as VerificationSessionEvent),
  initialState: () => initialState,
  mapToStreamId: (id) => `verification_session-${id}`,
});

const randomToken = (bytes: number) => randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x');

const envelope = (actor: Actor, requestId: string | null, causationId: string | null, at: Date) => ({
  schema_version: 1,
  occurred_at: at.toISOString(),
  actor,
  request_id: requestId,
  correlation_id: requestId ?? `req_${randomToken(10)}`,
  causation_id: causationId,
});

/** What one lifecycle took, per step (ms). */
export interface Steps {
  readonly create: number;
  readonly submit: number;
  readonly outcome: number;
}

export interface EmmettContender {
  readonly lifecycle: (index: number) => Promise<Steps>;
  readonly close: () => Promise<ReadonlyArray<string>>;
}

/** What Emmett's connection runs with: it sets WAL itself; synchronous is SQLite's default. */
const emmettPragmas = async (file: string): Promise<string> => {
  const connection = sqliteConnection({ fileName: file });
  try {
    const journal = await connection.querySingle<{ journal_mode: string }>('PRAGMA journal_mode');
    const synchronous = await connection.querySingle<{ synchronous: number }>('PRAGMA synchronous');
    const names = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];
    return `journal_mode=${journal?.journal_mode ?? '?'}, synchronous=${names[synchronous?.synchronous ?? -1] ?? '?'}`;
  } finally {
    connection.close();
  }
};

/**
 * One Emmett event store on `file`. While it is open, Emmett's transaction wrapper, which
 * console.logs every error it rolls back, is kept out of the report (the errors are counted).
 */
export const openEmmett = (file: string): EmmettContender => {
  const store = getSQLiteEventStore({ fileName: file });
  const actor: Actor = { type: 'api_key', key: 'sk_test_…ench' };
  const consoleLog = console.log;
  let logged = 0;
  console.log = () => {
    logged++;
  };
  busyRetries = 0;
  let last: VerificationSessionState = initialState;

  const lifecycle = async (i: number): Promise<Steps> => {
    const sessionId = `vs_${randomToken(18).slice(0, 24)}`;
    const t0 = performance.now();
    const now = new Date();
    const seconds = Math.floor(now.getTime() / 1000);
    const createRequest = `req_${randomToken(10).slice(0, 14)}`;
    await handle(store, sessionId, {
      type: 'CreateVerificationSession',
      data: {
        command: {
          type: 'CreateVerificationSession',
          sessionId,
          livemode: false,
          now: seconds,
          input: {
            type: 'document',
            options: {},
            provided_details: null,
            provided_identity: null,
            metadata: { order_id: `ord_${i}` },
            client_reference_id: `ref_${i}`,
            related_customer: null,
            related_customer_account: null,
            related_person: null,
            return_url: null,
          },
        },
        metadata: envelope(actor, createRequest, null, now),
      },
    });
    const t1 = performance.now();
    const submitRequest = `req_${randomToken(10).slice(0, 14)}`;
    const submitted = await handle(store, sessionId, {
      type: 'SubmitVerificationSession',
      data: {
        command: { type: 'SubmitVerificationSession', sessionId, livemode: false, now: seconds, testOutcome: { kind: 'verified' } },
        metadata: envelope(actor, submitRequest, null, new Date()),
      },
    });
    const t2 = performance.now();
    if (submitted.newState._tag !== 'Existing') throw new Error('emmett: the session vanished');
    const session = submitted.newState.session;
    const outcome = testModeOutcome({ session, attempt: session.attempt, reportId: `vr_${randomToken(18).slice(0, 24)}`, now: seconds, testOutcome: { kind: 'verified' } });
    const recorded = await handle(store, sessionId, {
      type: 'RecordVerificationOutcome',
      data: {
        command: { type: 'RecordVerificationOutcome', sessionId, attempt: session.attempt, now: seconds, outcome },
        metadata: envelope({ type: 'system', component: 'verification' }, null, randomToken(16), new Date()),
      },
    });
    const t3 = performance.now();
    last = recorded.newState;
    if (last._tag !== 'Existing' || last.session.status !== 'verified') throw new Error(`emmett: session ${sessionId} did not end verified`);
    return { create: t1 - t0, submit: t2 - t1, outcome: t3 - t2 };
  };

  return {
    lifecycle,
    close: async () => {
      console.log = consoleLog;
      return [
        `pragmas as Emmett sets them: ${await emmettPragmas(file)} (getSQLiteEventStore takes no pragma options; FULL is SQLite's default, the same as the ledger's)`,
        'Emmett opens and closes a sqlite3 connection for every aggregateStream / appendToStream on a file database',
        'no read model and no process manager: the outcome is recorded by the caller, from the state the submit returned',
        `commands retried after SQLITE_BUSY (an Emmett/node-sqlite3 race at COMMIT, see emmett.ts): ${busyRetries} (Emmett logged ${logged} errors)`,
      ];
    },
  };
};
