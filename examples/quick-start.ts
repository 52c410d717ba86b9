import { createIdentityLedger } from '@idledger/core';

const identity = await createIdentityLedger({ apiKey: 'sk_test_local' });
// In place of: const stripe = new Stripe('sk_test_…'); use identity where you used stripe.

const session = await identity.identity.verificationSessions.create(
  {
    type: 'document',
    options: { document: { allowed_types: ['passport', 'driving_license'], require_matching_selfie: true } },
    metadata: { user_id: 'user_456' },
    return_url: 'https://example.com/verify/return',
  },
  { idempotencyKey: 'verify-user_456' },
);
// session.status === 'requires_input'; send the user to session.url

// Test mode: drive the outcome the hosted page's test screen would choose.
await identity.testHelpers.identity.verificationSessions.verify(session.id);
await identity.whenIdle();

const verified = await identity.identity.verificationSessions.retrieve(session.id, {
  expand: ['verified_outputs'], // without it, verified_outputs is absent, as on Stripe
});
console.log(verified.status, verified.verified_outputs?.first_name);

for await (const s of identity.identity.verificationSessions.list({ status: 'verified' })) console.log(s.id);
console.log(await identity.audit(session.id)); // every event: actor, request id, status before → after

await identity.close();
