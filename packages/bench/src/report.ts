import type { BenchResults } from './main.js';

/** The human-readable report printed after a run; the JSON file has everything. */

/** `align`: one letter per column, l or r; by default the first column left and the rest right. */
const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string | number>>, align?: string): string => {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const left = (column: number) => (align === undefined ? column === 0 : align[column] === 'l');
  const line = (row: ReadonlyArray<string>) =>
    row
      .map((cell, column) => (left(column) ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
};

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number): string => fmt(n, n < 10 ? 2 : 1);
/** The index a plan reads, and whether it sorts. */
const indexOf = (plan: string): string => {
  const indexes = [...plan.matchAll(/USING (?:COVERING )?INDEX (\S+)/g)].map((match) => match[1]!.replace(/^rm_sessions__/, ''));
  const scan = /SCAN \S+(?! USING)/.test(plan) && indexes.length === 0 ? 'full scan' : indexes.join(', ');
  return `${scan}${/TEMP B-TREE/.test(plan) ? ' + sort' : ''}`;
};
const verdict = (met: boolean): string => (met ? 'MET' : 'MISSED');
/** Long SQL shortened in the middle, so statements that share a beginning stay apart. */
const abbreviate = (sql: string, width = 96): string => (sql.length <= width ? sql : `${sql.slice(0, width - 40)} … ${sql.slice(-37)}`);

export const printReport = (results: BenchResults): string => {
  const out: Array<string> = [];
  const { machine } = results;
  out.push(`\nidledger benchmarks${results.quick ? ' (--quick: smoke sizes, figures not meaningful)' : ''}`);
  out.push(`machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGB} GB, Node ${machine.node}, ${machine.platform}; total ${results.totalSeconds} s\n`);

  if (results.lifecycle !== undefined) {
    const { runs, ratios, eventsPerLifecycle, meanEventBytes } = results.lifecycle;
    out.push(
      `1. Full lifecycle (create → submit → verified), one at a time, ${runs[0]?.lifecycles ?? 0} lifecycles each, the contenders taking turns in ${results.lifecycle.rounds} rounds`,
    );
    out.push(`   ${eventsPerLifecycle} events per lifecycle, mean ${meanEventBytes} bytes of data + metadata per event\n`);
    out.push(
      table(
        ['contender', 'synchronous', 'lifecycles/s', 'commands/s', 'p50 ms', 'p99 ms', 'max ms'],
        runs.map((run) => [run.name, run.synchronous, fmt(run.lifecyclesPerSecond, 1), fmt(run.commandsPerSecond, 1), ms(run.latency.p50Ms), ms(run.latency.p99Ms), ms(run.latency.maxMs)]),
        'llrrrrr',
      ),
    );
    const stepRows = runs.flatMap((run) =>
      Object.entries(run.steps ?? {}).map(([step, summary]) => [`${run.name}: ${step}`, ms(summary.p50Ms), ms(summary.p99Ms), ms(summary.meanMs)]),
    );
    if (stepRows.length > 0) {
      out.push('\n   per step:');
      out.push(table(['step', 'p50 ms', 'p99 ms', 'mean ms'], stepRows));
    }
    for (const run of runs) for (const note of run.notes ?? []) out.push(`   note (${run.name}): ${note}`);
    for (const breakdown of results.lifecycle.breakdown ?? []) {
      out.push(
        `\n   SQLite statements per lifecycle, ${breakdown.name} (instrumented pass of ${breakdown.lifecycles}): ` +
          `${ms(breakdown.wallMsPerLifecycle)} ms wall, ${ms(breakdown.sqlMsPerLifecycle)} ms in SQLite, ${breakdown.commitsPerLifecycle} commits`,
      );
      out.push(
        table(
          ['statement', 'calls', 'ms', 'mean µs'],
          breakdown.statements.slice(0, 8).map((st) => [abbreviate(st.sql), fmt(st.callsPerUnit, 2), ms(st.msPerUnit), fmt(st.meanUs, 1)]),
        ),
      );
    }
    out.push('');
    out.push(`   idledger / ceiling = ${ratios.idledgerToCeiling} (target ≥ ${ratios.targetCeilingRatio}): ${verdict(ratios.ceilingTargetMet)}`);
    out.push(`   idledger / emmett  = ${ratios.idledgerToEmmett} (target ≥ ${ratios.targetEmmettRatio}): ${verdict(ratios.emmettTargetMet)}`);
    out.push(`   idledger / (ceiling + the same read-model rows) = ${ratios.idledgerToCeilingWithViews} (diagnostic, no target)\n`);
  }

  if (results.rebuild !== undefined) {
    out.push('2. Projection rebuild (readModel.rebuild: every projection, blue/green swap)\n');
    out.push(
      table(
        ['events', 'sessions', 'file MB', 'rebuild s', 'events/s', 'target ≥150k/s', 'heap base MB', 'peak heap MB', 'peak heap growth MB', 'peak RSS MB'],
        results.rebuild.map((r) => [
          fmt(r.events),
          fmt(r.sessions),
          fmt(r.fileMB, 1),
          fmt(r.seconds, 2),
          fmt(r.eventsPerSecond),
          verdict(r.target.met),
          fmt(r.memory.baselineHeapUsedMB, 1),
          fmt(r.memory.peakHeapUsedMB, 1),
          fmt(r.memory.peakHeapGrowthMB, 1),
          fmt(r.memory.peakRssMB, 1),
        ]),
        'rrrrrrrrrr',
      ),
    );
    out.push(`\n   heap retained after a forced GC at 25/50/75/100% of the rebuild (MB): ${results.rebuild.map((r) => `${fmt(r.events)} events: ${r.retainedHeapMB.map((mb) => fmt(mb, 1)).join(' / ')}`).join('; ')}`);
    const growth = results.rebuildMemoryGrowth;
    if (growth !== undefined) {
      out.push(
        `\n   peak heap growth at ${fmt(growth.largeEvents)} events / at ${fmt(growth.smallEvents)} events = ${growth.heapGrowthRatio}` +
          ` (${fmt(growth.largeEvents / growth.smallEvents, 1)}× the events): ${growth.flat ? 'flat, MET' : 'grows, MISSED'}`,
      );
    }
    const diagnosed = results.rebuild.find((r) => r.diagnostics !== undefined);
    if (diagnosed?.diagnostics !== undefined) {
      const d = diagnosed.diagnostics;
      out.push(`\n   where the time goes at ${fmt(diagnosed.events)} events:`);
      out.push(`   store.readAll() alone: ${fmt(d.readAllEventsPerSecond)} events/s; readAll + serializer.deserialize: ${fmt(d.readAndDecodeEventsPerSecond)} events/s`);
      out.push(`   as the rebuild reads (paged raw rows + serializer.deserializeMany): ${fmt(d.pagedReadAndDecodeEventsPerSecond)} events/s`);
      out.push(`   instrumented rebuild: ${fmt(d.instrumentedEventsPerSecond)} events/s, ${fmt(d.wallMsPerEvent * 1000, 1)} µs per event of which ${fmt(d.sqlMsPerEvent * 1000, 1)} µs in SQLite statements:`);
      out.push(
        table(
          ['statement', 'per event', 'µs per event', 'mean µs', 'share'],
          d.statements.slice(0, 10).map((st) => [abbreviate(st.sql), fmt(st.callsPerUnit, 3), fmt(st.msPerUnit * 1000, 1), fmt(st.meanUs, 1), `${fmt(st.shareOfWall * 100, 1)}%`]),
        ),
      );
    }
    out.push(`   (generating the logs took ${results.rebuild.map((r) => `${r.generateSeconds} s`).join(', ')}; not part of the figures)\n`);
  }

  if (results.list !== undefined) {
    out.push('3. List latency: pages of 100 (limit=100), livemode=false\n');
    for (const size of results.list.sizes) {
      out.push(
        `   ${fmt(size.sessions)} sessions (${fmt(size.events)} events applied in ${size.buildSeconds} s, ${fmt(size.buildEventsPerSecond)} events/s; file ${fmt(size.fileMB, 1)} MB)`,
      );
      out.push(
        table(
          ['query', 'rows', 'readModel p50', 'readModel p99', 'CPU p99', 'of which SQL (mean)', 'GC pauses (max ms)', 'API p50', 'API p99', 'CPU p99', 'index (EXPLAIN QUERY PLAN)'],
          size.queries.map((q) => [
            q.name,
            fmt(q.meanRows, 1),
            ms(q.readModel.p50Ms),
            ms(q.readModel.p99Ms),
            ms(q.readModelCpu.p99Ms),
            ms(q.sqlMeanMs),
            `${q.gc.pauses} (${ms(q.gc.maxMs)})`,
            ms(q.api.p50Ms),
            ms(q.api.p99Ms),
            ms(q.apiCpu.p99Ms),
            indexOf(q.plan),
          ]),
          'lrrrrrrrrrl',
        ),
      );
      if (size.bytesPerSession !== undefined) {
        out.push(`   bytes per session: ${Object.entries(size.bytesPerSession).map(([name, bytes]) => `${name.replace(/^rm_/, '')} ${fmt(bytes)}`).join(', ')}`);
      }
      out.push(
        `   worst p99: read model ${ms(size.worstP99Ms.readModel)} ms (${verdict(size.target.metAtReadModel)}), API ${ms(size.worstP99Ms.api)} ms (${verdict(size.target.metAtApi)}); target ≤ 2 ms`,
      );
      out.push(
        `   worst CPU-time p99: read model ${ms(size.worstCpuP99Ms.readModel)} ms, API ${ms(size.worstCpuP99Ms.api)} ms; load average ${size.loadAverage} on ${results.machine.cpus} cores when querying began\n`,
      );
    }
    for (const note of results.list.notes) out.push(`   note: ${note}`);
  }
  if (results.integrity !== undefined) {
    const r = results.integrity;
    out.push(`\n4. Integrity, on a log of ${r.events} chained and sealed events`);
    out.push(
      table(
        ['step', 'seconds', 'events/s'],
        [
          ['sign a checkpoint over the whole log', fmt(r.checkpointSeconds, 2), fmt(r.checkpointEventsPerSecond, 0)],
          [`audit export of everything (${r.bundleMB} MB)`, fmt(r.exportSeconds, 2), fmt(r.exportEventsPerSecond, 0)],
          [`offline verification (${r.verified ? 'verified' : 'FAILED'})`, fmt(r.verifySeconds, 2), fmt(r.verifyRecordsPerSecond, 0)],
        ],
        'lrr',
      ),
    );
  }
  if (results.checks !== undefined) {
    out.push('\n5. Checks: the pure functions, one call at a time');
    out.push(table(['check', 'calls', 'calls/s'], results.checks.pure.map((run) => [run.name, fmt(run.iterations), fmt(run.opsPerSecond)])));
    out.push('\n   end-user flow (create, 2 uploads, document, selfie, ID number, consent, submit, outcome), one at a time:');
    out.push(
      table(
        ['ledger', 'flows', 'verified', 'flows/s', 'p50 ms', 'p99 ms', 'max ms'],
        results.checks.flows.map((run) => [run.name, fmt(run.flows), fmt(run.verified), fmt(run.flowsPerSecond, 1), ms(run.latency.p50Ms), ms(run.latency.p99Ms), ms(run.latency.maxMs)]),
      ),
    );
  }
  if (results.http !== undefined) {
    const { runs, connections, durationSeconds } = results.http;
    const ceiling = (operation: string) => runs.find((run) => run.contender === 'ceiling' && run.operation === operation)?.requestsPerSecond ?? Number.NaN;
    out.push(`\n6. HTTP over loopback: ${connections} connections, ${durationSeconds} s per measurement, each server in its own process`);
    out.push('   ceiling: a bare node:http handler answering one fixed JSON session body\n');
    out.push(
      table(
        ['server', 'operation', 'requests/s', 'of ceiling', 'p50 ms', 'p99 ms', 'max ms', 'requests', 'non-2xx', 'errors'],
        runs.map((run) => [
          run.contender,
          run.operation,
          fmt(run.requestsPerSecond),
          `${fmt((100 * run.requestsPerSecond) / ceiling(run.operation))} %`,
          ms(run.p50Ms),
          ms(run.p99Ms),
          ms(run.maxMs),
          fmt(run.requests),
          fmt(run.non2xx),
          fmt(run.errors),
        ]),
        'llrrrrrrrr',
      ),
    );
  }
  return `${out.join('\n')}\n`;
};
