import { checkIdNumber, createIdentityLedger, parseMrz, testFile, type IdentityLedger } from '@idledger/core';
import { assessAttempt, cpfCheckDigits, evolveVerificationSession, initialState, nricCheckLetter, sessionEvent, type VerificationSessionState } from '@idledger/core/domain';
import { openEmbeddedLedger } from '@idledger/store-sqlite';
import { round, summarize, tempDir, type LatencySummary } from './support.js';

/**
 * The checks: throughput of the pure functions (ID-number checks, MRZ parsing, the assessment of
 * a whole attempt), and the latency of a full end-user flow (create, two uploads, document,
 * selfie, ID number, consent, submit, outcome) on the in-memory and the embedded ledger.
 */

export interface PureRun {
  readonly name: string;
  readonly iterations: number;
  readonly opsPerSecond: number;
}

export interface FlowRun {
  readonly name: string;
  readonly flows: number;
  readonly flowsPerSecond: number;
  readonly latency: LatencySummary;
  readonly verified: number;
}

export interface ChecksResult {
  readonly pure: ReadonlyArray<PureRun>;
  readonly flows: ReadonlyArray<FlowRun>;
}

const NOW = Date.UTC(2026, 10, 26);
const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
const DOCUMENT = {
  type: 'driving_license',
  issuing_country: 'US',
  live_capture: true,
  first_name: 'Jenny',
  last_name: 'Rosen',
  dob: { day: 15, month: 6, year: 1985 },
  number: 'D1234567',
  expiration_date: { day: 1, month: 1, year: 2035 },
} as const;

const timed = (name: string, iterations: number, run: (i: number) => unknown): PureRun => {
  let sink = 0;
  for (let i = 0; i < Math.min(1000, iterations); i++) sink ^= run(i) === undefined ? 0 : 1; // warm-up
  const started = performance.now();
  for (let i = 0; i < iterations; i++) sink ^= run(i) === undefined ? 0 : 1;
  const seconds = (performance.now() - started) / 1000;
  if (sink === 2) throw new Error('unreachable: keeps the results alive');
  return { name, iterations, opsPerSecond: round(iterations / seconds, 0) };
};

/** A session state with a document, a selfie and an ID number collected, as the assessment sees it. */
const collectedSession = () => {
  const events = [
    sessionEvent('VerificationSessionCreated', {
      id: 'vs_bench',
      livemode: false,
      type: 'document',
      created: NOW / 1000,
      options: { document: { require_matching_selfie: true, require_id_number: true } },
      provided_details: null,
      provided_identity: null,
      metadata: {},
      client_reference_id: null,
      related_customer: null,
      related_customer_account: null,
      related_person: null,
      return_url: null,
    }),
    sessionEvent('VerificationSessionDocumentProvided', {
      document: { type: 'passport', issuing_country: 'UTO', front: 'file_a', back: null, live_capture: true, fields: { first_name: 'Anna Maria', last_name: 'Eriksson', dob: { day: 12, month: 8, year: 1974 }, number: 'L898902C3', mrz: TD3 } },
      provided_at: NOW / 1000,
    }),
    sessionEvent('VerificationSessionSelfieProvided', { selfie: { selfie: 'file_b', live_capture: true }, provided_at: NOW / 1000 }),
    sessionEvent('VerificationSessionIdNumberProvided', { id_number: { id_number: '529.982.247-25', id_number_type: 'br_cpf' }, provided_at: NOW / 1000 }),
  ];
  const state = events.reduce<VerificationSessionState>(evolveVerificationSession, initialState);
  if (state._tag !== 'Existing') throw new Error('no session');
  return state.session;
};

