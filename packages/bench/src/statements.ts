import Database from 'better-sqlite3';
import { round } from './support.js';

/**
 * Where the SQLite time goes: wraps better-sqlite3's Statement methods (process-wide) to count
 * and time each SQL text, COMMIT included. Only used by the diagnostic passes, never while the
 * headline figures are measured: the wrapper costs a fraction of a microsecond per statement.
 */

export interface StatementCost {
  readonly sql: string;
  readonly calls: number;
  /** Per unit of work (per lifecycle, per event): calls and milliseconds. */
  readonly callsPerUnit: number;
  readonly msPerUnit: number;
  readonly meanUs: number;
  readonly shareOfWall: number;
}

type Method = (this: Database.Statement, ...args: Array<unknown>) => unknown;

interface State {
  readonly stats: Map<string, { calls: number; ms: number }>;
  active: boolean;
  /** SQL texts (without the method suffix) in order of first use, while active. */
  readonly seen: Set<string>;
}

let installed: State | undefined;

const install = () => {
  if (installed !== undefined) return installed;
  const state: State = { stats: new Map(), active: false, seen: new Set() };
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, Method>;
  probe.close();
  const keys = new WeakMap<object, string>();
  const keyOf = (statement: Database.Statement, method: string): string => {
    let key = keys.get(statement);
    if (key === undefined) {
      key = statement.source.replace(/\s+/g, ' ').trim();
      keys.set(statement, key);
    }
    state.seen.add(key);
    return method === 'run' ? key : `${key} [${method}]`;
  };
  for (const method of ['run', 'get', 'all', 'iterate'] as const) {
    const original = proto[method]!;
    proto[method] = function (this: Database.Statement, ...args: Array<unknown>) {
      if (!state.active) return original.apply(this, args);
      const started = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const key = keyOf(this, method);
        const entry = state.stats.get(key);
        const ms = performance.now() - started;
        if (entry === undefined) state.stats.set(key, { calls: 1, ms });
        else {
          entry.calls++;
          entry.ms += ms;
        }
      }
    };
  }
  installed = state;
  return state;
};

/** Runs `work` with statements timed; `units` is how many lifecycles / events it did. */
/** The SQL texts `work` ran, in order of first use. */
export const statementsRun = async (work: () => Promise<unknown>): Promise<ReadonlyArray<string>> => {
  const state = install();
  state.seen.clear();
  state.active = true;
  try {
    await work();
  } finally {
    state.active = false;
  }
  return [...state.seen];
};

export const measureStatements = async <A>(
  work: () => Promise<A>,
  unitsOf: (result: A) => number,
  top = 12,
): Promise<{ readonly result: A; readonly wallMsPerUnit: number; readonly sqlMsPerUnit: number; readonly statements: ReadonlyArray<StatementCost> }> => {
  const state = install();
  state.stats.clear();
  state.active = true;
  const started = performance.now();
  let result: A;
  try {
    result = await work();
  } finally {
    state.active = false;
  }
  const wall = performance.now() - started;
  const units = Math.max(1, unitsOf(result));
  const all = [...state.stats].sort((a, b) => b[1].ms - a[1].ms);
  const sqlMs = all.reduce((sum, [, entry]) => sum + entry.ms, 0);
  return {
    result,
    wallMsPerUnit: round(wall / units, 4),
    sqlMsPerUnit: round(sqlMs / units, 4),
    statements: all.slice(0, top).map(([sql, entry]) => ({
      sql,
      calls: entry.calls,
      callsPerUnit: round(entry.calls / units, 4),
      msPerUnit: round(entry.ms / units, 4),
      meanUs: round((entry.ms / entry.calls) * 1000, 1),
      shareOfWall: round(entry.ms / wall, 3),
    })),
  };
};
