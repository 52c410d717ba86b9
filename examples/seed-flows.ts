/**
 * The original description's flows, end to end, on a fresh in-memory ledger: onboarding a
 * customer with a document check, a failed attempt and its retry, an ID-number check, a cancel
 * and a redaction; then the sessions, the reports and one audit timeline.
 *
 *   pnpm demo
 */
import { createIdentityLedger } from '@idledger/core';

const stripe = await createIdentityLedger({ apiKey: 'sk_test_demo', simulatedDelayMs: 50 });

const customer = await stripe.customers.create({ email: 'customer@example.com', metadata: { verification_status: 'pending' } });

const onboarding = await stripe.identity.verificationSessions.create({
  type: 'document',
  related_customer: customer.id,
  options: { document: { allowed_types: ['passport', 'driving_license'], require_matching_selfie: true } },
  metadata: { purpose: 'account_onboarding', user_id: 'user_456' },
  return_url: `https://example.com/onboard/complete?customer=${customer.id}`,
});
console.log(`Created ${onboarding.id}; the user is sent to ${onboarding.url}`);

// The first attempt fails (the selfie does not match), the second one passes.
await stripe.testHelpers.identity.verificationSessions.unverify(onboarding.id, { last_error: { code: 'selfie_face_mismatch' } });
await stripe.whenIdle();
const afterFailure = await stripe.identity.verificationSessions.retrieve(onboarding.id);
console.log(`Attempt 1: ${afterFailure.status}, last_error ${afterFailure.last_error?.code}; a fresh url: ${afterFailure.url !== onboarding.url}`);
await stripe.testHelpers.identity.verificationSessions.verify(onboarding.id, { simulate_delay: true });
await stripe.whenIdle();

const verified = await stripe.identity.verificationSessions.retrieve(onboarding.id, { expand: ['verified_outputs'] });
if (verified.status === 'verified' && verified.related_customer) {
  await stripe.customers.update(verified.related_customer, {
    metadata: { verification_status: 'verified', verification_session: verified.id },
  });
}
console.log(`Attempt 2: ${verified.status}: ${verified.verified_outputs?.first_name} ${verified.verified_outputs?.last_name}`);

const idNumber = await stripe.identity.verificationSessions.create({
  type: 'id_number',
  provided_details: { first_name: 'John', last_name: 'Doe', dob: { day: 1, month: 1, year: 1990 }, id_number: '123-45-6789' },
  return_url: 'https://example.com/verify/complete',
});
await stripe.testHelpers.identity.verificationSessions.submit(idNumber.id);
await stripe.whenIdle();

const abandoned = await stripe.identity.verificationSessions.create({ type: 'document' });
await stripe.identity.verificationSessions.cancel(abandoned.id);

await stripe.identity.verificationSessions.redact(verified.id);
await stripe.whenIdle();

console.log('\nSessions, newest first');
for await (const session of stripe.identity.verificationSessions.list({ limit: 2 })) {
  const redaction = session.redaction ? ` (redaction: ${session.redaction.status})` : '';
  console.log(`  ${session.id}  ${session.type.padEnd(9)} ${session.status.padEnd(14)}${redaction}`);
}

console.log('\nReports');
for await (const report of stripe.identity.verificationReports.list()) {
  const checks = (['document', 'selfie', 'id_number'] as const)
    .filter((check) => report[check] !== undefined)
    .map((check) => `${check}=${report[check]!.status}${report[check]!.error?.code ? `(${report[check]!.error!.code})` : ''}`);
  console.log(`  ${report.id}  for ${report.verification_session}  ${checks.join(' ')}`);
}

console.log(`\nAudit timeline of ${verified.id}`);
for (const entry of await stripe.audit(verified.id)) {
  const actor = entry.actor.type === 'api_key' ? entry.actor.key : entry.actor.type === 'system' ? `system:${entry.actor.component}` : `end user`;
  console.log(
    `  #${entry.revision} ${entry.occurred_at.toISOString()}  ${entry.type.padEnd(40)} ${String(entry.status_before ?? '-').padEnd(14)} → ${entry.status_after.padEnd(14)} by ${actor}`,
  );
}

await stripe.close();
