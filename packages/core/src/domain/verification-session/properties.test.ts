import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { IdentityError } from '../errors.js';
import { fold } from '../shared/decider.js';
import { LAST_ERROR_REASONS } from '../shared/error-reasons.js';
import type { Report } from '../shared/report.js';
import { DOCUMENT_TYPES, LAST_ERROR_CODES, type DocumentOptions, type LastError, type VerifiedOutputs } from '../shared/values.js';
import type { CreateSessionInput, SessionChanges, VerificationOutcome, VerificationSessionCommand } from './commands.js';
import { decide } from './decide.js';
import { verificationSessionDecider } from './decider.js';
import { decodeVerificationSessionEvent, type TestOutcome, type VerificationSessionEvent } from './events.js';
import { missingInputs } from './end-user.js';
import { evolve } from './evolve.js';
import type { ProvidedDocument, ProvidedIdNumber, ProvidedSelfie } from '../shared/end-user-inputs.js';
import { initialState, type SessionData, type VerificationSessionState } from './state.js';

// Random command sequences against one session: accepted decisions are folded in, refused ones are not.

const SESSION_ID = 'vs_prop';
const T0 = 1_700_000_000;

// ---------------------------------------------------------------------------------------------
// Personal data is planted as `PII-<kind>-<n>`; nothing that redaction keeps by design (country,
// client_reference_id, error reasons, file ids) ever carries the prefix.

const pii = (kind: string) => fc.nat({ max: 99_999 }).map((n) => `PII-${kind}-${n}`);
const orNull = <A>(arb: fc.Arbitrary<A>) => fc.option(arb, { nil: null });
const some = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }) => fc.record(model, { requiredKeys: [] }) as fc.Arbitrary<Partial<T>>;

const dateParts = fc.record({ day: fc.integer({ min: 1, max: 28 }), month: fc.integer({ min: 1, max: 12 }), year: fc.integer({ min: 1900, max: 2030 }) });
const address = fc.record({
  city: orNull(pii('city')),
  country: orNull(fc.constantFrom('US', 'BR', 'SG')),
  line1: orNull(pii('line1')),
  line2: orNull(pii('line2')),
  postal_code: orNull(pii('postal')),
  state: orNull(pii('state')),
});
const documentOptions: fc.Arbitrary<DocumentOptions> = some<Required<DocumentOptions>>({
  allowed_types: fc.subarray([...DOCUMENT_TYPES]),
  require_id_number: fc.boolean(),
  require_live_capture: fc.boolean(),
  require_matching_selfie: fc.boolean(),
});
const sessionType = fc.constantFrom('document' as const, 'id_number' as const);
const contact = some({ email: pii('email'), phone: pii('phone') });
const identity = some({
  first_name: pii('first'),
  last_name: pii('last'),
  dob: dateParts,
  id_number: pii('idnum'),
  id_number_type: fc.constantFrom('br_cpf' as const, 'sg_nric' as const, 'us_ssn' as const),
});
const metadataKey = fc.constantFrom('user_id', 'note', 'ref');
const metadata = fc.dictionary(metadataKey, pii('meta'), { maxKeys: 3 });
const metadataUpdate = fc.oneof(fc.constant(null), fc.dictionary(metadataKey, orNull(pii('meta')), { maxKeys: 3 }));
const lastError: fc.Arbitrary<LastError> = fc.constantFrom(...LAST_ERROR_CODES).map((code) => ({ code, reason: LAST_ERROR_REASONS[code] }));
const checkStatus = fc.constantFrom('verified' as const, 'unverified' as const);
const checkError = orNull(fc.constantFrom('document_expired', 'id_number_mismatch').map((code) => ({ code, reason: 'generic reason' })));

