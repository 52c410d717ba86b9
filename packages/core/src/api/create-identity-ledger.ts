import { createHmac, randomBytes } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { IdentityError } from '../domain/errors.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as t from 'io-ts';
import { describeErrors } from '../domain/shared/event-codec.js';
import type { DeserializeError } from '../ledger/serializer.js';
import { createMemoryEventStore } from '../ledger/event-store/memory-store.js';
import type { EventStore, GlobalPosition } from '../ledger/event-store/port.js';
import { createProcessManagerRuntime } from './background.js';
import { createMemoryReadModel } from '../ledger/projections/memory-read-model.js';
import type { ReadModel } from '../ledger/projections/read-model.js';
import { createProjectionRunner } from '../ledger/projections/runner.js';
import { createDecidedStates } from '../ledger/command-handler.js';
import { createMemoryKeyStore, type KeyStore } from '../ledger/personal-data/key-store.js';
import { sealingPersonalData } from '../ledger/personal-data/sealed-data.js';
import { createEventSerializer } from '../ledger/serializer.js';
import { createTestModeVerifier } from '../ledger/test-mode-verifier.js';
import { createCheckingVerifier } from '../ledger/checking-verifier.js';
import { createFileSystemFileStore } from '../ledger/files/file-system-file-store.js';
import type { FileStore } from '../ledger/files/file-store.js';
import { createMemoryFileStore } from '../ledger/files/memory-file-store.js';
import { createTestModeProviders, unconfiguredProviders } from '../ledger/providers/test-mode-providers.js';
import type { Providers } from '../ledger/providers/ports.js';
import { createEndUserOperations } from './end-user.js';
import type { Verifier } from '../ledger/verifier.js';
import { createComplianceOperations } from './compliance.js';
import { createCustomerOperations } from './customers.js';
import { createHistoryOperations, type HistoryQuery } from './history.js';
import { randomIds, sessionToken, type IdSource } from './ids.js';
import { autoPagingList, type ListPromise } from './list.js';
import type { ListObject } from './objects.js';
import { promiseFace, toPromise } from './promise-face.js';
import { fingerprintOf, isValidApiKey, type LedgerRuntime, type RequestOptions } from './runtime.js';
import { createTestHelperOperations } from './test-helpers.js';
import { createVerificationReportOperations } from './verification-reports.js';
import { createVerificationSessionOperations } from './verification-sessions.js';

/** The plain settings, checked by a codec; collaborators (store, verifier, clock) are passed as they are. */
const SettingsC = t.partial({
  apiKey: t.string,
  hostedFlowBaseUrl: t.string,
  tokenKey: t.string,
  simulatedDelayMs: t.number,
  redactionDelayMs: t.number,
  verifierRetryInitialDelayMs: t.number,
  verifierRetryMaxDelayMs: t.number,
  /** Run verification and redaction in this process (default true). Read-only tools turn it off. */
  processing: t.boolean,
  /**
   * Key of the request fingerprints kept for idempotency (base64 of 32 bytes). Default: derived
   * from `tokenKey`. The embedded ledger keeps one in its key file, so a copy of the ledger file
   * alone cannot be used to guess the parameters behind a fingerprint.
   */
  fingerprintKey: t.string,
  /** Where uploaded files are kept (the file-system file store); in memory when absent. */
  filesDirectory: t.string,
  maxFileBytes: t.number,
  /** Settings of the built-in checks (docs/checks.md). */
  checks: t.partial({ supportedCountries: t.array(t.string), minimumAge: t.number, providerTimeoutMs: t.number }),
  /**
   * Keep verification records for a period after a session ends (opt-in; without it redaction is
   * exactly Stripe's). `erasureWins` lets a redaction request erase a record still under retention.
   */
  retention: t.intersection([t.type({ id: t.string, periodDays: t.number }), t.partial({ erasureWins: t.boolean })]),
});

export interface IdentityLedgerConfig extends t.TypeOf<typeof SettingsC> {
  /** Default: a fresh in-memory store. */
  readonly store?: EventStore;
  /** Default: a fresh in-memory read model, rebuilt from the store at start. */
  readonly readModel?: ReadModel;
  /**
   * Default: the checking verifier — the real checks for submissions made through the
   * verification flow, the explicit outcomes of the test helpers otherwise.
   */
  readonly verifier?: Verifier;
  /** Where uploaded files live. Default: the file-system store in `filesDirectory`, else memory. */
  readonly fileStore?: FileStore;
  /** Outside providers per mode. Test mode defaults to the deterministic test-mode providers; live mode has none built in. */
  readonly providers?: { readonly test?: Providers; readonly live?: Providers };
  readonly clock?: () => Date;
  readonly ids?: Partial<IdSource>;
  /**
   * Holds the per-session data keys that seal personal data in stored events; redaction destroys
   * the session's key. Required with a given `store`, since its events outlive this process;
   * default with the in-memory store: in-memory keys.
   */
  readonly keyStore?: KeyStore;
  /** Called for a stored event the projections cannot decode; it is skipped. */
  readonly onUndecodableEvent?: (error: DeserializeError, position: GlobalPosition) => void;
  /**
   * Called when background work meets an error it will retry: verification or redaction of a
   * session (with its id), or a failed subscription of the read model or the processor (id '').
   */
  readonly onBackgroundError?: (error: unknown, sessionId: string) => void;
}

