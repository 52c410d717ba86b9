import { createIdentityLedger, isValidApiKey, livemodeOfKey, type IdentityLedger } from '@idledger/core';
import { createIdentityServer } from '@idledger/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_KEY, TEST_KEY, startServer } from './support.js';

/** The server reads secret keys exactly as the ledger does: one definition of a key and of its mode. */

const keyLike = fc.oneof(
  fc.string(),
  fc
    .tuple(fc.constantFrom('sk', 'rk', 'pk', 'SK', 'vs'), fc.constantFrom('test', 'live', 'prod', ''), fc.string({ unit: fc.constantFrom('a', 'Z', '9', '_', '-', ' ', 'é') }))
    .map(([prefix, mode, rest]) => `${prefix}_${mode}_${rest}`),
);

describe('secret keys', () => {
  let ledger: IdentityLedger;
  beforeAll(async () => {
    ledger = await createIdentityLedger();
  });
  afterAll(() => ledger.close());

  it('a key is configurable exactly when the ledger accepts it', () => {
    fc.assert(
      fc.property(keyLike, (key) => {
        const configure = () => createIdentityServer({ ledger, apiKeys: [key] });
        if (isValidApiKey(key)) expect(configure).not.toThrow();
        else expect(configure).toThrow(TypeError);
      }),
    );
  });

  it('the mode of a request is the mode the ledger reads from its key', async () => {
    const keys = [TEST_KEY, LIVE_KEY, 'rk_test_restricted_1234', 'rk_live_restricted_5678'];
    const running = await startServer({ apiKeys: keys });
    try {
      for (const key of keys) {
        const response = await fetch(`${running.baseUrl}/v1/identity/verification_sessions`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'type=document',
        });
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ livemode: livemodeOfKey(key) });
      }
      expect(keys.map(livemodeOfKey)).toEqual([false, true, false, true]);
    } finally {
      await running.stop();
    }
  });
});
