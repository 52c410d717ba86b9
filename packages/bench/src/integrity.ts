import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { exportAudit, signCheckpoint } from '@idledger/core';
import { generateSignerKey, parseSignerKey, verifyExport } from '@idledger/integrity';
import { createSqliteEventStore, openLedgerDatabase } from '@idledger/store-sqlite';
import * as E from 'fp-ts/lib/Either.js';
import { generate, ledgerSerializer } from './rebuild.js';
import { elapsedMs, log, MB, round, tempDir } from './support.js';

/**
 * 4. Integrity: on a log of real chained and sealed events (the rebuild benchmark's generator),
 * how long signing a checkpoint over the whole log takes, how fast an audit export of everything
 * is written, and how fast the offline verifier checks it.
 */

export interface IntegrityResult {
  readonly events: number;
  readonly checkpointSeconds: number;
  readonly checkpointEventsPerSecond: number;
  readonly exportSeconds: number;
  readonly exportEventsPerSecond: number;
  readonly bundleMB: number;
  readonly verifySeconds: number;
  readonly verifyRecordsPerSecond: number;
  readonly verified: boolean;
}

export const runIntegrityBenchmark = async (targetEvents: number): Promise<IntegrityResult> => {
  const temp = tempDir(`integrity-${targetEvents}`);
  try {
    const file = temp.file('ledger.db');
    log(`integrity: generating ≥ ${targetEvents} events`);
    const generated = await generate(file, targetEvents);
    const database = openLedgerDatabase(file);
    const store = createSqliteEventStore(database);
    const { serializer, close } = ledgerSerializer(file);
    try {
      const signer = parseSignerKey(generateSignerKey('idledger.bench/ledger'));
      if (E.isLeft(signer)) throw new Error('signer');
      const deps = {
        store,
        serializer,
        signer: signer.right,
        origin: signer.right.name,
        clock: () => new Date(),
        newEventId: () => randomUUID(),
        actor: { type: 'system', component: 'bench' } as const,
      };
      log('integrity: signing a checkpoint over the whole log');
      let started = performance.now();
      const checkpoint = await signCheckpoint(deps);
      const checkpointMs = elapsedMs(started);
      if (E.isLeft(checkpoint)) throw new Error(`checkpoint: ${JSON.stringify(checkpoint.left)}`);

      log('integrity: exporting everything');
      started = performance.now();
      const bundle = await exportAudit({ ...deps, generator: 'idledger bench' }, {});
      const exportMs = elapsedMs(started);
      if (E.isLeft(bundle)) throw new Error(`export: ${JSON.stringify(bundle.left)}`);
      const bundleBytes = [...bundle.right.files.values()].reduce((sum, bytes) => sum + bytes.length, 0);

      log('integrity: verifying the export');
      started = performance.now();
      const verified = verifyExport(bundle.right.files, [signer.right]);
      const verifyMs = elapsedMs(started);
      void statSync(file);
      return {
        events: generated.events,
        checkpointSeconds: round(checkpointMs / 1000, 2),
        checkpointEventsPerSecond: round(generated.events / (checkpointMs / 1000), 0),
        exportSeconds: round(exportMs / 1000, 2),
        exportEventsPerSecond: round(bundle.right.records / (exportMs / 1000), 0),
        bundleMB: round(bundleBytes / MB, 1),
        verifySeconds: round(verifyMs / 1000, 2),
        verifyRecordsPerSecond: round(verified.records / (verifyMs / 1000), 0),
        verified: verified.ok,
      };
    } finally {
      close();
      await store.close();
      database.close();
    }
  } finally {
    temp.cleanup();
  }
};
