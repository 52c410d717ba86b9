import { randomBytes, randomUUID } from 'node:crypto';
import {
  createIdentityLedger,
  exportAudit,
  recordKeyRotation,
  signCheckpoint,
  startCheckpointer,
  type AuditExportBundle,
  type CheckpointSchedule,
  type AuditExportError,
  type AuditExportQuery,
  type IdentityLedger,
  type IdentityLedgerConfig,
} from '@idledger/core';
import { describeNoteError, parseSignerKey, type NoteSigner } from '@idledger/integrity';
import { createEventSerializer, sealingPersonalData } from '@idledger/core/ledger';
import * as E from 'fp-ts/lib/Either.js';
import type Database from 'better-sqlite3';
import { openLedgerDatabase, type LedgerDatabaseOptions } from './database.js';
import { createSqliteEventStore } from './event-store.js';
import { openSqliteKeyStore } from './key-store.js';
import { createSqliteReadModel, type SqliteReadModel } from './read-model/read-model.js';

export interface EmbeddedLedgerConfig extends Omit<IdentityLedgerConfig, 'store' | 'readModel'> {
  /** The ledger's file; created with its schema when missing. */
  readonly file: string;
  readonly database?: LedgerDatabaseOptions;
  /**
   * The data keys that seal personal data, in a file of their own. Default: the ledger's file
   * name with `.keys` appended; ignored when `keyStore` is given. Losing it makes every
   * session's personal data unreadable.
   */
  readonly keyFile?: string;
  /**
   * The key that signs checkpoints and audit exports (`PRIVATE+KEY+<origin>+…`, as
   * `generateSignerKey` writes it). Default: one generated into the key file on first use.
   */
  readonly signingKey?: string;
  /**
   * Sign a checkpoint of the Merkle log on a schedule (each also recorded as a `CheckpointSigned`
   * event): after `everyEvents` new events, or `everyMs` after the last one. Default: none, only
   * `checkpointNow()` and each audit export sign one.
   */
  readonly checkpoints?: CheckpointSchedule;
}

export type EmbeddedLedger = IdentityLedger & {
  readonly readModel: SqliteReadModel;
  /** The signer of this ledger's checkpoints and exports (its name is the log's origin). */
  readonly signer: () => NoteSigner;
  /**
   * A new checkpoint signing key (same origin), recorded as a `SigningKeyRotated` event signed by
   * the previous key; exports carry the statement, so holders of the old public key can follow.
   * Only for the key kept in the key file (not a configured `signingKey`).
   */
  readonly rotateSigningKey: () => Promise<E.Either<string, NoteSigner>>;
  /** Signs and records a checkpoint over the whole log now; resolves with its tree size. */
  readonly checkpointNow: () => Promise<E.Either<AuditExportError, bigint>>;
  /** An audit export bundle (files by name), under a checkpoint signed now over the whole log. */
  readonly exportAudit: (query?: AuditExportQuery) => Promise<E.Either<AuditExportError, AuditExportBundle>>;
  /** How many events the file holds. */
  readonly eventCount: () => number;
};

/**
 * The key that derives url / client_secret tokens must outlive the process, or every restart
 * would hand out new credentials; the embedded ledger keeps one in its own file unless the
 * configuration gives one.
 */
const storedTokenKey = (database: Database.Database): string => {
  database.exec('CREATE TABLE IF NOT EXISTS embedded_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT');
  database.prepare("INSERT OR IGNORE INTO embedded_settings (name, value) VALUES ('token_key', ?)").run(randomBytes(32).toString('base64'));
  return (database.prepare("SELECT value FROM embedded_settings WHERE name = 'token_key'").get() as { value: string }).value;
};

const invalidConfig = (message: string) => Object.assign(new TypeError(`Invalid idledger configuration: ${message}`), { code: 'invalid_config' });

const signerFrom = (signingKey: string): NoteSigner => {
  const parsed = parseSignerKey(signingKey);
  if (E.isLeft(parsed)) throw invalidConfig(`signingKey: ${describeNoteError(parsed.left)}`);
  return parsed.right;
};

export const defaultKeyFile = (file: string): string => (file === ':memory:' ? ':memory:' : `${file}.keys`);

/** Where the embedded ledger keeps uploaded files unless told otherwise. */
export const defaultFilesDirectory = (file: string): string => `${file}.files`;

