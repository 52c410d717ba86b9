import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Shared by the benchmarks: latency summaries, memory sampling, temp files. */

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: ReadonlyArray<number>, p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
};

export const summarize = (samplesMs: ReadonlyArray<number>): LatencySummary => {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 50), 3),
    p90Ms: round(percentile(sorted, 90), 3),
    p99Ms: round(percentile(sorted, 99), 3),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN, 3),
    meanMs: round(sorted.length === 0 ? Number.NaN : total / sorted.length, 3),
  };
};

export const round = (value: number, digits = 1): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

export const MB = 1024 * 1024;

export interface MemoryPeak {
  readonly baselineHeapUsedMB: number;
  readonly baselineRssMB: number;
  readonly peakHeapUsedMB: number;
  readonly peakRssMB: number;
  /** Peak heap above the baseline taken (after a GC) just before the measured work. */
  readonly peakHeapGrowthMB: number;
  readonly samples: number;
}

/**
 * Samples `process.memoryUsage()` on a timer and whenever `sample()` is called (the timer alone
 * misses peaks while synchronous SQLite work holds the event loop).
 */
export const memorySampler = (intervalMs = 25) => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const baseline = process.memoryUsage();
  let peakHeap = baseline.heapUsed;
  let peakRss = baseline.rss;
  let samples = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    samples++;
    if (usage.heapUsed > peakHeap) peakHeap = usage.heapUsed;
    if (usage.rss > peakRss) peakRss = usage.rss;
  };
  const timer = setInterval(sample, intervalMs);
  const retained: Array<number> = [];
  return {
    sample,
    /** Heap still in use after a full GC: what the work holds on to, without its garbage. */
    sampleRetained: () => {
      sample();
      gc?.();
      retained.push(round(process.memoryUsage().heapUsed / MB));
    },
    retained: (): ReadonlyArray<number> => retained,
    stop: (): MemoryPeak => {
      clearInterval(timer);
      sample();
      return {
        baselineHeapUsedMB: round(baseline.heapUsed / MB),
        baselineRssMB: round(baseline.rss / MB),
        peakHeapUsedMB: round(peakHeap / MB),
        peakRssMB: round(peakRss / MB),
        peakHeapGrowthMB: round((peakHeap - baseline.heapUsed) / MB),
        samples,
      };
    },
  };
};

/** A fresh directory under the OS temp dir; removed by `cleanup()` unless BENCH_KEEP_FILES is set. */
export const tempDir = (label: string) => {
  const dir = mkdtempSync(join(tmpdir(), `idledger-bench-${label}-`));
  return {
    dir,
    file: (name: string) => join(dir, name),
    cleanup: () => {
      if (process.env.BENCH_KEEP_FILES) return;
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const elapsedMs = (startedAt: number): number => performance.now() - startedAt;

/** A small deterministic PRNG (mulberry32), so runs pick the same query parameters. */
export const prng = (seed: number) => {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (below: number) => Math.floor(next() * below) };
};

export const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};
