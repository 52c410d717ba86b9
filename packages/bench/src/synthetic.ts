import { createHash, randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import {
  customerDecider,
  verificationSessionDecider,
  type CreateSessionInput,
  type CustomerCommand,
  type CustomerEvent,
  type CustomerState,
  type VerificationSessionCommand,
  type VerificationSessionEvent,
  type VerificationSessionState,
} from '@idledger/core/domain';
import {
  customerStream,
  sessionStream,
  testModeOutcome,
  testLastError,
  type CommandContext,
  type LedgerDomainEvent,
  type LedgerEvent,
} from '@idledger/core/ledger';
import { prng } from './support.js';

/**
 * Synthetic but valid ledger history: every event comes out of the real deciders (and the
 * test-mode verifier for outcomes), so the projections do the same work as on a real log.
 * Deterministic for a given index: a session's id, its fate and its times depend only on it.
 */

/** One command's worth of events, as the command handler would append them. */
export interface PlannedCommand {
  readonly stream: string;
  readonly events: ReadonlyArray<LedgerDomainEvent>;
  readonly context: CommandContext;
  readonly occurredAt: Date;
}

/** Customers referenced by sessions (`related_customer`); created before any session. */
export const CUSTOMER_POOL = 500;
/** Unix seconds of session 0; session i is created `SESSION_SPACING_SECONDS * i` later. */
export const FIRST_CREATED = 1_750_000_000;
export const SESSION_SPACING_SECONDS = 2.5;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const idOf = (prefix: string, seed: number, length: number): string => {
  const random = prng(seed * 2654435761 + 12345);
  let out = prefix;
  for (let i = 0; i < length; i++) out += BASE62[random.int(62)];
  return out;
};

export const sessionIdOf = (index: number): string => idOf('vs_', index + 1, 24);
export const customerIdOf = (index: number): string => idOf('cus_', 1_000_000_007 + index, 14);
export const createdOf = (index: number): number => FIRST_CREATED + Math.floor(index * SESSION_SPACING_SECONDS);
/** Every other session shares its reference with its neighbour (a retried signup, say). */
export const clientReferenceOf = (index: number): string => `ref_${Math.floor(index / 2)}`;
/** 60% of sessions belong to a customer of the pool, spread evenly over it. */
export const relatedCustomerOf = (index: number): string | null => (index % 5 < 3 ? customerIdOf(Math.floor(index / 5) % CUSTOMER_POOL) : null);

/** A 32-bit integer hash (murmur3's finaliser): a session's fate must not follow its customer or its time. */
const mix = (value: number): number => {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

export type Fate = 'verified' | 'requires_input' | 'canceled' | 'processing' | 'failed_then_verified' | 'redacted' | 'updated_then_verified';

/** In twentieths, by a hash of the index: 70% end verified (some after a failure, an update or a redaction), 15% requires_input, 10% canceled, 5% processing. */
export const fateOf = (index: number): Fate => {
  const slot = mix(index + 0x9e3779b9) % 20;
  if (slot < 10) return 'verified';
  if (slot < 13) return 'requires_input';
  if (slot < 15) return 'canceled';
  if (slot < 16) return 'processing';
  if (slot < 18) return 'failed_then_verified';
  if (slot < 19) return 'redacted';
  return 'updated_then_verified';
};

const apiActor = { type: 'api_key' as const, key: 'sk_test_…bench' };

const apiContext = (seed: string, idempotent: boolean): CommandContext => {
  const requestId = `req_${seed}`;
  return {
    actor: apiActor,
    requestId,
    correlationId: requestId,
    causationId: null,
    ...(idempotent ? { idempotency: { key: `idem_${seed}`, fingerprint: createHash('sha256').update(seed).digest('hex') } } : {}),
  };
};

const systemContext = (component: string, cause: { correlationId: string; eventId: string }): CommandContext => ({
  actor: { type: 'system', component },
  requestId: null,
  correlationId: cause.correlationId,
  causationId: cause.eventId,
});

const inputOf = (index: number): CreateSessionInput => {
  const idNumber = index % 5 === 4;
  return {
    type: idNumber ? 'id_number' : 'document',
    options: idNumber ? {} : { document: { require_matching_selfie: index % 3 === 0, allowed_types: ['driving_license', 'passport'] } },
    provided_details: index % 4 === 0 ? { email: `user${index}@example.com` } : null,
    provided_identity: idNumber ? { first_name: 'Jenny', last_name: 'Rosen', id_number: '000000000', id_number_type: 'us_ssn' } : null,
    metadata: { order_id: `ord_${index}`, plan: index % 2 === 0 ? 'basic' : 'premium' },
    client_reference_id: clientReferenceOf(index),
    related_customer: relatedCustomerOf(index),
    related_customer_account: null,
    related_person: null,
    return_url: 'https://example.com/return',
  };
};

/** The customers of the pool, one command each. */
export const customerCommands = (): Array<PlannedCommand> => {
  const out: Array<PlannedCommand> = [];
  for (let index = 0; index < CUSTOMER_POOL; index++) {
    const id = customerIdOf(index);
    const command: CustomerCommand = {
      type: 'CreateCustomer',
      customerId: id,
      livemode: false,
      now: FIRST_CREATED - 86_400 + index,
      email: `customer${index}@example.com`,
      name: `Customer ${index}`,
      metadata: {},
    };
    const decided = customerDecider.decide(command, customerDecider.initialState as CustomerState);
    if (E.isLeft(decided)) throw new Error(`synthetic customer ${index}: ${decided.left.message}`);
    out.push({
      stream: customerStream(id),
      events: decided.right as ReadonlyArray<CustomerEvent>,
      context: apiContext(`cus${index}`, false),
      occurredAt: new Date(command.now * 1000),
    });
  }
  return out;
};

/** The commands of session `index`, in order, each with the events the decider emitted. */
export const sessionCommands = (index: number): Array<PlannedCommand> => {
  const sessionId = sessionIdOf(index);
  const stream = sessionStream(sessionId);
  const created = createdOf(index);
  const fate = fateOf(index);
  const out: Array<PlannedCommand> = [];
  let state: VerificationSessionState = verificationSessionDecider.initialState;
  let lastCause = { correlationId: '', eventId: '' };

  const run = (command: VerificationSessionCommand, context: CommandContext) => {
    const decided = verificationSessionDecider.decide(command, state);
    if (E.isLeft(decided)) throw new Error(`synthetic session ${index} (${fate}) ${command.type}: ${decided.left.message}`);
    const events = decided.right;
    state = events.reduce(verificationSessionDecider.evolve, state);
    out.push({ stream, events, context, occurredAt: new Date(command.now * 1000) });
    lastCause = { correlationId: context.correlationId, eventId: randomUUID() };
  };
  const session = () => {
    if (state._tag !== 'Existing') throw new Error(`synthetic session ${index} does not exist`);
    return state.session;
  };
  const submit = (at: number, outcome: 'verified' | 'unverified') =>
    run(
      {
        type: 'SubmitVerificationSession',
        sessionId,
        livemode: false,
        now: at,
        testOutcome:
          outcome === 'verified'
            ? { kind: 'verified' }
            : { kind: 'unverified', last_error: testLastError(session().type === 'document' ? 'document_unverified_other' : 'id_number_mismatch') },
      },
      apiContext(`${index}s${at}`, false),
    );
  const recordOutcome = (at: number) => {
    const current = session();
    const submitted = out[out.length - 1]!.events[0] as VerificationSessionEvent;
    const testOutcome = submitted.type === 'VerificationSessionSubmitted' ? submitted.data.test_outcome : undefined;
    const outcome = testModeOutcome({
      session: current,
      attempt: current.attempt,
      reportId: idOf('vr_', 3_000_000_019 + index * 8 + current.attempt, 24),
      now: at,
      ...(testOutcome === undefined ? {} : { testOutcome }),
    });
    run({ type: 'RecordVerificationOutcome', sessionId, attempt: current.attempt, now: at, outcome }, systemContext('verification', lastCause));
  };

  run({ type: 'CreateVerificationSession', sessionId, livemode: false, now: created, input: inputOf(index) }, apiContext(`${index}c`, index % 3 === 0));
  switch (fate) {
    case 'requires_input':
      break;
    case 'canceled':
      run({ type: 'CancelVerificationSession', sessionId, livemode: false, now: created + 600 }, apiContext(`${index}x`, false));
      break;
    case 'processing':
      submit(created + 30, 'verified');
      break;
    case 'verified':
      submit(created + 30, 'verified');
      recordOutcome(created + 31);
      break;
    case 'failed_then_verified':
      submit(created + 30, 'unverified');
      recordOutcome(created + 31);
      submit(created + 300, 'verified');
      recordOutcome(created + 301);
      break;
    case 'redacted':
      submit(created + 30, 'verified');
      recordOutcome(created + 31);
      run({ type: 'RedactVerificationSession', sessionId, livemode: false, now: created + 3600, reason: 'user request' }, apiContext(`${index}r`, false));
      run({ type: 'CompleteRedaction', sessionId, now: created + 3601 }, systemContext('redaction', lastCause));
      break;
    case 'updated_then_verified':
      run(
        { type: 'UpdateVerificationSession', sessionId, livemode: false, now: created + 10, changes: { metadata: { plan: 'enterprise', seats: '12' } } },
        apiContext(`${index}u`, false),
      );
      submit(created + 30, 'verified');
      recordOutcome(created + 31);
      break;
  }
  return out;
};

/** Events per session for the mix above (for sizing runs). */
export const EVENTS_PER_SESSION = 2.9;

/**
 * Turns planned commands into ledger events as the projections receive them, numbering positions
 * from `nextPosition` and revisions per stream (streams here are fresh: revision = event index).
 */
export const toLedgerEvents = (
  commands: ReadonlyArray<PlannedCommand>,
  nextPosition: bigint,
): { readonly events: Array<LedgerEvent<LedgerDomainEvent>>; readonly nextPosition: bigint } => {
  const revisions = new Map<string, bigint>();
  const events: Array<LedgerEvent<LedgerDomainEvent>> = [];
  let position = nextPosition;
  for (const command of commands) {
    for (const event of command.events) {
      const revision = revisions.get(command.stream) ?? 0n;
      revisions.set(command.stream, revision + 1n);
      events.push({
        event,
        envelope: {
          eventId: randomUUID(),
          stream: command.stream,
          revision,
          position,
          occurredAt: command.occurredAt,
          recordedAt: command.occurredAt,
          // Fed straight to the read model, never stored: no chain to link into.
          integrity: null,
          schemaVersion: 1,
          actor: command.context.actor,
          requestId: command.context.requestId,
          correlationId: command.context.correlationId,
          causationId: command.context.causationId,
          idempotencyKey: command.context.idempotency?.key ?? null,
          requestFingerprint: command.context.idempotency?.fingerprint ?? null,
        },
      });
      position++;
    }
  }
  return { events, nextPosition: position };
};
