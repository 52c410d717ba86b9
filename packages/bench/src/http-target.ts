import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIdentityLedger, type IdentityLedger } from '@idledger/core';
import { createIdentityServer, startWebhooks } from '@idledger/server';
import { openEmbeddedLedger } from '@idledger/store-sqlite';
import { BENCH_KEY, type HttpContender, type TargetReady } from './http.js';
import { tempDir } from './support.js';

/**
 * The server side of the HTTP benchmark, in a process of its own so the load generator does not
 * share its CPU: `tsx src/http-target.ts <contender>` listens on a free port and reports it (and
 * a session id to retrieve) over IPC, then serves until killed.
 *
 * - `ceiling`: a bare `node:http` handler answering every request with one fixed JSON body, a
 *   session as the server renders it, so the bytes on the wire match.
 * - `sqlite`: what `idledger serve` runs: the embedded SQLite ledger with the webhook outbox.
 * - `memory`: the same server on the in-memory store, to separate HTTP from storage costs.
 */


const startIdledger = async (ledger: IdentityLedger): Promise<TargetReady> => {
  const webhooks = await startWebhooks({ ledger });
  const server = createIdentityServer({ ledger, apiKeys: [BENCH_KEY], routes: webhooks.routes });
  const session = await ledger.identity.verificationSessions.create({ type: 'document' }, { apiKey: BENCH_KEY });
  const { port } = await server.listen(0);
  return { port, sessionId: session.id };
};

const startCeiling = async (): Promise<TargetReady> => {
  const ledger = await createIdentityLedger({ apiKey: BENCH_KEY });
  const session = await ledger.identity.verificationSessions.create({ type: 'document' });
  await ledger.close();
  const body = JSON.stringify(session);
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, sessionId: session.id };
};

const start = async (contender: HttpContender): Promise<TargetReady> => {
  switch (contender) {
    case 'ceiling':
      return startCeiling();
    case 'memory':
      return startIdledger(await createIdentityLedger({ apiKey: BENCH_KEY }));
    case 'sqlite': {
      const files = tempDir('http');
      process.on('exit', files.cleanup);
      return startIdledger(await openEmbeddedLedger({ file: files.file('ledger.db'), apiKey: BENCH_KEY }));
    }
  }
};

if (process.send !== undefined) {
  const contender = process.argv[2] as HttpContender;
  process.on('SIGTERM', () => process.exit(0));
  process.send(await start(contender));
}
