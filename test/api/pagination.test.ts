import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IdentityLedger } from '@idledger/core';
import { manualClock, newLedger, registerCleanup, rejectionOf } from './support.js';

/**
 * Cursor pagination (spec section 8): newest first, ties in reverse creation order, every
 * matching object exactly once whichever way and however it is walked, and `has_more` exact.
 */

registerCleanup();

type Params = Record<string, unknown>;
interface Lister {
  (params?: Params): Promise<{ data: ReadonlyArray<{ id: string }>; has_more: boolean }> & AsyncIterable<{ id: string }> & {
    autoPagingToArray: (options: { limit: number }) => Promise<Array<{ id: string }>>;
    autoPagingEach: (handler: (item: { id: string }) => void | boolean) => Promise<void>;
  };
}

const ids = (items: ReadonlyArray<{ id: string }>) => items.map((item) => item.id);

/** Walks `starting_after` from the top, checking every page and its `has_more` against `expected`. */
const walkForward = async (list: Lister, filter: Params, limit: number, expected: ReadonlyArray<string>) => {
  const seen: Array<string> = [];
  let cursor: string | undefined;
  for (let guard = 0; guard <= expected.length + 1; guard++) {
    const page = await list({ ...filter, limit, ...(cursor === undefined ? {} : { starting_after: cursor }) });
    expect(ids(page.data)).toEqual(expected.slice(seen.length, seen.length + limit));
    expect(page.has_more).toBe(seen.length + limit < expected.length);
    seen.push(...ids(page.data));
    if (!page.has_more) break;
    cursor = seen[seen.length - 1];
  }
  expect(seen).toEqual(expected);
};

/** Walks `ending_before` up from the oldest match: each page is the `limit` newer neighbours, newest first. */
const walkBackward = async (list: Lister, filter: Params, limit: number, expected: ReadonlyArray<string>) => {
  if (expected.length === 0) return;
  let index = expected.length - 1;
  const seen = new Set<string>([expected[index]!]);
  for (let guard = 0; guard <= expected.length + 1; guard++) {
    const page = await list({ ...filter, limit, ending_before: expected[index]! });
    const from = Math.max(0, index - limit);
    expect(ids(page.data)).toEqual(expected.slice(from, index));
    expect(page.has_more).toBe(from > 0);
    for (const id of ids(page.data)) {
      expect(seen.has(id)).toBe(false);
      seen.add(id);
    }
    index = from;
    if (!page.has_more) break;
  }
  expect(seen).toEqual(new Set(expected));
};

/** stripe-node's three ways of auto-paging, forwards and (from `ending_before`) backwards. */
const checkAutoPaging = async (list: Lister, filter: Params, limit: number, expected: ReadonlyArray<string>, take: number) => {
  const iterated: Array<string> = [];
  for await (const item of list({ ...filter, limit })) iterated.push(item.id);
  expect(iterated).toEqual(expected);
  expect(ids(await list({ ...filter, limit }).autoPagingToArray({ limit: take }))).toEqual(expected.slice(0, take));
  const each: Array<string> = [];
  await list({ ...filter, limit }).autoPagingEach((item) => {
    each.push(item.id);
    return each.length < take;
  });
  expect(each).toEqual(expected.slice(0, take));
  if (expected.length > 0) {
    const upwards: Array<string> = [];
    for await (const item of list({ ...filter, limit, ending_before: expected[expected.length - 1]! })) upwards.push(item.id);
    expect(upwards).toEqual(expected.slice(0, -1).reverse());
  }
};

const pageSize = fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 100 }));

