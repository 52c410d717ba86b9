import { cliFailure, withLedger, type Command } from '../context.js';
import { table, toJson } from '../output.js';

/**
 * `idledger holds place|lift|list` and `idledger retention sweep`: legal holds on a session or a
 * customer, and redaction of the records whose retention period has passed.
 */

export const placeHold =
  (subject: string): Command<{ readonly reference: string; readonly reason: string }> =>
  (options, io) =>
    withLedger(options, 'write', async (ledger) => {
      const hold = await ledger.compliance.legalHolds.place(subject, { reference: options.reference, reason: options.reason });
      io.out(options.json ? toJson(hold) : `Placed ${hold.id} on ${subject} (${hold.reference}).`);
    });

export const liftHold =
  (subject: string, hold: string): Command<{ readonly reason: string }> =>
  (options, io) =>
    withLedger(options, 'write', async (ledger) => {
      const lifted = await ledger.compliance.legalHolds.lift(subject, hold, { reason: options.reason });
      io.out(options.json ? toJson(lifted) : `Lifted ${hold} from ${subject}.`);
    });

export const listHolds =
  (subject: string): Command<object> =>
  (options, io) =>
    withLedger(options, 'read', async (ledger) => {
      const holds = await ledger.compliance.legalHolds.list(subject);
      if (options.json) io.out(toJson(holds));
      else if (holds.length === 0) io.out(`No legal hold on ${subject}.`);
      else io.out(table(['hold', 'reference', 'reason', 'placed'], holds.map((hold) => [hold.id, hold.reference, hold.reason, new Date(hold.placed_at * 1000).toISOString()])));
    });

export interface SweepOptions {
  readonly policy: string;
  readonly periodDays: number;
}

export const retentionSweep: Command<SweepOptions> = (options, io) =>
  withLedger(
    options,
    'write',
    async (ledger) => {
      const result = await ledger.compliance.retention.sweep();
      await ledger.whenIdle();
      if (options.json) io.out(toJson(result));
      else {
        io.out(`Redacted ${result.redacted.length} sessions whose retention under ${options.policy} expired; ${result.retained} still retained, ${result.held} held.`);
        for (const id of result.redacted) io.out(`  ${id}`);
      }
    },
    { retention: { id: options.policy, periodDays: options.periodDays } },
  );

export const positiveDays = (value: string): number => {
  const days = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(days > 0)) throw cliFailure(`--period-days expects a positive number of days, got '${value}'.`, 2);
  return days;
};
