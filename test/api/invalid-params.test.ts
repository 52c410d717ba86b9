import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIdentityLedger, type IdentityLedger, type RequestOptions } from '@idledger/core';
import { closeWithin, delay, expectInvalidRequest, newLedger, readLog, registerCleanup, rejectionOf } from './support.js';

/**
 * Every operation refuses invalid parameters with a Stripe-shaped `invalid_request_error` naming
 * the offending parameter, and a refused request appends nothing to the ledger (spec 6.3, 13).
 */

registerCleanup();

type Params = Record<string, unknown>;
interface Targets {
  readonly session: string;
  readonly report: string;
  readonly customer: string;
}
interface Operation {
  readonly name: string;
  /** Which object's id the operation takes, if any. */
  readonly id?: keyof Targets;
  readonly missingId?: string;
  readonly valid: Params;
  /** Known parameters, each with values of the wrong kind for it. */
  readonly keys: Readonly<Record<string, fc.Arbitrary<unknown>>>;
  readonly writes: boolean;
  readonly run: (ledger: IdentityLedger, id: unknown, params: unknown, options?: RequestOptions) => Promise<unknown>;
}

const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant({ a: 'b' }), fc.constant(['x']));
const notBool = fc.oneof(fc.integer(), fc.constantFrom('maybe', 'yes', 'TRUE'), fc.constant({}), fc.constant([true]));
const notEnum = fc.oneof(fc.integer(), fc.boolean(), fc.constantFrom('bogus', 'Document'), fc.constant({}));
const notLimit = fc.oneof(
  fc.constantFrom('ten', '1.5', '0x10'),
  fc.integer({ min: 101 }),
  fc.integer({ max: 0 }),
  fc.double({ min: 1.01, max: 99.99, noNaN: true }).filter((value) => !Number.isInteger(value)),
  fc.boolean(),
  fc.constant({}),
);
const notMetadata = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant('x'),
  fc.constant(['a']),
  fc.constant({ k: { nested: 'v' } }),
  fc.constant({ k: true }),
  fc.constant({ 'a[b]': 'v' }),
  fc.constant({ k: 'x'.repeat(501) }),
);
const notExpand = fc.oneof(fc.integer(), fc.boolean(), fc.constant('verified_outputs'), fc.constant([5]), fc.constant(['no_such_path']), fc.constant({}));
const notCreated = fc.oneof(fc.constantFrom('yesterday', '1.5'), fc.boolean(), fc.constant([1]), fc.constant({}), fc.constant({ gt: 'x' }), fc.constant({ after: 1 }));
const notOptions = fc.oneof(
  fc.integer(),
  fc.constant('x'),
  fc.constant(['document']),
  fc.constant({ document: 5 }),
  fc.constant({ document: { require_id_number: 'maybe' } }),
  fc.constant({ document: { allowed_types: ['selfie'] } }),
);
const notDetails = fc.oneof(
  fc.integer(),
  fc.constant('x'),
  fc.constant({ email: 5 }),
  fc.constant({ email: 'not-an-email' }),
  fc.constant({ dob: { day: 31, month: 2, year: 1990 } }),
  fc.constant({ phone: true }),
);
const notUrl = fc.oneof(fc.integer(), fc.boolean(), fc.constantFrom('not a url', 'ftp://example.com/x', '/relative'));
const notEmail = fc.oneof(fc.integer(), fc.boolean(), fc.constant({}), fc.constantFrom('not-an-email', 'a@b'));
const missing = (id: string) => fc.oneof(notString, fc.constant(id));

const expandOnly = { expand: notExpand };
const pageKeys = { created: notCreated, ending_before: missing('vs_missing_cursor'), expand: notExpand, limit: notLimit, starting_after: missing('vs_missing_cursor') };

const sessions = (l: IdentityLedger) => l.identity.verificationSessions;
const helpers = (l: IdentityLedger) => l.testHelpers.identity.verificationSessions;

