import { createIdentityLedger, type IdentityLedger } from '@idledger/core';
import { createIdentityServer, type IdentityServer } from '@idledger/server';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_KEY } from './support.js';

/**
 * The place the end-user side of the hosted flow takes: a route authorized by a session's
 * client_secret. The dispatcher takes the secret out of the parameters and hands the route the
 * session and mode it names; no secret key is needed, and none is looked at.
 */

let ledger: IdentityLedger;
let server: IdentityServer;
let base: string;

beforeAll(async () => {
  ledger = await createIdentityLedger();
  server = createIdentityServer({
    ledger,
    apiKeys: [TEST_KEY],
    routes: [
      {
        method: 'POST',
        pattern: '/v1/identity/verification_pages/:id/echo',
        auth: 'client_secret',
        handle: (call) => TE.right({ principal: call.principal, params: call.params, path: call.path }),
      },
    ],
  });
  base = `http://127.0.0.1:${(await server.listen(0)).port}`;
});
afterAll(async () => {
  await server.close();
  await ledger.close();
});

const echo = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/v1/identity/verification_pages/vp_1/echo`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body });

describe('routes authorized by a client_secret', () => {
  it('hand the route the secret as its principal, without the secret among the parameters', async () => {
    const response = await echo('client_secret=vs_abc123_secret_test_TOKEN42&id_number=123');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      // The session and mode it names are the ledger's to read, against the session itself.
      principal: { kind: 'client_secret', clientSecret: 'vs_abc123_secret_test_TOKEN42' },
      params: { id_number: '123' },
      path: { id: 'vp_1' },
    });
  });

  it('refuse a missing or malformed client_secret, and a secret key does not stand in for it', async () => {
    const missing = await echo('id_number=123', { Authorization: `Bearer ${TEST_KEY}` });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { code: 'client_secret_required', param: 'client_secret' } });
    const malformed = await echo(`client_secret=${TEST_KEY}`);
    expect(malformed.status).toBe(401);
    expect(await malformed.json()).toMatchObject({ error: { code: 'client_secret_invalid', param: 'client_secret' } });
  });
});
