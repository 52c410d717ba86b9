import type { VerificationReportObject, VerificationSessionObject } from '@idledger/core';
import { cliFailure, withLedger, type Command } from '../context.js';
import { toJson } from '../output.js';
import { runSeedFlows } from '../seed-flows.js';
import { reportsTable, sessionsTable, timeline } from './views.js';

/** `idledger demo`: the seed's flows on the embedded ledger, then what they left behind. */
export const demo: Command<object> = async (options, io) => {
  // The flows drive outcomes through the test helpers, which exist in test mode only.
  if (!/^(sk|rk)_test_/.test(options.apiKey)) throw cliFailure('demo runs in test mode: pass a test key (sk_test_…) or none.', 2);
  await withLedger(options, 'write', async (ledger) => {
    const narrate = options.json ? () => undefined : io.out;
    narrate(`Ledger: ${options.db}\n`);
    const result = await runSeedFlows(ledger, narrate);
    const ids = [...result.sessionIds];
    const sessions: Array<VerificationSessionObject> = [];
    for (const id of ids) sessions.push(await ledger.identity.verificationSessions.retrieve(id));
    const reports: Array<VerificationReportObject> = [];
    for (const id of ids) {
      for await (const report of ledger.identity.verificationReports.list({ verification_session: id })) reports.push(report);
    }
    const audit = await ledger.audit(result.redactedSessionId);
    if (options.json) {
      io.out(toJson({ customer: result.customerId, sessions, reports, audit: { session: result.redactedSessionId, events: audit } }));
      return;
    }
    io.out(`\nSessions\n${sessionsTable(sessions)}`);
    io.out(`\nReports\n${reportsTable(reports)}`);
    io.out(`\nAudit timeline of ${result.redactedSessionId}\n${timeline(audit)}`);
    io.out(`\nTry: idledger sessions list --db ${options.db}   ·   idledger history ${result.redactedSessionId} --db ${options.db}`);
  });
};