const operations: ReadonlyArray<Operation> = [
  {
    name: 'sessions.create',
    valid: { type: 'document' },
    keys: {
      client_reference_id: notString,
      expand: notExpand,
      metadata: notMetadata,
      options: notOptions,
      provided_details: notDetails,
      related_customer: missing('cus_missing'),
      related_customer_account: notString,
      related_person: fc.oneof(fc.integer(), fc.constant('x'), fc.constant({ account: 'acct_1' }), fc.constant({ account: 5, person: 'p' })),
      return_url: notUrl,
      type: notEnum,
      verification_flow: missing('vf_1'),
    },
    writes: true,
    run: (l, _id, params, options) => sessions(l).create(params, options),
  },
  { name: 'sessions.retrieve', id: 'session', missingId: 'vs_missing', valid: {}, keys: expandOnly, writes: false, run: (l, id, p, o) => sessions(l).retrieve(id as string, p, o) },
  {
    name: 'sessions.update',
    id: 'session',
    missingId: 'vs_missing',
    valid: { metadata: { order: '1' } },
    keys: { expand: notExpand, metadata: notMetadata, options: notOptions, provided_details: notDetails, type: notEnum },
    writes: true,
    run: (l, id, p, o) => sessions(l).update(id as string, p, o),
  },
  {
    name: 'sessions.list',
    valid: {},
    keys: { ...pageKeys, client_reference_id: notString, related_customer: notString, related_customer_account: notString, status: notEnum },
    writes: false,
    run: (l, _id, p, o) => sessions(l).list(p as Params, o),
  },
  { name: 'sessions.cancel', id: 'session', missingId: 'vs_missing', valid: {}, keys: expandOnly, writes: true, run: (l, id, p, o) => sessions(l).cancel(id as string, p, o) },
  { name: 'sessions.redact', id: 'session', missingId: 'vs_missing', valid: {}, keys: expandOnly, writes: true, run: (l, id, p, o) => sessions(l).redact(id as string, p, o) },
  {
    name: 'reports.retrieve',
    id: 'report',
    missingId: 'vr_missing',
    valid: {},
    keys: expandOnly,
    writes: false,
    run: (l, id, p, o) => l.identity.verificationReports.retrieve(id as string, p, o),
  },
  {
    name: 'reports.list',
    valid: {},
    keys: { ...pageKeys, ending_before: missing('vr_missing'), starting_after: missing('vr_missing'), client_reference_id: notString, type: notEnum, verification_session: notString },
    writes: false,
    run: (l, _id, p, o) => l.identity.verificationReports.list(p as Params, o),
  },
  {
    name: 'customers.create',
    valid: { name: 'Ada' },
    keys: { email: notEmail, expand: notExpand, metadata: notMetadata, name: notString },
    writes: true,
    run: (l, _id, p, o) => l.customers.create(p, o),
  },
  { name: 'customers.retrieve', id: 'customer', missingId: 'cus_missing', valid: {}, keys: expandOnly, writes: false, run: (l, id, p, o) => l.customers.retrieve(id as string, p, o) },
  {
    name: 'customers.update',
    id: 'customer',
    missingId: 'cus_missing',
    valid: { name: 'Grace' },
    keys: { email: notEmail, expand: notExpand, metadata: notMetadata, name: notString },
    writes: true,
    run: (l, id, p, o) => l.customers.update(id as string, p, o),
  },
  {
    name: 'customers.list',
    valid: {},
    keys: { ...pageKeys, ending_before: missing('cus_missing'), starting_after: missing('cus_missing'), email: notString },
    writes: false,
    run: (l, _id, p, o) => l.customers.list(p as Params, o),
  },
  { name: 'testHelpers.submit', id: 'session', missingId: 'vs_missing', valid: {}, keys: { simulate_delay: notBool }, writes: true, run: (l, id, p, o) => helpers(l).submit(id as string, p, o) },
  { name: 'testHelpers.verify', id: 'session', missingId: 'vs_missing', valid: {}, keys: { simulate_delay: notBool }, writes: true, run: (l, id, p, o) => helpers(l).verify(id as string, p, o) },
  {
    name: 'testHelpers.unverify',
    id: 'session',
    missingId: 'vs_missing',
    valid: {},
    keys: {
      // id_number_* belongs to a check this document session does not run.
      last_error: fc.oneof(fc.integer(), fc.constant('x'), fc.constant({ code: 'bogus' }), fc.constant({ reason: 'x' }), fc.constant({ code: 'id_number_mismatch' })),
      simulate_delay: notBool,
    },
    writes: true,
    run: (l, id, p, o) => helpers(l).unverify(id as string, p, o),
  },
];

