import { existsSync } from 'node:fs';
import { openEmbeddedLedger, type EmbeddedLedger, type EmbeddedLedgerConfig } from '@idledger/store-sqlite';
import type { Io } from './output.js';

/** Options every command takes. */
export interface GlobalOptions {
  readonly db: string;
  readonly json: boolean;
  readonly apiKey: string;
}

export const DEFAULT_DB = './idledger.db';
export const DEFAULT_API_KEY = 'sk_test_idledger';

/**
 * Opens the embedded ledger for one command. Read-only commands do not process anything, so
 * looking at a ledger never changes it.
 */
export const withLedger = async <A>(
  options: GlobalOptions,
  mode: 'read' | 'write',
  work: (ledger: EmbeddedLedger) => Promise<A>,
  config: Partial<EmbeddedLedgerConfig> = {},
): Promise<A> => {
  if (mode === 'read' && !existsSync(options.db)) throw cliFailure(`No ledger at ${options.db}: pass --db <file>, or create one with 'idledger demo'.`);
  const ledger = await openEmbeddedLedger({ file: options.db, apiKey: options.apiKey, processing: mode === 'write', simulatedDelayMs: 200, ...config });
  try {
    return await work(ledger);
  } finally {
    await ledger.close();
  }
};

/** An error a person can act on: printed without a stack, exit code 1 (2 for usage errors). */
export interface CliFailure {
  readonly _tag: 'CliFailure';
  readonly message: string;
  readonly exitCode: number;
}

export const cliFailure = (message: string, exitCode = 1): CliFailure => ({ _tag: 'CliFailure', message, exitCode });

export const isCliFailure = (u: unknown): u is CliFailure => typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === 'CliFailure';

export type Command<Options> = (options: Options & GlobalOptions, io: Io) => Promise<void>;
