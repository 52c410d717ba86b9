import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { log, round } from './support.js';

/**
 * 4. Requests per second and latency over loopback for create and retrieve, each contender's
 * server in its own process and autocannon driving it from this one, all in one run: a bare
 * `node:http` handler with a fixed JSON body (the ceiling), then idledger's server.
 */

export type HttpContender = 'ceiling' | 'sqlite' | 'memory';

/** What a target process reports once it listens. */
export interface TargetReady {
  readonly port: number;
  readonly sessionId: string;
}

export const BENCH_KEY = 'sk_test_bench_http_0000';

export interface HttpRun {
  readonly contender: HttpContender;
  readonly operation: 'create' | 'retrieve';
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
}

export interface HttpResult {
  readonly connections: number;
  readonly durationSeconds: number;
  readonly runs: ReadonlyArray<HttpRun>;
}

const target = join(dirname(fileURLToPath(import.meta.url)), 'http-target.ts');

const startTarget = (contender: HttpContender) =>
  new Promise<{ ready: TargetReady; stop: () => Promise<void> }>((resolve, reject) => {
    const child = fork(target, [contender], { execArgv: process.execArgv.filter((arg) => arg !== '--expose-gc'), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (ready: TargetReady) =>
      resolve({
        ready,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      }),
    );
    child.once('exit', (code) => reject(new Error(`the ${contender} target exited with code ${String(code)}`)));
  });

const load = (options: autocannon.Options): Promise<autocannon.Result> =>
  new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });

export const runHttpBenchmark = async (options: { readonly durationSeconds: number; readonly connections: number }): Promise<HttpResult> => {
  const runs: HttpRun[] = [];
  for (const contender of ['ceiling', 'memory', 'sqlite'] as const) {
    const { ready, stop } = await startTarget(contender);
    try {
      const headers = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/x-www-form-urlencoded' };
      const requests = {
        create: { method: 'POST' as const, path: '/v1/identity/verification_sessions', body: 'type=document&metadata[user_id]=bench' },
        retrieve: { method: 'GET' as const, path: `/v1/identity/verification_sessions/${ready.sessionId}` },
      };
      for (const operation of ['create', 'retrieve'] as const) {
        const { path, ...request } = requests[operation];
        const url = `http://127.0.0.1:${ready.port}${path}`;
        // A short warm-up, so JIT and connection set-up stay out of the measured run.
        await load({ url, connections: options.connections, duration: 1, headers, ...request });
        log(`http: ${contender} ${operation}, ${options.durationSeconds} s at ${options.connections} connections`);
        const result = await load({ url, connections: options.connections, duration: options.durationSeconds, headers, ...request });
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`http: ${contender} ${operation} had ${result.non2xx} non-2xx answers and ${result.errors} errors`);
        runs.push({
          contender,
          operation,
          requestsPerSecond: round(result.requests.average, 0),
          p50Ms: round(result.latency.p50, 2),
          p99Ms: round(result.latency.p99, 2),
          maxMs: round(result.latency.max, 2),
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors,
        });
      }
    } finally {
      await stop();
    }
  }
  return { connections: options.connections, durationSeconds: options.durationSeconds, runs };
};
