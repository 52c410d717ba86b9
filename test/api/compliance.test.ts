import { describe, expect, it } from 'vitest';
import { manualClock, newLedger, readLog, registerCleanup, rejectionOf } from './support.js';

registerCleanup();

/** Legal holds and retention: opt-in rules on top of Stripe's redaction, every decision an event. */

const DAY = 86_400;

const verifiedSession = async (ledger: Awaited<ReturnType<typeof newLedger>>, params: Record<string, unknown> = {}) => {
  const session = await ledger.identity.verificationSessions.create({ type: 'document', ...params });
  await ledger.testHelpers.identity.verificationSessions.verify(session.id);
  await ledger.whenIdle();
  return session;
};

const refusals = async (ledger: Awaited<ReturnType<typeof newLedger>>) =>
  (await readLog(ledger.store)).filter((event) => event.type === 'RedactionRefused').map((event) => event.data as { refusal: string; hold_ids: Array<string>; retained_until: number | null });

describe('legal holds', () => {
  it('refuse the redaction of a held session, record the refusal, and stop once lifted', async () => {
    const ledger = await newLedger({ simulatedDelayMs: 0 });
    const session = await verifiedSession(ledger);
    const hold = await ledger.compliance.legalHolds.place(session.id, { reference: 'case-2026-17', reason: 'subpoena' });
    expect(hold).toMatchObject({ object: 'legal_hold', subject: session.id, reference: 'case-2026-17' });
    expect(hold.id).toMatch(/^lh_/);

    expect(await rejectionOf(ledger.identity.verificationSessions.redact(session.id))).toMatchObject({ rawType: 'invalid_request_error', code: 'session_under_legal_hold' });
    expect((await ledger.identity.verificationSessions.retrieve(session.id)).redaction).toBeNull();
    expect(await refusals(ledger)).toEqual([expect.objectContaining({ refusal: 'legal_hold', hold_ids: [hold.id] })]);

    await ledger.compliance.legalHolds.lift(session.id, hold.id, { reason: 'case closed' });
    expect(await ledger.compliance.legalHolds.list(session.id)).toEqual([]);
    await ledger.identity.verificationSessions.redact(session.id);
    await ledger.whenIdle();
    expect((await ledger.identity.verificationSessions.retrieve(session.id)).redaction).toEqual({ status: 'redacted' });
  });

  it('placed twice under one idempotency key, is one hold', async () => {
    const ledger = await newLedger({ simulatedDelayMs: 0 });
    const session = await verifiedSession(ledger);
    const first = await ledger.compliance.legalHolds.place(session.id, { reference: 'r', reason: 'x' }, { idempotencyKey: 'hold-once' });
    const again = await ledger.compliance.legalHolds.place(session.id, { reference: 'r', reason: 'x' }, { idempotencyKey: 'hold-once' });
    expect(again.id).toBe(first.id);
    expect(await ledger.compliance.legalHolds.list(session.id)).toHaveLength(1);
  });

  it('on a customer hold every session related to it', async () => {
    const ledger = await newLedger({ simulatedDelayMs: 0 });
    const customer = await ledger.customers.create({ email: 'ada@example.com' });
    const session = await verifiedSession(ledger, { related_customer: customer.id });
    const other = await verifiedSession(ledger);
    await ledger.compliance.legalHolds.place(customer.id, { reference: 'sar-99', reason: 'suspicious activity report' });
    expect(await rejectionOf(ledger.identity.verificationSessions.redact(session.id))).toMatchObject({ code: 'session_under_legal_hold' });
    await ledger.identity.verificationSessions.redact(other.id);
  });

  it('refuse bad input with the param named, and append nothing', async () => {
    const ledger = await newLedger({ simulatedDelayMs: 0 });
    const session = await verifiedSession(ledger);
    const before = (await readLog(ledger.store)).length;
    expect(await rejectionOf(ledger.compliance.legalHolds.place(session.id, { reason: 'x' }))).toMatchObject({ code: 'parameter_missing', param: 'reference' });
    expect(await rejectionOf(ledger.compliance.legalHolds.place(session.id, { reference: 'r', reason: 'x', extra: 1 }))).toMatchObject({ code: 'parameter_unknown', param: 'extra' });
    expect(await rejectionOf(ledger.compliance.legalHolds.place('vr_123', { reference: 'r', reason: 'x' }))).toMatchObject({ code: 'invalid_value', param: 'subject' });
    expect(await rejectionOf(ledger.compliance.legalHolds.place('vs_missing', { reference: 'r', reason: 'x' }))).toMatchObject({ code: 'resource_missing' });
    expect(await rejectionOf(ledger.compliance.legalHolds.lift(session.id, 'lh_nothing', { reason: 'x' }))).toMatchObject({ code: 'legal_hold_missing', param: 'hold' });
    expect(await rejectionOf(ledger.compliance.legalHolds.place(42, { reference: 'r', reason: 'x' }))).toMatchObject({ code: 'invalid_value', param: 'subject' });
    expect(await rejectionOf(ledger.compliance.legalHolds.lift(session.id, '', { reason: 'x' }))).toMatchObject({ param: 'hold' });
    expect((await readLog(ledger.store)).length).toBe(before);
  });

  it('stay hidden from the other mode: redacting a held live session with a test key is resource_missing, and nothing is recorded', async () => {
    const ledger = await newLedger({ simulatedDelayMs: 0 });
    const live = { apiKey: 'sk_live_compliance' };
    const session = await ledger.identity.verificationSessions.create({ type: 'document' }, live);
    await ledger.compliance.legalHolds.place(session.id, { reference: 'case-live', reason: 'subpoena' }, live);
    const before = (await readLog(ledger.store)).length;
    expect(await rejectionOf(ledger.identity.verificationSessions.redact(session.id))).toMatchObject({ code: 'resource_missing' });
    expect((await readLog(ledger.store)).length).toBe(before);
    expect(await refusals(ledger)).toEqual([]);
  });
});