describe('verification session lists', () => {
  const sessionPlan = fc.array(
    fc.record({
      advance: fc.constantFrom(0, 0, 0, 1, 2),
      ref: fc.constantFrom(undefined, 'ref_a', 'ref_b'),
      customer: fc.constantFrom(undefined, 0, 1),
      fate: fc.constantFrom('open', 'canceled', 'verified', 'unverified', 'redacted', 'live'),
    }),
    { maxLength: 18 },
  );
  /** Created filters as offsets from the clock's start: an exact second, or a range with a lower and/or upper bound. */
  const bound = fc.option(fc.integer({ min: -1, max: 10 }), { nil: undefined });
  const createdOffsets = fc.oneof(
    fc.integer({ min: -1, max: 10 }),
    fc
      .tuple(bound, bound, fc.boolean(), fc.boolean())
      .filter(([low, high]) => low !== undefined || high !== undefined)
      .map(([low, high, strictLow, strictHigh]) => ({
        ...(low === undefined ? {} : { [strictLow ? 'gt' : 'gte']: low }),
        ...(high === undefined ? {} : { [strictHigh ? 'lt' : 'lte']: Math.max(high, low ?? high) }),
      })),
  );
  /** Each filter present about one time in three, so that most combinations still match something. */
  const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: arb, weight: 1 });
  const sessionFilter = fc
    .record({
      status: sometimes(fc.constantFrom('requires_input', 'requires_input', 'verified', 'canceled', 'processing')),
      created: sometimes(createdOffsets),
      client_reference_id: sometimes(fc.constantFrom('ref_a', 'ref_b', 'ref_none')),
      related_customer: sometimes(fc.constantFrom(0, 1)),
    })
    .map((filter) => Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as Partial<typeof filter>);
  type Range = { gt?: number; gte?: number; lt?: number; lte?: number };
  const inRange = (created: number, range: number | Range | undefined) =>
    range === undefined ||
    (typeof range === 'number'
      ? created === range
      : (range.gt === undefined || created > range.gt) &&
        (range.gte === undefined || created >= range.gte) &&
        (range.lt === undefined || created < range.lt) &&
        (range.lte === undefined || created <= range.lte));

  it('walks every matching session exactly once, newest first, in every direction and way', async () => {
    await fc.assert(
      fc.asyncProperty(sessionPlan, sessionFilter, pageSize, fc.integer({ min: 1, max: 20 }), async (plan, abstract, limit, take) => {
        const time = manualClock();
        const base = time.seconds();
        const ledger = await newLedger({ clock: time.clock, simulatedDelayMs: 0 });
        const vs = ledger.identity.verificationSessions;
        const customers = [(await ledger.customers.create({ email: 'a@example.com' })).id, (await ledger.customers.create({ email: 'b@example.com' })).id];
        const made: Array<{ id: string; created: number; status: string; ref?: string; customer?: string }> = [];
        for (const step of plan) {
          time.advance(step.advance);
          if (step.fate === 'live') {
            // The other mode's sessions share the index but never show up in a test-mode list.
            await vs.create({ type: 'document', ...(step.ref === undefined ? {} : { client_reference_id: step.ref }) }, { apiKey: 'sk_live_pagination' });
            continue;
          }
          const customer = step.customer === undefined ? undefined : customers[step.customer];
          const session = await vs.create({
            type: 'document',
            ...(step.ref === undefined ? {} : { client_reference_id: step.ref }),
            ...(customer === undefined ? {} : { related_customer: customer }),
          });
          if (step.fate === 'canceled') await vs.cancel(session.id);
          if (step.fate === 'redacted') await vs.redact(session.id);
          if (step.fate === 'verified') await ledger.testHelpers.identity.verificationSessions.verify(session.id);
          if (step.fate === 'unverified') await ledger.testHelpers.identity.verificationSessions.unverify(session.id);
          await ledger.whenIdle();
          const status = (await vs.retrieve(session.id)).status;
          made.push({ id: session.id, created: session.created, status, ...(step.ref ? { ref: step.ref } : {}), ...(customer ? { customer } : {}) });
        }
        const created =
          abstract.created === undefined
            ? undefined
            : typeof abstract.created === 'number'
              ? base + abstract.created
              : Object.fromEntries(Object.entries(abstract.created).map(([key, offset]) => [key, base + offset]));
        const filter: Params & { created?: number | Range } = {
          ...abstract,
          ...(created === undefined ? {} : { created }),
          ...(abstract.related_customer === undefined ? {} : { related_customer: customers[abstract.related_customer] }),
        };
        const expected = [...made]
          .reverse()
          .filter(
            (s) =>
              (filter.status === undefined || s.status === filter.status) &&
              inRange(s.created, filter.created) &&
              (filter.client_reference_id === undefined || s.ref === filter.client_reference_id) &&
              (filter.related_customer === undefined || s.customer === filter.related_customer),
          )
          .map((s) => s.id);
        const list = vs.list as unknown as Lister;
        await walkForward(list, filter, limit, expected);
        await walkBackward(list, filter, limit, expected);
        await checkAutoPaging(list, filter, limit, expected, take);
      }),
      { numRuns: 80 },
    );
  });

  it('refuses both cursors at once', async () => {
    const ledger = await newLedger();
    const a = await ledger.identity.verificationSessions.create({ type: 'document' });
    const b = await ledger.identity.verificationSessions.create({ type: 'document' });
    const error = await rejectionOf(ledger.identity.verificationSessions.list({ starting_after: a.id, ending_before: b.id }));
    expect(error).toMatchObject({ _tag: 'IdentityError', rawType: 'invalid_request_error', code: 'parameters_exclusive', statusCode: 400 });
    expect(['starting_after', 'ending_before']).toContain(error.param);
  });

  it('answers an unknown cursor with resource_missing naming the cursor parameter', async () => {
    const ledger = await newLedger();
    await ledger.identity.verificationSessions.create({ type: 'document' });
    const missing = 'vs_000000000000000000000000';
    expect(await rejectionOf(ledger.identity.verificationSessions.list({ starting_after: missing }))).toMatchObject({
      _tag: 'IdentityError',
      rawType: 'invalid_request_error',
      code: 'resource_missing',
      param: 'starting_after',
      message: `No such VerificationSession: '${missing}'`,
    });
    expect(await rejectionOf(ledger.identity.verificationSessions.list({ ending_before: missing }))).toMatchObject({
      code: 'resource_missing',
      param: 'ending_before',
    });
  });

  it('treats a cursor from the other mode as unknown, both ways', async () => {
    const ledger = await newLedger();
    const live = { apiKey: 'sk_live_pagination' };
    const testSession = await ledger.identity.verificationSessions.create({ type: 'document' });
    const liveSession = await ledger.identity.verificationSessions.create({ type: 'document' }, live);
    expect(await rejectionOf(ledger.identity.verificationSessions.list({ starting_after: liveSession.id }))).toMatchObject({
      code: 'resource_missing',
      param: 'starting_after',
    });
    expect(await rejectionOf(ledger.identity.verificationSessions.list({ ending_before: testSession.id }, live))).toMatchObject({
      code: 'resource_missing',
      param: 'ending_before',
    });
    // Each mode lists only its own sessions.
    expect(ids((await ledger.identity.verificationSessions.list()).data)).toEqual([testSession.id]);
    expect(ids((await ledger.identity.verificationSessions.list({}, live)).data)).toEqual([liveSession.id]);
  });
});

