import { createIdentityServer, startWebhooks } from '@idledger/server';
import { openEmbeddedLedger } from '@idledger/store-sqlite';
import { cliFailure, type Command } from '../context.js';

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  /** Every `--api-key` given (the global option keeps only the last). */
  readonly apiKeys: ReadonlyArray<string>;
}

/** `IDLEDGER_API_KEYS`: comma-separated secret keys. */
export const keysFromEnvironment = (value: string | undefined): string[] =>
  (value ?? '').split(',').map((key) => key.trim()).filter((key) => key !== '');

/**
 * Serves the ledger file over Stripe's HTTP API, with webhook delivery, until SIGINT or SIGTERM.
 * Keys are counted in the banner, never printed.
 */
export const serve: Command<ServeOptions> = async (options, io) => {
  const keys = [...new Set([...options.apiKeys, ...keysFromEnvironment(process.env.IDLEDGER_API_KEYS)])];
  const apiKeys = keys.length > 0 ? keys : [options.apiKey];
  const ledger = await openEmbeddedLedger({ file: options.db });
  const webhooks = await startWebhooks({
    ledger,
    checkpointFile: `${options.db}.outbox`,
    onError: (error) => io.err(`webhooks: ${error instanceof Error ? error.message : String(error)}`),
  });
  const closeAll = async () => {
    await webhooks.stop();
    await ledger.close();
  };
  let server;
  try {
    server = createIdentityServer({
      ledger,
      apiKeys,
      routes: webhooks.routes,
      log: (entry) => io.err(`${entry.requestId} ${entry.method} ${entry.path} ${entry.status} ${entry.durationMs.toFixed(1)}ms${entry.failure ? ` ${entry.failure}` : ''}`),
    });
  } catch (error) {
    await closeAll();
    throw cliFailure(error instanceof Error ? error.message : String(error), 2);
  }
  const address = await server.listen(options.port, options.host).catch(async (error: unknown) => {
    await closeAll();
    throw cliFailure(`cannot listen on ${options.host}:${options.port}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const live = apiKeys.filter((key) => /_live_/.test(key)).length;
  io.out(`idledger serve: listening on http://${address.address}:${address.port} (ledger ${options.db}; ${apiKeys.length - live} test key(s), ${live} live key(s))`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  await closeAll();
  io.out('idledger serve: stopped');
};
