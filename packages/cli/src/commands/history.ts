import { withLedger, type Command } from '../context.js';
import { toJson } from '../output.js';
import { details, timeline } from './views.js';

export interface HistoryOptions {
  readonly asOf?: Date;
  readonly revision?: bigint;
}

/**
 * `idledger history <vs_id> [--as-of <time> | --revision <n>]`: the session as it was at that
 * point, and every event up to it with its actor, its request and the fields it changed.
 */
export const history =
  (id: string): Command<HistoryOptions> =>
  (options, io) =>
    withLedger(options, 'read', async (ledger) => {
      const result = await ledger.history(id, {
        ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
        ...(options.revision === undefined ? {} : { revision: options.revision }),
      });
      if (options.json) {
        io.out(toJson(result));
        return;
      }
      const point = options.revision !== undefined ? `revision ${options.revision}` : options.asOf ? options.asOf.toISOString() : 'now';
      io.out(`${id} as of ${point} (revision ${result.revision})\n\n${details(result.session)}\n\nEvents\n${timeline(result.events)}`);
    });
