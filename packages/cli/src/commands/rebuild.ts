import type { ProjectionName } from '@idledger/store-sqlite';
import cliProgress from 'cli-progress';
import { cliFailure, withLedger, type Command } from '../context.js';
import { toJson } from '../output.js';

export const PROJECTIONS: ReadonlyArray<ProjectionName> = ['sessions', 'reports', 'audit', 'customers', 'idempotency'];

/**
 * `idledger rebuild [projection]`: replays the whole log into fresh tables and swaps them in,
 * while the old ones keep serving reads.
 */
export const rebuild =
  (projection: string | undefined): Command<object> =>
  async (options, io) => {
    if (projection !== undefined && !(PROJECTIONS as ReadonlyArray<string>).includes(projection)) {
      throw cliFailure(`Unknown projection '${projection}': choose one of ${PROJECTIONS.join(', ')}.`, 2);
    }
    await withLedger(options, 'read', async (ledger) => {
      const total = ledger.eventCount();
      const bar = io.interactive && !options.json
        ? new cliProgress.SingleBar(
            { format: 'Rebuilding {bar} {percentage}% | {value}/{total} events | {eta_buffer}s left', stream: process.stderr, etaBuffer: 50 },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      bar?.start(total, 0);
      const started = performance.now();
      const result = await ledger.readModel.rebuild(ledger.store, ledger.serializer, {
        ...(projection === undefined ? {} : { projections: [projection as ProjectionName] }),
        onProgress: ({ applied }) => bar?.update(Math.min(applied, total)),
      });
      bar?.update(total);
      bar?.stop();
      const seconds = (performance.now() - started) / 1000;
      const rebuilt = projection === undefined ? PROJECTIONS : [projection];
      if (options.json) {
        io.out(toJson({ projections: rebuilt, applied: result.applied, position: result.position, seconds }));
      } else {
        const rate = seconds > 0 ? Math.round(result.applied / seconds) : result.applied;
        io.out(`Rebuilt ${rebuilt.join(', ')} from ${result.applied} events in ${seconds.toFixed(2)} s (${rate} events/s).`);
      }
    });
  };