/** The cursors auto-pagination moves; the other parameters travel unchanged with every page. */
const cursorsOf = (params: Record<string, unknown> | undefined): { starting_after?: string; ending_before?: string } => ({
  ...(typeof params?.starting_after === 'string' ? { starting_after: params.starting_after } : {}),
  ...(typeof params?.ending_before === 'string' ? { ending_before: params.ending_before } : {}),
});

const COLLABORATORS = ['store', 'readModel', 'verifier', 'fileStore', 'providers', 'clock', 'ids', 'keyStore', 'onUndecodableEvent', 'onBackgroundError'];
const KNOWN_KEYS = new Set([...Object.keys(SettingsC.props), ...COLLABORATORS]);

const checkSettings = (config: IdentityLedgerConfig) =>
  pipe(
    SettingsC.decode(config),
    E.mapLeft((errors) => describeErrors(errors).join('; ')),
    E.filterOrElse(
      () => Object.keys(config).every((key) => KNOWN_KEYS.has(key)),
      () => `unknown setting ${Object.keys(config).find((key) => !KNOWN_KEYS.has(key))}`,
    ),
    E.filterOrElse(
      (settings) => settings.apiKey === undefined || isValidApiKey(settings.apiKey),
      () => 'apiKey must be a secret key: sk_test_…, sk_live_…, rk_test_… or rk_live_…',
    ),
    E.filterOrElse(
      (settings) => settings.fingerprintKey === undefined || Buffer.from(settings.fingerprintKey, 'base64').length >= 16,
      () => 'fingerprintKey must be base64 of at least 16 bytes',
    ),
    E.filterOrElse(
      (settings) => settings.retention === undefined || (Number.isFinite(settings.retention.periodDays) && settings.retention.periodDays > 0 && settings.retention.id.length > 0),
      () => 'retention needs a non-empty id and a positive periodDays',
    ),
    E.filterOrElse(
      (settings) => settings.hostedFlowBaseUrl === undefined || /^https?:\/\/\S+$/.test(settings.hostedFlowBaseUrl),
      () => 'hostedFlowBaseUrl must be an absolute http(s) URL',
    ),
    E.filterOrElse(
      (settings) => (settings.checks?.supportedCountries ?? []).every((code) => /^[A-Z]{2}$/.test(code)),
      () => 'checks.supportedCountries must hold ISO 3166-1 alpha-2 codes in upper case',
    ),
    E.filterOrElse(
      (settings) => [settings.checks?.minimumAge, settings.checks?.providerTimeoutMs, settings.maxFileBytes].every((n) => n === undefined || (Number.isInteger(n) && n >= 0)),
      () => 'checks.minimumAge, checks.providerTimeoutMs and maxFileBytes must be non-negative integers',
    ),
  );

/**
 * A ledger with the shape of `stripe.identity`: the same method names, parameters and objects,
 * every change recorded as an event. Resolves once the read model has caught up with the store.
 */
