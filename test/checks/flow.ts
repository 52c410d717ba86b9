import { createIdentityLedger, mrzCheckDigit, testFile, type IdentityLedger, type IdentityLedgerConfig, type TestFileMarker } from '@idledger/core';

/**
 * Drives a session through the end user's verification flow, as a hosted page would: upload,
 * provide, consent, submit; then waits for the checks and reads the outcome.
 */

/** 2026-11-26T12:00:00Z: the reference date of every check in these specs. */
export const NOW = Date.UTC(2026, 10, 26, 12);

export const JENNY = { first_name: 'Jenny', last_name: 'Rosen', dob: { day: 15, month: 6, year: 1985 } };

export const validDocument = {
  type: 'driving_license',
  issuing_country: 'US',
  live_capture: true,
  ...JENNY,
  number: 'D1234567',
  issued_date: { day: 1, month: 1, year: 2020 },
  expiration_date: { day: 1, month: 1, year: 2035 },
  address: { line1: '1234 Main St.', city: 'San Francisco', state: 'CA', postal_code: '94111', country: 'US' },
  sex: 'female',
};

export const TD3_SPECIMEN = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];

/** The specimen passport as printed, but still valid on NOW (its MRZ says 2012; so no MRZ here unless given). */
export const specimenPassport = {
  type: 'passport',
  issuing_country: 'UTO',
  live_capture: true,
  first_name: 'Anna Maria',
  last_name: 'Eriksson',
  dob: { day: 12, month: 8, year: 1974 },
  number: 'L898902C3',
  expiration_date: { day: 15, month: 4, year: 2012 },
  mrz: TD3_SPECIMEN,
};

const cd = (field: string) => String(mrzCheckDigit(field));

/** A valid TD3 zone for the specimen holder with another number and expiry, every check digit computed. */
export const td3 = (number: string, expiry: string): string[] => {
  const doc = number.padEnd(9, '<');
  const body = `${doc}${cd(doc)}UTO740812${cd('740812')}F${expiry}${cd(expiry)}${'<'.repeat(14)}<`;
  return ['P<UTOERIKSSON<<ANNA<MARIA'.padEnd(44, '<'), body + cd(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43))];
};

/** A valid TD1 zone (identity card) for the specimen holder with another number and expiry. */
export const td1 = (number: string, expiry: string): string[] => {
  const doc = number.padEnd(9, '<');
  const line1 = `I<UTO${doc}${cd(doc)}`.padEnd(30, '<');
  const body = `740812${cd('740812')}F${expiry}${cd(expiry)}UTO${'<'.repeat(11)}`;
  return [line1, body + cd(line1.slice(5, 30) + body.slice(0, 7) + body.slice(8, 15) + body.slice(18, 29)), 'ERIKSSON<<ANNA<MARIA'.padEnd(30, '<')];
};

/** The specimen holder on a passport that is still valid on NOW. */
export const validPassport = { ...specimenPassport, number: 'X12345678', expiration_date: { day: 1, month: 1, year: 2035 }, mrz: td3('X12345678', '350101') };

export interface FlowInput {
  readonly create?: Record<string, unknown>;
  readonly document?: Record<string, unknown> | null;
  readonly frontMarker?: TestFileMarker;
  readonly selfie?: { readonly marker?: TestFileMarker; readonly live_capture?: boolean } | null;
  readonly idNumber?: Record<string, unknown>;
  readonly config?: IdentityLedgerConfig;
}

const open: IdentityLedger[] = [];
export const closeAll = async () => {
  for (const ledger of open.splice(0)) await ledger.close();
};

export const ledgerAt = async (config: IdentityLedgerConfig = {}) => {
  const ledger = await createIdentityLedger({ clock: () => new Date(NOW), ...config });
  open.push(ledger);
  return ledger;
};

/** Runs the flow; resolves to the ledger, the session id, and the session after processing with its report expanded. */
export const runFlow = async (input: FlowInput) => {
  const ledger = await ledgerAt(input.config);
  const session = await ledger.identity.verificationSessions.create(input.create ?? { type: 'document' });
  const secret = session.client_secret!;
  const flow = ledger.endUser.verificationSessions;
  if (input.document !== null) {
    const front = await flow.uploadFile(secret, testFile('image/jpeg', input.frontMarker, `front:${session.id}`), { purpose: 'identity_document' });
    await flow.provideDocument(secret, { ...(input.document ?? validDocument), front: front.id });
  }
  if (input.selfie !== undefined && input.selfie !== null) {
    const image = await flow.uploadFile(secret, testFile('image/png', input.selfie.marker, `selfie:${session.id}`), { purpose: 'selfie' });
    await flow.provideSelfie(secret, { selfie: image.id, live_capture: input.selfie.live_capture ?? true });
  }
  if (input.idNumber !== undefined) await flow.provideIdNumber(secret, input.idNumber);
  await flow.consent(secret, { granted: true });
  await flow.submit(secret);
  await ledger.whenIdle();
  const after = await ledger.identity.verificationSessions.retrieve(session.id, {
    expand: ['last_verification_report', 'verified_outputs', 'verified_outputs.dob', 'verified_outputs.id_number'],
  });
  return { ledger, sessionId: session.id, secret, after, report: after.last_verification_report as unknown as Record<string, any> };
};