const report: fc.Arbitrary<Report> = fc.record(
  {
    id: fc.nat({ max: 999 }).map((n) => `vr_${n}`),
    created: fc.integer({ min: T0, max: T0 + 10_000 }),
    type: sessionType,
    options: some({ document: documentOptions, id_number: fc.constant({}) }),
    document: fc.record({
      status: checkStatus,
      error: checkError,
      address: orNull(address),
      dob: orNull(dateParts),
      expiration_date: orNull(dateParts),
      issued_date: orNull(dateParts),
      files: orNull(fc.subarray(['file_front', 'file_back'])),
      first_name: orNull(pii('docfirst')),
      last_name: orNull(pii('doclast')),
      issuing_country: orNull(fc.constantFrom('US', 'BR')),
      number: orNull(pii('docnum')),
      sex: orNull(fc.constantFrom('female', 'male', 'unknown')),
      type: orNull(fc.constantFrom(...DOCUMENT_TYPES)),
      unparsed_place_of_birth: orNull(pii('pob')),
      unparsed_sex: orNull(pii('usex')),
    }),
    id_number: fc.record({
      status: checkStatus,
      error: checkError,
      dob: orNull(dateParts),
      first_name: orNull(pii('idfirst')),
      last_name: orNull(pii('idlast')),
      id_number: orNull(pii('idnum')),
      id_number_type: orNull(fc.constantFrom('br_cpf' as const, 'sg_nric' as const, 'us_ssn' as const)),
    }),
    selfie: fc.record({ status: checkStatus, error: checkError, document: orNull(fc.constant('file_front')), selfie: orNull(fc.constant('file_selfie')) }),
  },
  { requiredKeys: ['id', 'created', 'type', 'options'] },
);

const verifiedOutputs: fc.Arbitrary<VerifiedOutputs> = fc.record({
  address: orNull(address),
  dob: orNull(dateParts),
  email: orNull(pii('outemail')),
  first_name: orNull(pii('outfirst')),
  last_name: orNull(pii('outlast')),
  id_number: orNull(pii('outidnum')),
  id_number_type: orNull(fc.constantFrom('br_cpf' as const, 'sg_nric' as const, 'us_ssn' as const)),
  phone: orNull(pii('outphone')),
  sex: orNull(fc.constantFrom('female' as const, 'male' as const, 'unknown' as const)),
  unparsed_place_of_birth: orNull(pii('outpob')),
  unparsed_sex: orNull(pii('outusex')),
});

/** Document options on an id_number session are refused; that case stays rare so most sequences get a session. */
const typeAndOptions = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('document' as const), options: some({ document: documentOptions, id_number: fc.constant({}) }) }), weight: 5 },
  { arbitrary: fc.record({ type: fc.constant('id_number' as const), options: some({ id_number: fc.constant({}) }) }), weight: 4 },
  { arbitrary: fc.record({ type: fc.constant('id_number' as const), options: fc.record({ document: documentOptions }) }), weight: 1 },
);
const createInput: fc.Arbitrary<CreateSessionInput> = fc
  .record({
    typeAndOptions,
    provided_details: orNull(contact),
    provided_identity: orNull(identity),
    metadata,
    client_reference_id: orNull(fc.constantFrom('ref_a', 'ref_b')),
    related_customer: orNull(fc.constant('cus_1')),
    related_customer_account: orNull(fc.constant('acct_1')),
    related_person: orNull(fc.constant({ account: 'acct_1', person: 'person_1' })),
    return_url: orNull(fc.constant('https://example.com/return')),
  })
  .map(({ typeAndOptions: { type, options }, ...rest }) => ({ type, options, ...rest }));

const changes: fc.Arbitrary<SessionChanges> = some({
  type: sessionType,
  documentOptions: orNull(documentOptions),
  providedDetails: contact,
  providedIdentity: identity,
  metadata: metadataUpdate,
});

const testOutcome: fc.Arbitrary<TestOutcome> = fc.oneof(
  fc.constant({ kind: 'verified' as const }),
  lastError.map((last_error) => ({ kind: 'unverified' as const, last_error })),
);
const outcome: fc.Arbitrary<VerificationOutcome> = fc.oneof(
  fc.record({ kind: fc.constant('verified' as const), report, verifiedOutputs }),
  fc.record({ kind: fc.constant('unverified' as const), report, lastError }),
);

/** A command without its address; `otherMode` sends a caller command from the session's other mode. */
type Step =
  | { readonly kind: 'create'; readonly input: CreateSessionInput; readonly livemode: boolean }
  | { readonly kind: 'update'; readonly changes: SessionChanges; readonly otherMode: boolean }
  | { readonly kind: 'submit'; readonly testOutcome?: TestOutcome; readonly simulateDelay?: boolean; readonly otherMode: boolean }
  | { readonly kind: 'outcome'; readonly attemptDelta: number; readonly outcome: VerificationOutcome }
  | { readonly kind: 'userFailure'; readonly lastError: LastError; readonly otherMode: boolean }
  | { readonly kind: 'cancel'; readonly otherMode: boolean }
  | { readonly kind: 'redact'; readonly reason?: string; readonly otherMode: boolean }
  | { readonly kind: 'completeRedaction' }
  /** End-user commands; `staleSecret` presents the secret of the generation before the current one. */
  | { readonly kind: 'endUser'; readonly input: EndUserInput; readonly staleSecret: boolean };