const runPure = (iterations: number): PureRun[] => {
  const cpfs = Array.from({ length: 1024 }, (_, i) => {
    const base = String(100_000_000 + i * 7919).slice(0, 9);
    return base + cpfCheckDigits(base);
  });
  const nrics = Array.from({ length: 1024 }, (_, i) => {
    const digits = String(1_000_000 + i * 613).slice(0, 7);
    return `S${digits}${nricCheckLetter('S', digits)}`;
  });
  const session = collectedSession();
  const holder = { found: true as const, first_name: 'Anna Maria', last_name: 'Eriksson', dob: { day: 12, month: 8, year: 1974 } };
  return [
    timed('checkIdNumber us_ssn', iterations, (i) => checkIdNumber('us_ssn', `${100 + (i % 600)}-45-6789`)),
    timed('checkIdNumber br_cpf', iterations, (i) => checkIdNumber('br_cpf', cpfs[i % cpfs.length]!)),
    timed('checkIdNumber sg_nric', iterations, (i) => checkIdNumber('sg_nric', nrics[i % nrics.length]!)),
    timed('parseMrz TD3', iterations, () => parseMrz(TD3)),
    timed('assessAttempt (document + MRZ + selfie + CPF)', Math.ceil(iterations / 10), (i) =>
      assessAttempt({
        session,
        answers: { document: { authentic: true }, selfie: 'match', registry: holder },
        policy: { minimumAge: 18, acceptSpecimen: true },
        reportId: `vr_${i}`,
        now: NOW / 1000,
      }),
    ),
  ];
};

/** One end-user flow from create to outcome, as a verification page and its backend would run it. */
const flow = async (ledger: IdentityLedger, i: number): Promise<boolean> => {
  const session = await ledger.identity.verificationSessions.create({ type: 'document', options: { document: { require_matching_selfie: true, require_id_number: true } } });
  const secret = session.client_secret!;
  const user = ledger.endUser.verificationSessions;
  const front = await user.uploadFile(secret, testFile('image/jpeg', undefined, `front ${i}`), { purpose: 'identity_document' });
  const selfie = await user.uploadFile(secret, testFile('image/png', undefined, `selfie ${i}`), { purpose: 'selfie' });
  await user.provideDocument(secret, { ...DOCUMENT, front: front.id });
  await user.provideSelfie(secret, { selfie: selfie.id, live_capture: true });
  await user.provideIdNumber(secret, { id_number: '123-45-6789' });
  await user.consent(secret, { granted: true });
  await user.submit(secret);
  await ledger.whenIdle();
  return (await ledger.identity.verificationSessions.retrieve(session.id)).status === 'verified';
};

const runFlows = async (name: string, ledger: IdentityLedger, flows: number): Promise<FlowRun> => {
  for (let i = 0; i < Math.min(20, flows); i++) await flow(ledger, -1 - i);
  const samples: number[] = [];
  let verified = 0;
  const started = performance.now();
  for (let i = 0; i < flows; i++) {
    const t0 = performance.now();
    if (await flow(ledger, i)) verified += 1;
    samples.push(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  return { name, flows, flowsPerSecond: round(flows / seconds, 1), latency: summarize(samples), verified };
};

export const runChecksBenchmark = async (options: { readonly iterations: number; readonly flows: number }): Promise<ChecksResult> => {
  const pure = runPure(options.iterations);
  const results: FlowRun[] = [];
  const memory = await createIdentityLedger({ apiKey: 'sk_test_bench', clock: () => new Date(NOW) });
  try {
    results.push(await runFlows('in-memory ledger, memory files', memory, options.flows));
  } finally {
    await memory.close();
  }
  const dir = tempDir('checks');
  try {
    const embedded = await openEmbeddedLedger({ file: dir.file('ledger.db'), filesDirectory: dir.file('files'), apiKey: 'sk_test_bench', clock: () => new Date(NOW) });
    try {
      results.push(await runFlows('embedded SQLite ledger, file-system files', embedded, options.flows));
    } finally {
      await embedded.close();
    }
  } finally {
    dir.cleanup();
  }
  return { pure, flows: results };
};