export const createIdentityLedger = async (config: IdentityLedgerConfig = {}) => {
  const settings = checkSettings(config);
  if (E.isLeft(settings)) throw Object.assign(new TypeError(`Invalid idledger configuration: ${settings.left}`), { code: 'invalid_config' });
  if (config.store !== undefined && config.keyStore === undefined) {
    throw Object.assign(new TypeError('Invalid idledger configuration: a store needs the keyStore that seals its personal data'), { code: 'invalid_config' });
  }
  const store = config.store ?? createMemoryEventStore();
  const keyStore = config.keyStore ?? createMemoryKeyStore();
  const serializer = createEventSerializer(sealingPersonalData(keyStore));
  const readModel = config.readModel ?? createMemoryReadModel();
  const runner = createProjectionRunner({
    store,
    serializer,
    readModel,
    ...(config.onUndecodableEvent ? { onUndecodable: config.onUndecodableEvent } : {}),
    ...(config.onBackgroundError ? { onError: (error: unknown) => config.onBackgroundError?.(error, '') } : {}),
  });
  const tokenKey = config.tokenKey === undefined ? randomBytes(32) : Buffer.from(config.tokenKey, 'utf8');
  const runtime: LedgerRuntime = {
    store,
    serializer,
    readModel,
    runner,
    clock: config.clock ?? (() => new Date()),
    ids: { ...randomIds, ...config.ids },
    apiKey: config.apiKey ?? 'sk_test_idledger',
    render: {
      hostedFlowBaseUrl: config.hostedFlowBaseUrl ?? 'https://verify.idledger.localhost/start/',
      token: (session) => sessionToken(tokenKey, session.id, session.secretGeneration, session.livemode),
    },
    fingerprintKey:
      config.fingerprintKey === undefined ? createHmac('sha256', tokenKey).update('idledger request fingerprint v1').digest() : Buffer.from(config.fingerprintKey, 'base64'),
    inFlightKeys: new Set(),
    states: createDecidedStates(),
    lastWritten: 'start',
  };

  const retention = settings.right.retention;
  const compliance = createComplianceOperations(
    runtime,
    retention === undefined ? undefined : { id: retention.id, periodDays: retention.periodDays, erasureWins: retention.erasureWins ?? false },
  );
  const sessions = createVerificationSessionOperations(runtime, compliance.guardRedaction);
  const reports = createVerificationReportOperations(runtime);
  const customers = createCustomerOperations(runtime);
  const testHelpers = createTestHelperOperations(runtime);
  const history = createHistoryOperations(runtime);
  const fileStore =
    config.fileStore ??
    (settings.right.filesDirectory === undefined
      ? createMemoryFileStore(settings.right.maxFileBytes === undefined ? {} : { maxBytes: settings.right.maxFileBytes })
      : createFileSystemFileStore({
          directory: settings.right.filesDirectory,
          ...(settings.right.maxFileBytes === undefined ? {} : { maxBytes: settings.right.maxFileBytes }),
        }));
  const endUser = createEndUserOperations(runtime, fileStore);
  const verifier =
    config.verifier ??
    createCheckingVerifier({
      fileStore,
      providers: { test: config.providers?.test ?? createTestModeProviders(), live: config.providers?.live ?? unconfiguredProviders() },
      policy: {
        ...(settings.right.checks?.supportedCountries === undefined ? {} : { supportedCountries: settings.right.checks.supportedCountries }),
        ...(settings.right.checks?.minimumAge === undefined ? {} : { minimumAge: settings.right.checks.minimumAge }),
      },
      providerTimeoutMs: settings.right.checks?.providerTimeoutMs ?? 30_000,
      explicitOutcomes: createTestModeVerifier(),
    });
  const background = createProcessManagerRuntime(runtime, {
    verifier,
    simulatedDelayMs: config.simulatedDelayMs ?? 3000,
    redactionDelayMs: config.redactionDelayMs ?? 0,
    retry: { initialDelayMs: config.verifierRetryInitialDelayMs ?? 500, maxDelayMs: config.verifierRetryMaxDelayMs ?? 60_000 },
    onError: config.onBackgroundError ?? (() => undefined),
    keyStore,
    fileStore,
    erasureAllowed: compliance.erasureAllowed,
  });

  const processing = config.processing ?? true;
  await runner.start();
  if (processing) await background.start();

  /** A list method with stripe-node's auto-pagination; each page is one call of the operation. */
  const list =
    <T extends { readonly id: string }>(operation: (params?: unknown, options?: RequestOptions) => TE.TaskEither<IdentityError, ListObject<T>>) =>
    (params?: Record<string, unknown>, options?: RequestOptions): ListPromise<T> =>
      autoPagingList(cursorsOf(params), (pageParams) => toPromise(operation({ ...params, ...pageParams }, options)));

  return {
    identity: {
      verificationSessions: { ...promiseFace(sessions), list: list(sessions.list) },
      verificationReports: { ...promiseFace(reports), list: list(reports.list) },
    },
    customers: { ...promiseFace(customers), list: list(customers.list) },
    testHelpers: { identity: { verificationSessions: promiseFace(testHelpers) } },
    /** The end user's side of the verification flow, authorised by a session's client_secret (docs/api.md section 17). */
    endUser: { verificationSessions: promiseFace(endUser) },
    /** The same operations as `TaskEither`s, for fp-ts users. */
    fp: {
      identity: { verificationSessions: sessions, verificationReports: reports },
      endUser: { verificationSessions: endUser },
      customers,
      testHelpers: { identity: { verificationSessions: testHelpers } },
      history,
    },
    /** Legal holds and retention (opt-in): see docs/compliance.md. */
    compliance: {
      legalHolds: promiseFace(compliance.legalHolds),
      retention: { sweep: () => toPromise(compliance.retention.sweep()) },
    },
    /** The audit trail of one session, in order: who did what, when, under which request. */
    audit: (sessionId: string, options?: RequestOptions) => toPromise(history.audit(sessionId, options)),
    /** The session as it was at a revision or a moment, with the events up to there. */
    history: (sessionId: string, query?: HistoryQuery, options?: RequestOptions) => toPromise(history.sessionHistory(sessionId, query, options)),
    /** Resolves when verification and redaction caused by the writes so far have finished. */
    whenIdle: async () => {
      if (processing) return background.settle();
      if (runtime.lastWritten !== 'start') await runner.waitFor(runtime.lastWritten);
    },
    store,
    /** How this ledger reads and writes stored events; it holds the keys that open personal data. */
    serializer,
    /** The keyed fingerprint this ledger records for an idempotent request (for writers beside it, such as the server's). */
    requestFingerprint: (operation: string, target: string | null, params: unknown) => fingerprintOf(runtime, operation, target, params),
    /** The file store in use: every uploaded document image and selfie is behind it. */
    fileStore,
    close: async () => {
      await background.stop();
      await runner.stop();
    },
  };
};

export type IdentityLedger = Awaited<ReturnType<typeof createIdentityLedger>>;