type EndUserInput =
  | { readonly type: 'ProvideDocument'; readonly document: ProvidedDocument }
  | { readonly type: 'ProvideSelfie'; readonly selfie: ProvidedSelfie }
  | { readonly type: 'ProvideIdNumber'; readonly idNumber: ProvidedIdNumber }
  | { readonly type: 'RecordConsent'; readonly granted: boolean }
  | { readonly type: 'SubmitCollectedInputs' }
  | { readonly type: 'RecordFileUpload'; readonly file: string; readonly purpose: 'identity_document' | 'selfie' };

const providedDocument: fc.Arbitrary<ProvidedDocument> = fc.record({
  type: fc.constantFrom(...DOCUMENT_TYPES),
  issuing_country: fc.constantFrom('US', 'BR'),
  front: fc.constant('file_front'),
  back: orNull(fc.constant('file_back')),
  live_capture: fc.boolean(),
  fields: some({ first_name: pii('docfirst'), last_name: pii('doclast'), dob: dateParts, number: pii('docnum'), mrz: fc.constant(['PII-mrz-1']) }),
});
const endUserInput: fc.Arbitrary<EndUserInput> = fc.oneof(
  providedDocument.map((document) => ({ type: 'ProvideDocument' as const, document })),
  fc.boolean().map((live_capture) => ({ type: 'ProvideSelfie' as const, selfie: { selfie: 'file_selfie', live_capture } })),
  pii('idnum').map((id_number) => ({ type: 'ProvideIdNumber' as const, idNumber: { id_number, id_number_type: 'us_ssn' as const } })),
  fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }).map((granted) => ({ type: 'RecordConsent' as const, granted })),
  fc.constant({ type: 'SubmitCollectedInputs' as const }),
  fc.constantFrom('identity_document' as const, 'selfie' as const).map((purpose) => ({ type: 'RecordFileUpload' as const, file: 'file_upload', purpose })),
);

const otherMode = fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 });
const createStep = fc.record({ kind: fc.constant('create' as const), input: createInput, livemode: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }) });
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: createStep, weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('update' as const), changes, otherMode }), weight: 4 },
  {
    arbitrary: fc.record(
      { kind: fc.constant('submit' as const), testOutcome, simulateDelay: fc.boolean(), otherMode },
      { requiredKeys: ['kind', 'otherMode'] },
    ),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('outcome' as const), attemptDelta: fc.constantFrom(0, 0, 0, 0, -1, 1), outcome }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('userFailure' as const), lastError, otherMode }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('cancel' as const), otherMode }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('redact' as const), reason: fc.constant('erasure request'), otherMode }, { requiredKeys: ['kind', 'otherMode'] }),
    weight: 2,
  },
  { arbitrary: fc.constant({ kind: 'completeRedaction' as const }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('endUser' as const), input: endUserInput, staleSecret: fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 }) }),
    weight: 6,
  },
);
/** Most sequences start by creating the session; a few start on a session that does not exist. */
/** Half the sequences also run a whole verification flow somewhere: every input, consent, then submission. */
const flowBlock: fc.Arbitrary<Step[]> = fc
  .tuple(providedDocument, fc.boolean())
  .map(([document, live_capture]) =>
    [
      { type: 'RecordConsent' as const, granted: true },
      { type: 'ProvideDocument' as const, document },
      { type: 'ProvideSelfie' as const, selfie: { selfie: 'file_selfie', live_capture } },
      { type: 'ProvideIdNumber' as const, idNumber: { id_number: 'PII-idnum-1', id_number_type: 'us_ssn' as const } },
      { type: 'SubmitCollectedInputs' as const },
    ].map((input) => ({ kind: 'endUser' as const, input, staleSecret: false })),
  );
const steps = fc
  .tuple(
    fc.oneof({ arbitrary: createStep.map((s) => [s]), weight: 9 }, { arbitrary: fc.constant([]), weight: 1 }),
    fc.array(step, { minLength: 3, maxLength: 40, size: 'large' }),
    fc.option(fc.tuple(flowBlock, fc.nat()), { nil: undefined }),
  )
  .map(([first, rest, flow]) => {
    if (flow === undefined) return [...first, ...rest];
    const at = flow[1] % (rest.length + 1);
    return [...first, ...rest.slice(0, at), ...flow[0], ...rest.slice(at)];
  });

