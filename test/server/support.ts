import { createIdentityLedger, type IdentityLedger, type IdentityLedgerConfig } from '@idledger/core';
import { createIdentityServer, type IdentityServer, type IdentityServerConfig } from '@idledger/server';
import Stripe from 'stripe';

export const TEST_KEY = 'sk_test_server_tests_4242';
export const LIVE_KEY = 'sk_live_server_tests_9999';

export interface RunningServer {
  readonly ledger: IdentityLedger;
  readonly server: IdentityServer;
  readonly port: number;
  readonly baseUrl: string;
  /** The official SDK pointed at the server; only the host differs from production use. */
  readonly stripe: (key?: string, options?: { maxNetworkRetries?: number }) => Stripe;
  readonly stop: () => Promise<void>;
}

export const startServer = async (
  config: Partial<Omit<IdentityServerConfig, 'ledger'>> = {},
  ledgerConfig: IdentityLedgerConfig = {},
): Promise<RunningServer> => {
  const ledger = await createIdentityLedger({ simulatedDelayMs: 5, ...ledgerConfig });
  const server = createIdentityServer({ ledger, apiKeys: [TEST_KEY, LIVE_KEY], ...config });
  const { port } = await server.listen(0);
  return {
    ledger,
    server,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    stripe: (key = TEST_KEY, options = {}) =>
      new Stripe(key, { host: '127.0.0.1', port, protocol: 'http', telemetry: false, maxNetworkRetries: options.maxNetworkRetries ?? 0 }),
    stop: async () => {
      await server.close();
      await ledger.close();
    },
  };
};

/** A request as curl would send it: form body, bearer key. */
export const post = (base: string, path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });

/**
 * A TCP proxy in front of the server that swallows the first response of each connection it is
 * told to break: the server has handled the request, the client sees a dropped connection and
 * retries, exactly as after a network failure.
 */
export const lossyProxy = async (targetPort: number, responsesToDrop: number) => {
  const { createServer, connect } = await import('node:net');
  let toDrop = responsesToDrop;
  const sockets = new Set<{ destroy: () => void }>();
  const proxy = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (toDrop > 0) {
        toDrop -= 1;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    upstream.on('end', () => client.end());
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
};
