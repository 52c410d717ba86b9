import { createIdentityLedger, testFile } from '@idledger/core';

const identity = await createIdentityLedger({ apiKey: 'sk_test_local' });

// Your backend creates the session and hands its client_secret to the user's browser or app.
const session = await identity.identity.verificationSessions.create({
  type: 'document',
  options: { document: { require_matching_selfie: true, require_id_number: true } },
});
const secret = session.client_secret!;

// The verification page, on the user's side, uses nothing but that secret.
const flow = identity.endUser.verificationSessions;
const front = await flow.uploadFile(secret, testFile('image/jpeg'), { purpose: 'identity_document' });
const selfie = await flow.uploadFile(secret, testFile('image/png', 'selfie_mismatch'), { purpose: 'selfie' });
await flow.provideDocument(secret, {
  type: 'driving_license',
  issuing_country: 'US',
  front: front.id,
  live_capture: true,
  first_name: 'Jenny',
  last_name: 'Rosen',
  dob: { day: 15, month: 6, year: 1985 },
  number: 'D1234567',
  expiration_date: { day: 1, month: 1, year: 2035 },
});
await flow.provideSelfie(secret, { selfie: selfie.id, live_capture: true });
await flow.provideIdNumber(secret, { id_number: '123-45-6789' });
await flow.consent(secret, { granted: true });
await flow.submit(secret);

// The checks run in the background; the outcome is on the session and its report.
await identity.whenIdle();
const after = await identity.identity.verificationSessions.retrieve(session.id, { expand: ['last_verification_report'] });
console.log(after.status, after.last_error?.code); // requires_input selfie_face_mismatch
await identity.close();
