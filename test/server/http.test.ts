import { createMemoryEventStore, type EventStore, createMemoryKeyStore } from '@idledger/core';
import { afterEach, describe, expect, it } from 'vitest';
import { LIVE_KEY, TEST_KEY, post, startServer, type RunningServer } from './support.js';

/** The wire conventions, spoken directly: what curl or any HTTP client sees. */

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const start = async (...args: Parameters<typeof startServer>) => {
  running = await startServer(...args);
  return running;
};

const errorOf = async (response: Response) => ((await response.json()) as { error: Record<string, unknown> }).error;

describe('authentication', () => {
  it('no key, a wrong key, a publishable key or a client_secret: 401, and the key is never echoed', async () => {
    const { baseUrl, stripe } = await start();
    const session = await stripe().identity.verificationSessions.create({ type: 'document' });
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'api_key_missing'],
      [{ Authorization: 'Bearer sk_test_unknown_key_1234' }, 'api_key_invalid'],
      [{ Authorization: 'Bearer pk_test_publishable_1234' }, 'secret_key_required'],
      [{ Authorization: `Bearer ${session.client_secret!}` }, 'secret_key_required'],
      [{ Authorization: 'Token abc' }, 'api_key_missing'],
    ];
    for (const [headers, code] of cases) {
      const response = await fetch(`${baseUrl}/v1/identity/verification_sessions`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('request-id')).toMatch(/^req_/);
      const error = await errorOf(response);
      expect(error).toMatchObject({ type: 'invalid_request_error', code });
      expect(JSON.stringify(error)).not.toContain('unknown_key_1234');
      expect(JSON.stringify(error)).not.toContain(session.client_secret!.slice(-10));
    }
  });

  it('the key is checked before the body: no key and a malformed body is still a 401', async () => {
    const { baseUrl } = await start();
    const response = await fetch(`${baseUrl}/v1/identity/verification_sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: 'type[a][b][c][d][e][f][g][h][i]=1',
    });
    expect(response.status).toBe(401);
  });

  it('a caller without a valid key is answered from its headers: a body over the limit is a 401, not a 413', async () => {
    const { baseUrl } = await start({ maxBodyBytes: 1024 });
    const oversized = `type=document&metadata[a]=${'x'.repeat(4096)}`;
    const callers: Array<Record<string, string>> = [{}, { Authorization: 'Bearer sk_test_unknown_key_1234' }];
    for (const headers of callers) {
      const response = await fetch(`${baseUrl}/v1/identity/verification_sessions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body: oversized,
      });
      expect(response.status).toBe(401);
    }
  });

  it('a caller without a key gets its 401 before it has finished sending the body', async () => {
    const { port } = await start();
    const { request } = await import('node:http');
    const outgoing = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/identity/verification_sessions',
      agent: false,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' },
    });
    const answered = new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      outgoing.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      });
      outgoing.on('error', reject);
    });
    // The body is left open: a server that read it before the key would never answer.
    outgoing.write('type=document&metadata[a]=');
    const { status, body } = await answered;
    outgoing.destroy();
    expect(status).toBe(401);
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'api_key_missing' } });
  });

  it('HTTP Basic with the key as user name is accepted; the mode follows the key', async () => {
    const { baseUrl } = await start();
    const response = await fetch(`${baseUrl}/v1/identity/verification_sessions`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${LIVE_KEY}:`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'type=document',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ livemode: true });
  });

  it('a client_secret sent as a parameter to a secret-key endpoint is an unknown parameter', async () => {
    const { baseUrl, stripe } = await start();
    const session = await stripe().identity.verificationSessions.create({ type: 'document' });
    const response = await post(baseUrl, `/v1/identity/verification_sessions/${session.id}/cancel`, `client_secret=${session.client_secret!}`);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'parameter_unknown', param: 'client_secret' });
  });
});

describe('form bodies', () => {
  it('accepts a[]= and a[0]=, raw or percent-encoded brackets, and + for a space', async () => {
    const { baseUrl } = await start();
    const bodies = [
      'type=document&options[document][allowed_types][]=passport&options[document][allowed_types][]=id_card&metadata[note]=a+b',
      'type=document&options[document][allowed_types][0]=passport&options[document][allowed_types][1]=id_card&metadata[note]=a%20b',
      'type=document&options%5Bdocument%5D%5Ballowed_types%5D%5B0%5D=passport&options%5Bdocument%5D%5Ballowed_types%5D%5B1%5D=id_card&metadata%5Bnote%5D=a+b',
    ];
    for (const body of bodies) {
      const response = await post(baseUrl, '/v1/identity/verification_sessions', body);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ options: { document: { allowed_types: ['passport', 'id_card'] } }, metadata: { note: 'a b' } });
    }
  });

  it('refuses bodies over the limit with a 413, and non-form bodies with a 415', async () => {
    const { baseUrl } = await start({ maxBodyBytes: 1024 });
    const large = await post(baseUrl, '/v1/identity/verification_sessions', `type=document&metadata[a]=${'x'.repeat(2000)}`);
    expect(large.status).toBe(413);
    expect(await errorOf(large)).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large' });
    const json = await post(baseUrl, '/v1/identity/verification_sessions', '{"type":"document"}', { 'Content-Type': 'application/json' });
    expect(json.status).toBe(415);
  });

  it('refuses nesting beyond the limit naming the parameter', async () => {
    const { baseUrl } = await start();
    const response = await post(baseUrl, '/v1/identity/verification_sessions', 'type=document&metadata[a][b][c][d][e][f][g][h][i]=1');
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ param: 'metadata[a][b][c][d][e][f][g][h][i]' });
  });
});

describe('routing and headers', () => {
  it('an unknown URL is a 404 in Stripe form, with a Request-Id', async () => {
    const { baseUrl } = await start();
    const response = await fetch(`${baseUrl}/v1/charges`, { headers: { Authorization: `Bearer ${TEST_KEY}` } });
    expect(response.status).toBe(404);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(await errorOf(response)).toMatchObject({ message: 'Unrecognized request URL (GET: /v1/charges).' });
  });

  it('a malformed percent-escape in the path is a 400 naming the id', async () => {
    const { baseUrl } = await start();
    const response = await fetch(`${baseUrl}/v1/identity/verification_sessions/vs_%E0%A4%A`, { headers: { Authorization: `Bearer ${TEST_KEY}` } });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ param: 'id' });
  });

  it('logs requests without query strings, bodies or keys', async () => {
    const entries: unknown[] = [];
    const { baseUrl } = await start({ log: (entry) => entries.push(entry) });
    await post(baseUrl, '/v1/customers', 'email=someone@example.com&name=Jenny');
    await fetch(`${baseUrl}/v1/customers?email=someone%40example.com`, { headers: { Authorization: `Bearer ${TEST_KEY}` } });
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ method: 'POST', path: '/v1/customers', status: 200 });
    expect(entries[1]).toMatchObject({ method: 'GET', path: '/v1/customers', status: 200 });
    expect(JSON.stringify(entries)).not.toMatch(/example|Jenny|sk_test/);
  });
});

describe('Idempotency-Key', () => {
  it('a concurrent request with a key still in use is a 409', async () => {
    const memory = createMemoryEventStore();
    let release: () => void = () => undefined;
    let appending: () => void = () => undefined;
    const appendStarted = new Promise<void>((resolve) => (appending = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow: EventStore = {
      ...memory,
      appendToStream: (stream, events, options) => async () => {
        appending();
        await held;
        return memory.appendToStream(stream, events, options)();
      },
    };
    const { baseUrl } = await start({}, { store: slow, keyStore: createMemoryKeyStore() });
    const headers = { 'Idempotency-Key': 'same-key' };
    const first = post(baseUrl, '/v1/identity/verification_sessions', 'type=document', headers);
    await appendStarted;
    const second = await post(baseUrl, '/v1/identity/verification_sessions', 'type=document', headers);
    expect(second.status).toBe(409);
    expect(await errorOf(second)).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_in_use' });
    release();
    expect((await first).status).toBe(200);
    const replay = await post(baseUrl, '/v1/identity/verification_sessions', 'type=document', headers);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotency-key')).toBe('same-key');
  });

  it('a key over 255 characters is refused naming it', async () => {
    const { baseUrl } = await start();
    const response = await post(baseUrl, '/v1/identity/verification_sessions', 'type=document', { 'Idempotency-Key': 'k'.repeat(256) });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ param: 'idempotency_key' });
  });
});