describe('a hold placed while a redaction is pending', () => {
  it('stops the erasure until it is lifted: files and key stay, the redaction completes afterwards', async () => {
    const errors: Array<unknown> = [];
    const ledger = await newLedger({ simulatedDelayMs: 0, redactionDelayMs: 50, verifierRetryInitialDelayMs: 20, verifierRetryMaxDelayMs: 40, onBackgroundError: (error) => errors.push(error) });
    const session = await verifiedSession(ledger);
    await ledger.identity.verificationSessions.redact(session.id);
    const hold = await ledger.compliance.legalHolds.place(session.id, { reference: 'late-hold', reason: 'subpoena arrived' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await ledger.identity.verificationSessions.retrieve(session.id)).redaction).toEqual({ status: 'processing' });
    expect((await readLog(ledger.store)).some((event) => event.type === 'VerificationSessionRedacted')).toBe(false);
    expect(errors).toContainEqual(expect.objectContaining({ code: 'session_under_legal_hold' }));

    await ledger.compliance.legalHolds.lift(session.id, hold.id, { reason: 'released' });
    for (let waited = 0; waited < 3000; waited += 50) {
      if ((await ledger.identity.verificationSessions.retrieve(session.id)).redaction?.status === 'redacted') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await ledger.identity.verificationSessions.retrieve(session.id)).redaction).toEqual({ status: 'redacted' });
  });
});

describe('retention', () => {
  const policy = { id: 'aml-5y', periodDays: 5 * 365 };

  it('keeps an ended record for the period, then lets it be redacted', async () => {
    const clock = manualClock();
    const ledger = await newLedger({ simulatedDelayMs: 0, clock: clock.clock, retention: policy });
    const session = await verifiedSession(ledger);
    const endedAt = clock.seconds();
    clock.advance(30 * DAY);
    const refused = await rejectionOf(ledger.identity.verificationSessions.redact(session.id));
    expect(refused).toMatchObject({ code: 'session_under_retention' });
    expect(refused.message).toContain(new Date((endedAt + policy.periodDays * DAY) * 1000).toISOString());
    expect(await refusals(ledger)).toEqual([expect.objectContaining({ refusal: 'retention', retained_until: endedAt + policy.periodDays * DAY })]);

    clock.advance(policy.periodDays * DAY);
    await ledger.identity.verificationSessions.redact(session.id);
    await ledger.whenIdle();
    expect((await ledger.identity.verificationSessions.retrieve(session.id)).redaction).toEqual({ status: 'redacted' });
  });

  it('does not apply to a session no check ran on, and gives way when erasure is set to win', async () => {
    const ledger = await newLedger({ simulatedDelayMs: 0, retention: policy });
    const untouched = await ledger.identity.verificationSessions.create({ type: 'document' });
    await ledger.identity.verificationSessions.redact(untouched.id);
    const erasing = await newLedger({ simulatedDelayMs: 0, retention: { ...policy, erasureWins: true } });
    await erasing.identity.verificationSessions.redact((await verifiedSession(erasing)).id);
  });

  it('sweep redacts what expired, keeps what is retained or held', async () => {
    const clock = manualClock();
    const ledger = await newLedger({ simulatedDelayMs: 0, clock: clock.clock, retention: { id: 'short', periodDays: 10 } });
    const expired = await verifiedSession(ledger);
    const held = await verifiedSession(ledger);
    await ledger.compliance.legalHolds.place(held.id, { reference: 'case-1', reason: 'litigation' });
    clock.advance(11 * DAY);
    const recent = await verifiedSession(ledger);
    const result = await ledger.compliance.retention.sweep();
    expect(result).toEqual({ redacted: [expired.id], retained: 1, held: 1 });
    await ledger.whenIdle();
    expect((await ledger.identity.verificationSessions.retrieve(expired.id)).redaction).toEqual({ status: 'redacted' });
    expect((await ledger.identity.verificationSessions.retrieve(recent.id)).redaction).toBeNull();
    const requested = (await readLog(ledger.store)).find((event) => event.type === 'VerificationSessionRedactionRequested');
    expect(requested?.data).toMatchObject({ reason: 'retention expired: short' });
    expect(requested?.metadata).toMatchObject({ actor: { type: 'system', component: 'retention' } });
  });

  it('is checked in the configuration', async () => {
    await expect(newLedger({ retention: { id: 'x', periodDays: 0 } })).rejects.toMatchObject({ code: 'invalid_config' });
  });
});
