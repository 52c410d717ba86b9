import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

/** The README's quick start is a real program: it is kept identical to examples/quick-start.ts, which runs here. */

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');

describe('README quick start', () => {
  it('is the code of examples/quick-start.ts', () => {
    const block = /```ts\n([\s\S]*?)```/.exec(read('../README.md'))?.[1];
    expect(block).toBe(read('../examples/quick-start.ts'));
  });

  it('runs and verifies a session', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await import('../examples/quick-start.js');
    expect(log.mock.calls[0]).toEqual(['verified', 'Jenny']);
    expect(log.mock.calls[1]?.[0]).toMatch(/^vs_/);
    log.mockRestore();
  });
});