const toCommand = (s: Step, state: VerificationSessionState, now: number): VerificationSessionCommand => {
  const session = state._tag === 'Existing' ? state.session : undefined;
  const mode = (flip: boolean) => (session === undefined ? false : session.livemode !== flip);
  const at = { sessionId: SESSION_ID, now };
  switch (s.kind) {
    case 'create':
      return { type: 'CreateVerificationSession', input: s.input, livemode: s.livemode, ...at };
    case 'update':
      return { type: 'UpdateVerificationSession', changes: s.changes, livemode: mode(s.otherMode), ...at };
    case 'submit': {
      const { kind: _, otherMode: flip, ...options } = s;
      return { type: 'SubmitVerificationSession', ...options, livemode: mode(flip), ...at };
    }
    case 'outcome':
      return { type: 'RecordVerificationOutcome', attempt: (session?.attempt ?? 0) + s.attemptDelta, outcome: s.outcome, ...at };
    case 'userFailure':
      return { type: 'RecordUserFailure', lastError: s.lastError, livemode: mode(s.otherMode), ...at };
    case 'cancel':
      return { type: 'CancelVerificationSession', livemode: mode(s.otherMode), ...at };
    case 'redact':
      return { type: 'RedactVerificationSession', ...(s.reason === undefined ? {} : { reason: s.reason }), livemode: mode(s.otherMode), ...at };
    case 'completeRedaction':
      return { type: 'CompleteRedaction', ...at };
    case 'endUser':
      return { ...s.input, secretGeneration: (session?.secretGeneration ?? 0) - (s.staleSecret ? 1 : 0), ...at };
  }
};

// ---------------------------------------------------------------------------------------------

const deepFreeze = <A>(value: A): A => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
};

interface Turn {
  readonly command: VerificationSessionCommand;
  readonly before: VerificationSessionState;
  readonly decision: E.Either<IdentityError, ReadonlyArray<VerificationSessionEvent>>;
  readonly after: VerificationSessionState;
}

/** Runs the steps: decide on a frozen state (so neither decide nor evolve may mutate), fold accepted events. */
const play = (plan: ReadonlyArray<Step>) => {
  let state = initialState;
  const turns: Turn[] = [];
  const snapshots: string[] = [];
  plan.forEach((s, i) => {
    const command = deepFreeze(toCommand(s, state, T0 + 60 * (i + 1)));
    const before = deepFreeze(state);
    const decision = decide(command, before);
    const after = E.isRight(decision) ? decision.right.reduce((acc, e) => evolve(acc, deepFreeze(e)), before) : before;
    turns.push({ command, before, decision, after });
    snapshots.push(JSON.stringify(after));
    state = after;
  });
  return { turns, snapshots, final: state, events: turns.flatMap((t) => (E.isRight(t.decision) ? t.decision.right : [])) };
};

const existing = (state: VerificationSessionState): SessionData | undefined => (state._tag === 'Existing' ? state.session : undefined);
const STATUSES = ['requires_input', 'processing', 'verified', 'canceled'];
const PARAMS = { numRuns: 400 };