describe('verification report lists', () => {
  const reportPlan = fc.array(
    fc.record({ failures: fc.integer({ min: 0, max: 2 }), verify: fc.boolean(), advance: fc.constantFrom(0, 0, 1) }),
    { minLength: 1, maxLength: 4 },
  );

  const makeReports = async (ledger: IdentityLedger, time: ReturnType<typeof manualClock>, plan: ReadonlyArray<{ failures: number; verify: boolean; advance: number }>) => {
    const made: Array<{ id: string; session: string }> = [];
    const helpers = ledger.testHelpers.identity.verificationSessions;
    for (const step of plan) {
      const session = await ledger.identity.verificationSessions.create({ type: 'document' });
      const attempts = [...Array.from({ length: step.failures }, () => 'fail'), ...(step.verify ? ['verify'] : [])];
      for (const attempt of attempts) {
        time.advance(step.advance);
        await (attempt === 'fail' ? helpers.unverify(session.id) : helpers.verify(session.id));
        await ledger.whenIdle();
        const report = (await ledger.identity.verificationSessions.retrieve(session.id)).last_verification_report;
        made.push({ id: report as string, session: session.id });
      }
    }
    return made;
  };

  it('walks every matching report exactly once, newest first', async () => {
    await fc.assert(
      fc.asyncProperty(reportPlan, pageSize, fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 10 }), async (plan, limit, pick, take) => {
        const time = manualClock();
        const ledger = await newLedger({ clock: time.clock, simulatedDelayMs: 0 });
        const made = await makeReports(ledger, time, plan);
        const sessionIds = [...new Set(made.map((report) => report.session))];
        const target = pick < sessionIds.length ? sessionIds[pick] : undefined;
        const filter: Params = target === undefined ? {} : { verification_session: target };
        const expected = [...made]
          .reverse()
          .filter((report) => target === undefined || report.session === target)
          .map((report) => report.id);
        const list = ledger.identity.verificationReports.list as unknown as Lister;
        await walkForward(list, filter, limit, expected);
        await walkBackward(list, filter, limit, expected);
        await checkAutoPaging(list, filter, limit, expected, take);
      }),
      { numRuns: 25 },
    );
  });

  it('refuses both cursors, unknown cursors and cursors of the other mode', async () => {
    const ledger = await newLedger({ simulatedDelayMs: 0 });
    const session = await ledger.identity.verificationSessions.create({ type: 'document' });
    await ledger.testHelpers.identity.verificationSessions.unverify(session.id);
    await ledger.whenIdle();
    await ledger.testHelpers.identity.verificationSessions.verify(session.id);
    await ledger.whenIdle();
    const reports = (await ledger.identity.verificationReports.list()).data;
    expect(reports).toHaveLength(2);
    const reportsApi = ledger.identity.verificationReports;
    expect(await rejectionOf(reportsApi.list({ starting_after: reports[0]!.id, ending_before: reports[1]!.id }))).toMatchObject({
      rawType: 'invalid_request_error',
      code: 'parameters_exclusive',
    });
    expect(await rejectionOf(reportsApi.list({ starting_after: 'vr_000000000000000000000000' }))).toMatchObject({
      code: 'resource_missing',
      param: 'starting_after',
      message: "No such VerificationReport: 'vr_000000000000000000000000'",
    });
    expect(await rejectionOf(reportsApi.list({ starting_after: reports[0]!.id }, { apiKey: 'sk_live_pagination' }))).toMatchObject({
      code: 'resource_missing',
      param: 'starting_after',
    });
    // A session id is not a report cursor.
    expect(await rejectionOf(reportsApi.list({ ending_before: session.id }))).toMatchObject({ code: 'resource_missing', param: 'ending_before' });
  });
});