interface Case {
  readonly kind: string;
  readonly id?: unknown;
  readonly params: unknown;
  readonly options?: RequestOptions;
  /** The parameter the error must name: exactly, or as the head of a bracket path. */
  readonly param: string;
}

const badIds = (op: Operation) =>
  fc.oneof(fc.integer(), fc.constant({}), fc.constant(['vs_1']), fc.constantFrom('', 'vs has space', 'tab\tid', null, op.missingId ?? 'x'));

const casesOf = (op: Operation): fc.Arbitrary<Case> => {
  const known = new Set(Object.keys(op.keys));
  const unknownKey = fc
    .tuple(fc.stringMatching(/^[a-z][a-z_]{0,14}$/), fc.jsonValue())
    .filter(([key]) => !known.has(key))
    .map(([key, value]): Case => ({ kind: 'unknown key', params: { ...op.valid, [key]: value }, param: key }));
  const wrongKind = fc
    .constantFrom(...Object.keys(op.keys))
    .chain((key) => op.keys[key]!.map((value): Case => ({ kind: `wrong ${key}`, params: { ...op.valid, [key]: value }, param: key })));
  const cases = [unknownKey, wrongKind];
  if (op.id !== undefined) cases.push(badIds(op).map((id): Case => ({ kind: 'bad id', id, params: op.valid, param: 'id' })));
  if (op.writes) {
    cases.push(
      fc
        .constantFrom('', 'k'.repeat(256))
        .map((key): Case => ({ kind: 'bad idempotency key', params: op.valid, options: { idempotencyKey: key }, param: 'idempotency_key' })),
    );
  }
  return fc.oneof(...cases);
};

describe('invalid parameters', () => {
  /** A fresh ledger per case, so that a wrongly accepted request cannot spill into the next case (or into shrinking). */
  const fixture = async () => {
    const ledger = await createIdentityLedger({ simulatedDelayMs: 0 });
    const customer = await ledger.customers.create({ email: 'x@example.com' });
    const verified = await sessions(ledger).create({ type: 'document' });
    await helpers(ledger).verify(verified.id);
    await ledger.whenIdle();
    const report = (await sessions(ledger).retrieve(verified.id)).last_verification_report as string;
    // A requires_input session: every write to it would append if it were accepted. Written last, so whenIdle() works.
    const open = await sessions(ledger).create({ type: 'document', metadata: { a: 'b' } });
    return { ledger, targets: { session: open.id, report, customer: customer.id } satisfies Targets };
  };

  it('are refused by every operation with the parameter named, and append nothing', async () => {
    // Generated as [name, case] so a counterexample prints readably.
    const byName = new Map(operations.map((op) => [op.name, op]));
    const arbitrary = fc.constantFrom(...operations).chain((op) => casesOf(op).map((c) => [op.name, c] as const));
    await fc.assert(
      fc.asyncProperty(arbitrary, async ([name, c]) => {
        const op = byName.get(name)!;
        const { ledger, targets } = await fixture();
        try {
          const before = await readLog(ledger.store);
          const id = 'id' in c ? c.id : op.id === undefined ? undefined : targets[op.id];
          const error = await rejectionOf(op.run(ledger, id, c.params, c.options));
          expectInvalidRequest(error);
          expect([400, 404]).toContain(error.statusCode);
          expect(typeof error.param, `${op.name} / ${c.kind}: ${String(error.message)}`).toBe('string');
          const param = error.param as string;
          expect(param === c.param || param.startsWith(`${c.param}[`), `${op.name} / ${c.kind}: param ${param}`).toBe(true);
          // Bounded: whenIdle() hangs once the newest write is a customer's (see processing.test.ts).
          await Promise.race([ledger.whenIdle(), delay(50)]);
          const after = await readLog(ledger.store);
          expect(after.map((event) => event.id)).toEqual(before.map((event) => event.id));
          expect(await sessions(ledger).retrieve(targets.session)).toMatchObject({ status: 'requires_input', metadata: { a: 'b' } });
        } finally {
          await closeWithin(ledger);
        }
      }),
      { numRuns: 250 },
    );
    // 250 fresh ledgers: about 3 s alone, more on a loaded machine; the default 5 s is too tight.
  }, 30_000);

  it('covers every operation of the API', async () => {
    const ledger = await newLedger();
    const names = new Set(operations.map((op) => op.name));
    for (const name of Object.keys(ledger.identity.verificationSessions)) expect(names).toContain(`sessions.${name}`);
    for (const name of Object.keys(ledger.identity.verificationReports)) expect(names).toContain(`reports.${name}`);
    for (const name of Object.keys(ledger.customers)) expect(names).toContain(`customers.${name}`);
    for (const name of Object.keys(ledger.testHelpers.identity.verificationSessions)) expect(names).toContain(`testHelpers.${name}`);
  });
});

