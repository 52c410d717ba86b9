import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';

/** `idledger serve` as a person starts it: a child process on a ledger file, stopped with SIGTERM. */

const directory = mkdtempSync(join(tmpdir(), 'idledger-serve-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const startServe = (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@idledger/source', 'packages/cli/src/main.ts', 'serve', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const port = new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  const stopped = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    port,
    stop: async () => (child.kill('SIGTERM'), stopped),
    crash: async () => (child.kill('SIGKILL'), stopped),
    output: () => ({ out, err }),
  };
};

describe('idledger serve', () => {
  it('serves the ledger file with keys from --api-key and IDLEDGER_API_KEYS, each in its own mode', async () => {
    const db = join(directory, 'served.db');
    const served = startServe(['--port', '0', '--db', db, '--api-key', 'sk_test_from_flag_1', '--api-key', 'sk_live_from_flag_2'], {
      IDLEDGER_API_KEYS: 'sk_test_from_env_3, sk_live_from_env_4',
    });
    const port = await served.port;
    const client = (key: string) => new Stripe(key, { host: '127.0.0.1', port, protocol: 'http', telemetry: false, maxNetworkRetries: 0 });
    const created = await client('sk_test_from_flag_1').identity.verificationSessions.create({ type: 'document' });
    expect(created.livemode).toBe(false);
    expect((await client('sk_test_from_env_3').identity.verificationSessions.retrieve(created.id)).id).toBe(created.id);
    expect((await client('sk_live_from_env_4').identity.verificationSessions.create({ type: 'document' })).livemode).toBe(true);
    expect((await client('sk_live_from_flag_2').identity.verificationSessions.list()).data).toHaveLength(1);
    const endpoint = await client('sk_test_from_flag_1').webhookEndpoints.create({ url: 'http://127.0.0.1:9/hooks', enabled_events: ['*'] });
    expect((await client('sk_test_from_env_3').webhookEndpoints.list()).data.map(({ id }) => id)).toEqual([endpoint.id]);
    await expect(client('sk_test_not_given_5').identity.verificationSessions.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(await served.stop()).toBe(0);
    const { out, err } = served.output();
    expect(out).toContain('2 test key(s), 2 live key(s)');
    expect(out + err).not.toMatch(/from_flag|from_env|not_given/);
    expect(err).toMatch(/req_\w+ POST \/v1\/identity\/verification_sessions 200/);

    const again = startServe(['--port', '0', '--db', db, '--api-key', 'sk_test_from_flag_1']);
    const client2 = new Stripe('sk_test_from_flag_1', { host: '127.0.0.1', port: await again.port, protocol: 'http', telemetry: false });
    expect((await client2.identity.verificationSessions.retrieve(created.id)).status).toBe('requires_input');
    const events = await client2.events.list({ type: 'identity.verification_session.created' });
    expect(events.data.map((event) => event.data.object)).toEqual([expect.objectContaining({ id: created.id })]);
    expect(await again.stop()).toBe(0);
  }, 30_000);

  it('refuses a key that is not a secret key, without printing it', async () => {
    const served = startServe(['--port', '0', '--db', join(directory, 'refused.db'), '--api-key', 'pk_test_publishable_key_6']);
    await expect(served.port).rejects.toThrow(/exited with 2/);
    expect(served.output().err).toContain('Not a secret key');
    expect(served.output().err).not.toContain('publishable_key_6');
  }, 30_000);

  it('a delivery cut short by a crash is sent again by the next process, under the same event id', async () => {
    const db = join(directory, 'crash.db');
    const bodies: string[] = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push(body);
        if (bodies.length > 1) response.writeHead(200).end();
        // The first delivery is never answered: the server dies while it waits.
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const hooks = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      const first = startServe(['--port', '0', '--db', db, '--api-key', 'sk_test_crash_1']);
      const client = (port: number) => new Stripe('sk_test_crash_1', { host: '127.0.0.1', port, protocol: 'http', telemetry: false, maxNetworkRetries: 0 });
      const before = client(await first.port);
      await before.webhookEndpoints.create({ url: hooks, enabled_events: ['identity.verification_session.created'] });
      const session = await before.identity.verificationSessions.create({ type: 'document' });
      while (bodies.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      await first.crash();

      const second = startServe(['--port', '0', '--db', db, '--api-key', 'sk_test_crash_1']);
      const after = client(await second.port);
      while (bodies.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      const [lost, resent] = bodies.map((body) => JSON.parse(body) as Stripe.Event);
      expect(resent!.id).toBe(lost!.id);
      expect(resent!.data.object).toMatchObject({ id: session.id });
      let event = await after.events.retrieve(lost!.id);
      for (let tries = 0; event.pending_webhooks > 0 && tries < 100; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        event = await after.events.retrieve(lost!.id);
      }
      expect(event.pending_webhooks).toBe(0);
      expect(await second.stop()).toBe(0);
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  }, 30_000);
});
