import { createIdentityLedger, createMemoryFileStore, testFile, type FileStore } from '@idledger/core';
import { describe, expect, it } from 'vitest';

/** An upload whose bytes land after the session's redaction swept its files leaves nothing behind. */
describe('an upload racing a redaction', () => {
  it('is refused, and its bytes are deleted, when the redaction was accepted while they were written', async () => {
    const inner = createMemoryFileStore();
    let slow = false;
    const stored: Array<string> = [];
    const fileStore: FileStore = {
      ...inner,
      put: (bytes, owner) => async () => {
        if (slow) await new Promise((resolve) => setTimeout(resolve, 200));
        const put = await inner.put(bytes, owner)();
        if (put._tag === 'Right') stored.push(put.right.id);
        return put;
      },
    };
    const ledger = await createIdentityLedger({ fileStore, simulatedDelayMs: 0 });
    try {
      const session = await ledger.identity.verificationSessions.create({ type: 'document' });
      slow = true;
      const upload = ledger.endUser.verificationSessions.uploadFile(session.client_secret!, testFile('image/jpeg', undefined, 'late'), { purpose: 'identity_document' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await ledger.identity.verificationSessions.redact(session.id);
      await ledger.whenIdle();
      await expect(upload).rejects.toMatchObject({ code: 'session_redacted' });
      expect(stored).toHaveLength(1);
      expect((await inner.stat(stored[0]!, session.id)())._tag).toBe('Left');
    } finally {
      await ledger.close();
    }
  });
});