/**
 * The embedded default: the Identity API on one SQLite file holding the events and the durable
 * read models, caught up from their checkpoint at start.
 */
export const openEmbeddedLedger = async (config: EmbeddedLedgerConfig): Promise<EmbeddedLedger> => {
  const { file, database: databaseOptions, keyFile, signingKey, checkpoints, ...ledgerConfig } = config;
  const database = openLedgerDatabase(file, databaseOptions);
  const ownKeys = ledgerConfig.keyStore === undefined ? openSqliteKeyStore(keyFile ?? defaultKeyFile(file)) : undefined;
  const keyStore = ledgerConfig.keyStore ?? ownKeys!;
  let readModel: SqliteReadModel;
  try {
    readModel = createSqliteReadModel(database);
  } catch (error) {
    database.close();
    ownKeys?.close();
    throw error;
  }
  // The views share the file with the log, so each append updates them in its own transaction:
  // one commit per command instead of two. The serializer is the one the ledger builds from these keys.
  const store = createSqliteEventStore(database, { projection: readModel.appendProjection(createEventSerializer(sealingPersonalData(keyStore))) });
  try {
    // Checked at open, not at the first export or scheduled checkpoint.
    const configuredSigner = signingKey === undefined ? undefined : signerFrom(signingKey);
    if (configuredSigner === undefined && ownKeys === undefined && checkpoints !== undefined) {
      throw invalidConfig('checkpoints with a custom keyStore need a signingKey to sign them');
    }
    const ledger = await createIdentityLedger({
      tokenKey: storedTokenKey(database),
      // Kept with the data keys: fingerprints of requests that carried personal data must not be
      // open to guessing by whoever holds a copy of the ledger file.
      ...(ownKeys === undefined ? {} : { fingerprintKey: Buffer.from(ownKeys.secret('request-fingerprint')).toString('base64') }),
      // Uploads must outlive the process like the events that name them: beside the file by default.
      ...(ledgerConfig.fileStore === undefined && file !== ':memory:' ? { filesDirectory: defaultFilesDirectory(file) } : {}),
      ...ledgerConfig,
      store,
      readModel,
      keyStore,
    });
    const countEvents = database.prepare('SELECT count(*) AS count FROM events');
    const signer = (): NoteSigner => {
      if (configuredSigner !== undefined) return configuredSigner;
      if (ownKeys === undefined) throw invalidConfig('a custom keyStore needs a signingKey to sign exports');
      return ownKeys.ledgerSigner();
    };
    const eventCount = () => Number((countEvents.get() as { count: number | bigint }).count);
    const logDeps = () => {
      const chosen = signer();
      return {
        store,
        serializer: ledger.serializer,
        signer: chosen,
        origin: chosen.name,
        clock: ledgerConfig.clock ?? (() => new Date()),
        newEventId: () => randomUUID(),
        actor: { type: 'system', component: 'checkpoint' } as const,
      };
    };
    // Only a ledger that processes (not a read-only look) signs on a schedule.
    const checkpointer =
      checkpoints === undefined || ledgerConfig.processing === false
        ? undefined
        : startCheckpointer(
            { log: logDeps, eventCount, onError: (error) => ledgerConfig.onBackgroundError?.(error, '') },
            checkpoints,
          );
    return {
      ...ledger,
      readModel,
      signer,
      rotateSigningKey: async () => {
        if (signingKey !== undefined || ownKeys === undefined) return E.left('the signing key is configured, not kept in the key file: rotate it where it is kept');
        // The succession is recorded first; the new key is kept only once the log vouches for it.
        const { previous, next, adopt } = ownKeys.prepareRotation();
        const recorded = await recordKeyRotation(logDeps(), previous, next);
        if (E.isLeft(recorded)) return recorded;
        adopt();
        return E.right(next);
      },
      checkpointNow: async () => (checkpointer === undefined ? E.map((signed: { readonly size: bigint }) => signed.size)(await signCheckpoint(logDeps())) : checkpointer.checkpointNow()),
      exportAudit: async (query) => exportAudit({ ...logDeps(), actor: { type: 'system', component: 'audit-export' }, generator: 'idledger 0.1.0' }, query),
      eventCount,
      close: async () => {
        await checkpointer?.stop();
        await ledger.close();
        await store.close();
        database.close();
        ownKeys?.close();
      },
    };
  } catch (error) {
    await store.close();
    database.close();
    ownKeys?.close();
    throw error;
  }
};