describe('idempotency key validation', () => {
  // BUG: packages/core/src/api/runtime.ts: the 1..255 length check of `idempotencyKey` now sits in
  // `idempotent` (lines ~156-158) instead of `callerOf`, and the test helpers
  // (packages/core/src/api/test-helpers.ts, `drive` → `execute` with `contextOf(caller)`) never go
  // through `idempotent`. So `submit` / `verify` / `unverify` with an empty or 256-character key
  // are accepted (and append a submission) instead of being refused with `param: 'idempotency_key'`
  // like every other write. The check belongs where every operation passes (callerOf), or the
  // helpers must call it too.
  it('refuses an empty or over-long key on the test helpers too', async () => {
    const ledger = await newLedger({ simulatedDelayMs: 0 });
    const session = await sessions(ledger).create({ type: 'document' });
    const before = (await readLog(ledger.store)).length;
    for (const idempotencyKey of ['', 'k'.repeat(256)]) {
      for (const call of [helpers(ledger).submit, helpers(ledger).verify, helpers(ledger).unverify]) {
        const outcome = await call(session.id, {}, { idempotencyKey }).then(
          () => 'accepted',
          (error: Record<string, unknown>) => error.param,
        );
        expect(outcome).toBe('idempotency_key');
      }
    }
    await ledger.whenIdle();
    expect((await readLog(ledger.store)).length).toBe(before);
  });
});

describe('refused state transitions', () => {
  it('cancel of a verified session is refused and appends nothing', async () => {
    const ledger = await newLedger({ simulatedDelayMs: 0 });
    const session = await sessions(ledger).create({ type: 'document' });
    await helpers(ledger).verify(session.id);
    await ledger.whenIdle();
    const before = await readLog(ledger.store);
    const error = await rejectionOf(sessions(ledger).cancel(session.id));
    expectInvalidRequest(error, { statusCode: 400 });
    expect(error.message).toBe(
      'You cannot cancel this VerificationSession because it has a status of "verified". Only a VerificationSession in "requires_input" status may be canceled.',
    );
    // The same refusal under an idempotency key records nothing either.
    await rejectionOf(sessions(ledger).cancel(session.id, {}, { idempotencyKey: 'cancel-verified' }));
    expect((await readLog(ledger.store)).length).toBe(before.length);
    expect((await sessions(ledger).retrieve(session.id)).status).toBe('verified');
  });

  it('other refusals (update of a verified session, submit of a canceled one, update after redaction) append nothing', async () => {
    const ledger = await newLedger({ simulatedDelayMs: 0 });
    const verified = await sessions(ledger).create({ type: 'document' });
    await helpers(ledger).verify(verified.id);
    await ledger.whenIdle();
    const canceled = await sessions(ledger).create({ type: 'document' });
    await sessions(ledger).cancel(canceled.id);
    const redacted = await sessions(ledger).create({ type: 'document' });
    await sessions(ledger).redact(redacted.id);
    await ledger.whenIdle();
    const before = await readLog(ledger.store);
    expectInvalidRequest(await rejectionOf(sessions(ledger).update(verified.id, { type: 'id_number' })));
    expectInvalidRequest(await rejectionOf(helpers(ledger).submit(canceled.id)));
    expectInvalidRequest(await rejectionOf(helpers(ledger).verify(verified.id)));
    expectInvalidRequest(await rejectionOf(sessions(ledger).update(redacted.id, { metadata: { a: 'b' } })));
    expectInvalidRequest(await rejectionOf(helpers(ledger).verify(canceled.id, {}, { apiKey: 'sk_live_helpers' })), { code: 'livemode_mismatch' });
    await ledger.whenIdle();
    expect((await readLog(ledger.store)).length).toBe(before.length);
  });
});
