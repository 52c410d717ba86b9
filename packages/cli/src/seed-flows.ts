import type { IdentityLedger } from '@idledger/core';

/**
 * The original description's flows, end to end: a customer onboarded with a document check that
 * fails once and then passes, an ID-number check, an abandoned session canceled, and the
 * verified session redacted. Returns what it created, and narrates each step.
 */
export interface SeedFlowsResult {
  readonly customerId: string;
  readonly sessionIds: ReadonlyArray<string>;
  readonly redactedSessionId: string;
}

export const runSeedFlows = async (stripe: IdentityLedger, narrate: (line: string) => void): Promise<SeedFlowsResult> => {
  const customer = await stripe.customers.create({ email: 'customer@example.com', metadata: { verification_status: 'pending' } });
  narrate(`Customer ${customer.id} created, verification pending.`);

  const onboarding = await stripe.identity.verificationSessions.create({
    type: 'document',
    related_customer: customer.id,
    options: { document: { allowed_types: ['passport', 'driving_license'], require_matching_selfie: true } },
    metadata: { purpose: 'account_onboarding', user_id: 'user_456' },
    return_url: `https://example.com/onboard/complete?customer=${customer.id}`,
  });
  narrate(`Session ${onboarding.id} created (${onboarding.status}); the user is sent to its url.`);

  await stripe.testHelpers.identity.verificationSessions.unverify(onboarding.id, { last_error: { code: 'selfie_face_mismatch' } });
  await stripe.whenIdle();
  const afterFailure = await stripe.identity.verificationSessions.retrieve(onboarding.id);
  narrate(`Attempt 1: ${afterFailure.status}, last_error ${afterFailure.last_error?.code}; a fresh url was minted for the retry.`);

  await stripe.testHelpers.identity.verificationSessions.verify(onboarding.id, { simulate_delay: true });
  narrate('Attempt 2 submitted; processing…');
  await stripe.whenIdle();
  const verified = await stripe.identity.verificationSessions.retrieve(onboarding.id, { expand: ['verified_outputs'] });
  if (verified.status === 'verified' && verified.related_customer) {
    await stripe.customers.update(verified.related_customer, {
      metadata: { verification_status: 'verified', verification_session: verified.id },
    });
  }
  narrate(`Attempt 2: ${verified.status} (${verified.verified_outputs?.first_name} ${verified.verified_outputs?.last_name}); customer updated.`);

  const idNumber = await stripe.identity.verificationSessions.create({
    type: 'id_number',
    provided_details: { first_name: 'John', last_name: 'Doe', dob: { day: 1, month: 1, year: 1990 }, id_number: '123-45-6789' },
    return_url: 'https://example.com/verify/complete',
  });
  await stripe.testHelpers.identity.verificationSessions.submit(idNumber.id);
  await stripe.whenIdle();
  narrate(`ID-number session ${idNumber.id}: ${(await stripe.identity.verificationSessions.retrieve(idNumber.id)).status}.`);

  const abandoned = await stripe.identity.verificationSessions.create({ type: 'document' });
  await stripe.identity.verificationSessions.cancel(abandoned.id);
  narrate(`Session ${abandoned.id} canceled.`);

  await stripe.identity.verificationSessions.redact(verified.id);
  await stripe.whenIdle();
  narrate(`Session ${verified.id} redacted (GDPR request).`);

  return { customerId: customer.id, sessionIds: [onboarding.id, idNumber.id, abandoned.id], redactedSessionId: verified.id };
};