describe('VerificationSession under random command sequences', () => {
  it('(a) the state is always legal and only moves forward', () => {
    let reachedVerified = 0;
    let reachedRedacted = 0;
    let reachedFlowSubmission = 0;
    fc.assert(
      fc.property(steps, (plan) => {
        const { turns } = play(plan);
        if (turns.some((t) => t.command.type === 'SubmitCollectedInputs' && E.isRight(t.decision) && t.decision.right.length > 0)) reachedFlowSubmission++;
        if (turns.some((t) => existing(t.after)?.status === 'verified')) reachedVerified++;
        if (turns.some((t) => existing(t.after)?.redaction?.status === 'redacted')) reachedRedacted++;
        for (const { before, after, command } of turns) {
          const was = existing(before);
          const now = existing(after);
          if (now === undefined) {
            expect(was).toBeUndefined();
            continue;
          }
          expect(STATUSES).toContain(now.status);
          expect(now.lastVerificationReport).toBe(now.reports.at(-1)?.id ?? null);
          if (now.status === 'canceled') expect(now.lastError).toBeNull();
          if (now.status === 'verified') expect(now).toMatchObject({ lastError: null, verifiedOutputs: expect.anything() });
          if (now.status === 'processing') expect(now.redaction).toBeNull();
          if (now.redaction !== null) {
            expect(now.metadata).toStrictEqual({});
            expect(now.providedIdentity).toBeNull();
            for (const value of Object.values(now.providedDetails ?? {})) expect(value).toBe('[redacted]');
          }
          if (was === undefined) {
            expect(command.type).toBe('CreateVerificationSession');
            continue;
          }
          // The flow's submission needs every input the session's type and options ask for.
          if (command.type === 'SubmitCollectedInputs' && now.status === 'processing' && was.status !== 'processing') expect(missingInputs(was)).toEqual([]);
          expect({ id: now.id, livemode: now.livemode, created: now.created }).toEqual({ id: was.id, livemode: was.livemode, created: was.created });
          if (was.status === 'verified' || was.status === 'canceled') expect(now.status).toBe(was.status);
          if (was.redaction !== null) expect(now.redaction).not.toBeNull();
          if (was.redaction?.status === 'redacted') expect(now.redaction).toEqual({ status: 'redacted' });
          expect(now.attempt).toBeGreaterThanOrEqual(was.attempt);
          expect(now.secretGeneration).toBeGreaterThanOrEqual(was.secretGeneration);
          expect(now.reports.length).toBeGreaterThanOrEqual(was.reports.length);
        }
      }),
      PARAMS,
    );
    // The generator must actually reach the interesting states, or the property says little.
    expect(reachedVerified).toBeGreaterThan(PARAMS.numRuns / 10);
    expect(reachedRedacted).toBeGreaterThan(PARAMS.numRuns / 10);
    expect(reachedFlowSubmission).toBeGreaterThan(PARAMS.numRuns / 20);
  });

  it('(b) a refused command records nothing and is a well-formed error; accepted events pass their codecs', () => {
    fc.assert(
      fc.property(steps, (plan) => {
        for (const { command, before, decision } of play(plan).turns) {
          if (E.isLeft(decision)) {
            // Nothing is folded in, and decide ran on a deep-frozen state: a refusal cannot have touched it.
            expect(decision.left).toMatchObject({ _tag: 'IdentityError', type: 'invalid_request_error' });
            expect(decision.left.statusCode).toBe(decision.left.code === 'resource_missing' ? 404 : decision.left.code === 'client_secret_invalid' ? 401 : 400);
            continue;
          }
          for (const event of decision.right) {
            expect(decodeVerificationSessionEvent(event.type, 1, event.data)).toEqual(E.right(event));
            expect(decodeVerificationSessionEvent(event.type, 1, JSON.parse(JSON.stringify(event.data)))).toEqual(E.right(event));
          }
          // A caller of the other mode never reaches the session.
          const session = existing(before);
          if (session !== undefined && 'livemode' in command && command.type !== 'CreateVerificationSession') {
            expect(command.livemode).toBe(session.livemode);
          }
        }
      }),
      PARAMS,
    );
  });

  it('(c) replaying the stored events gives the state kept along the way, and no earlier state was mutated', () => {
    fc.assert(
      fc.property(steps, (plan) => {
        const { turns, snapshots, final, events } = play(plan);
        const stored = events.map((e) => {
          const decoded = decodeVerificationSessionEvent(e.type, 1, JSON.parse(JSON.stringify(e.data)));
          if (E.isLeft(decoded)) throw new Error(`undecodable ${e.type}`);
          return decoded.right;
        });
        expect(fold(verificationSessionDecider, stored)).toEqual(final);
        expect(turns.map((t) => JSON.stringify(t.after))).toEqual(snapshots);
      }),
      PARAMS,
    );
  });

  it('(d) once redaction is requested, no planted personal data is left in the state', () => {
    fc.assert(
      fc.property(steps, (plan) => {
        const planted = new Set<string>();
        for (const { command, after } of play(plan).turns) {
          for (const marker of JSON.stringify(command).match(/PII-[a-z]+-\d+/g) ?? []) planted.add(marker);
          if (existing(after)?.redaction == null) continue;
          const json = JSON.stringify(after);
          expect([...planted].filter((marker) => json.includes(marker))).toEqual([]);
          expect(json).not.toContain('PII-');
        }
      }),
      PARAMS,
    );
  });
});
