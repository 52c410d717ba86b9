/**
 * The writer of the durability test: runs commands against an embedded ledger as fast as it can
 * and prints one line per acknowledged command, until it is killed.
 *
 *   ack create <vs_id>
 *   ack verified <vs_id>
 *   ack metadata <vs_id> <value>
 */
import { openEmbeddedLedger } from '@idledger/store-sqlite';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: child.ts <ledger file>');

const ledger = await openEmbeddedLedger({ file, apiKey: 'sk_test_durability' });
const say = (line: string) => process.stdout.write(`${line}\n`);
say('ready');

for (let round = 0; ; round++) {
  const session = await ledger.identity.verificationSessions.create({ type: 'document', metadata: { round: String(round) } });
  say(`ack create ${session.id}`);
  if (round % 3 === 0) {
    await ledger.testHelpers.identity.verificationSessions.verify(session.id);
    await ledger.whenIdle();
    say(`ack verified ${session.id}`);
  } else {
    const value = `v${round}`;
    await ledger.identity.verificationSessions.update(session.id, { metadata: { step: value } });
    say(`ack metadata ${session.id} ${value}`);
  }
}
