import {
  createIdentityLedger,
  createMemoryEventStore,
  createMemoryFileStore,
  testFile,
  type FaceMatchOutcome,
  type IdentityLedger,
  type IdentityLedgerConfig,
  type ProviderFailure,
  type Providers,
} from '@idledger/core';
import { createTestModeProviders } from '@idledger/core/ledger';
import { keysOf } from '@idledger/core/testing';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, NOW, runFlow, validDocument } from './flow.js';

/** Provider failures keep a session processing and are retried; a crash never costs or doubles an outcome. */

afterEach(closeAll);

const withSelfie = { type: 'document', options: { document: { require_matching_selfie: true } } };

/** The test-mode providers with a face matcher under the test's control. */
const controlledProviders = (match: () => Promise<E.Either<ProviderFailure, FaceMatchOutcome>>): Providers => ({
  ...createTestModeProviders(),
  faceMatcher: { match: () => match },
});

describe('provider failures', () => {
  it('retries a failing provider with backoff, reporting each failure, and never verifies by failing', async () => {
    let failures = 2;
    const errors: unknown[] = [];
    const { after, ledger, sessionId } = await runFlow({
      create: withSelfie,
      selfie: {},
      config: {
        verifierRetryInitialDelayMs: 1,
        onBackgroundError: (error) => errors.push(error),
        providers: {
          test: controlledProviders(async () =>
            failures-- > 0 ? E.left({ _tag: 'ProviderUnavailable', provider: 'face_matcher', reason: 'down' }) : E.right('match'),
          ),
        },
      },
    });
    expect(errors).toEqual([
      { _tag: 'ProviderUnavailable', provider: 'face_matcher', reason: 'down' },
      { _tag: 'ProviderUnavailable', provider: 'face_matcher', reason: 'down' },
    ]);
    expect(after.status).toBe('verified');
    expect((await ledger.identity.verificationReports.list({ verification_session: sessionId })).data).toHaveLength(1);
  });

  it('gives up on a provider call after the timeout and keeps the session processing meanwhile', async () => {
    let answer: 'never' | 'match' = 'never';
    const errors: unknown[] = [];
    const ledger = await createIdentityLedger({
      clock: () => new Date(NOW),
      verifierRetryInitialDelayMs: 5,
      verifierRetryMaxDelayMs: 5,
      checks: { providerTimeoutMs: 10 },
      onBackgroundError: (error) => errors.push(error),
      providers: { test: controlledProviders(() => (answer === 'never' ? new Promise(() => undefined) : Promise.resolve(E.right('match')))) },
    });
    try {
      const session = await ledger.identity.verificationSessions.create(withSelfie);
      const flow = ledger.endUser.verificationSessions;
      const secret = session.client_secret!;
      const front = await flow.uploadFile(secret, testFile('image/jpeg', undefined, 'timeout'), { purpose: 'identity_document' });
      const selfie = await flow.uploadFile(secret, testFile('image/png', undefined, 'timeout'), { purpose: 'selfie' });
      await flow.provideDocument(secret, { ...validDocument, front: front.id });
      await flow.provideSelfie(secret, { selfie: selfie.id, live_capture: true });
      await flow.consent(secret, { granted: true });
      await flow.submit(secret);
      while (errors.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(errors[0]).toMatchObject({ _tag: 'ProviderTimeout', provider: 'face_matcher' });
      expect((await ledger.identity.verificationSessions.retrieve(session.id)).status).toBe('processing');
      answer = 'match';
      await ledger.whenIdle();
      expect((await ledger.identity.verificationSessions.retrieve(session.id)).status).toBe('verified');
    } finally {
      await ledger.close();
    }
  });

  it('the test input provider_flaky fails the first call, then verifies', async () => {
    const errors: unknown[] = [];
    const { after } = await runFlow({ frontMarker: 'provider_flaky', config: { verifierRetryInitialDelayMs: 1, onBackgroundError: (error) => errors.push(error) } });
    expect(errors).toMatchObject([{ _tag: 'ProviderUnavailable', provider: 'document_inspector' }]);
    expect(after.status).toBe('verified');
  });

  it('live mode has no built-in providers: the submission waits in processing and says why', async () => {
    const errors: unknown[] = [];
    const ledger = await createIdentityLedger({
      apiKey: 'sk_live_checks',
      clock: () => new Date(NOW),
      verifierRetryInitialDelayMs: 1_000,
      onBackgroundError: (error) => errors.push(error),
    });
    try {
      const session = await ledger.identity.verificationSessions.create({ type: 'document' });
      const flow = ledger.endUser.verificationSessions;
      const secret = session.client_secret!;
      const front = await flow.uploadFile(secret, testFile('image/jpeg', undefined, 'live'), { purpose: 'identity_document' });
      await flow.provideDocument(secret, { ...validDocument, front: front.id });
      await flow.consent(secret, { granted: true });
      await flow.submit(secret);
      while (errors.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      expect(errors[0]).toMatchObject({ _tag: 'ProviderUnavailable', provider: 'document_inspector' });
      expect((await ledger.identity.verificationSessions.retrieve(session.id)).status).toBe('processing');
    } finally {
      await ledger.close();
    }
  });
});

describe('crash and resume', () => {
  /**
   * Property: whatever moment the processing ledgers stop at, and however many of them process
   * the same log at once, the submission ends with exactly one outcome and one report once a
   * ledger runs to the end.
   */
  it('a submission found in processing is checked again after a crash, and never gets a second report', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), async (crashAfterCalls, processors, failing) => {
        const store = createMemoryEventStore();
        const fileStore = createMemoryFileStore();
        let calls = 0;
        let crash: () => void = () => undefined;
        const crashed = new Promise<void>((resolve) => (crash = resolve));
        const providers = controlledProviders(async () => {
          calls += 1;
          if (calls === crashAfterCalls) crash();
          await new Promise((resolve) => setTimeout(resolve, 1));
          return E.right<ProviderFailure, FaceMatchOutcome>(failing ? 'mismatch' : 'match');
        });
        const config: IdentityLedgerConfig = { store, keyStore: keysOf(store), fileStore, clock: () => new Date(NOW), tokenKey: 'k', verifierRetryInitialDelayMs: 1, providers: { test: providers } };

        const first = await createIdentityLedger(config);
        const session = await first.identity.verificationSessions.create(withSelfie);
        const secret = session.client_secret!;
        const flow = first.endUser.verificationSessions;
        const front = await flow.uploadFile(secret, testFile('image/jpeg', undefined, 'crash'), { purpose: 'identity_document' });
        const selfie = await flow.uploadFile(secret, testFile('image/png', undefined, 'crash'), { purpose: 'selfie' });
        await flow.provideDocument(secret, { ...validDocument, front: front.id });
        await flow.provideSelfie(secret, { selfie: selfie.id, live_capture: true });
        await flow.consent(secret, { granted: true });
        const others: IdentityLedger[] = [];
        for (let index = 1; index < processors; index++) others.push(await createIdentityLedger(config));
        await flow.submit(secret);
        // Crash: stop every processing ledger at the chosen provider call (or at once).
        await Promise.race([crashed, new Promise((resolve) => setTimeout(resolve, crashAfterCalls === 0 ? 0 : 50))]);
        await Promise.all([first, ...others].map((ledger) => ledger.close()));

        const resumed = await createIdentityLedger(config);
        try {
          await resumed.whenIdle();
          const after = await resumed.identity.verificationSessions.retrieve(session.id);
          expect(after.status).toBe(failing ? 'requires_input' : 'verified');
          const reports = await resumed.identity.verificationReports.list({ verification_session: session.id });
          expect(reports.data).toHaveLength(1);
          const outcomes = (await resumed.audit(session.id)).filter(({ type }) => type === 'VerificationSessionVerified' || type === 'VerificationSessionChecksFailed');
          expect(outcomes).toHaveLength(1);
        } finally {
          await resumed.close();
        }
      }),
      { numRuns: 25 },
    );
  });
});
