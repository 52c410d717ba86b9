import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

/** docs/checks.md's flow example is a real program: kept identical to examples/verification-flow.ts, which runs here. */

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');

describe('docs/checks.md example', () => {
  it('is the code of examples/verification-flow.ts', () => {
    const block = /```ts\n(import { createIdentityLedger, testFile }[\s\S]*?)```/.exec(read('../../docs/checks.md'))?.[1];
    expect(block).toBe(read('../../examples/verification-flow.ts'));
  });

  it('runs the flow to the selfie mismatch it promises', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await import('../../examples/verification-flow.js');
    expect(log.mock.calls[0]).toEqual(['requires_input', 'selfie_face_mismatch']);
    log.mockRestore();
  });
});
