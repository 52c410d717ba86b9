import type Database from 'better-sqlite3';

/**
 * The read-model tables: one per projection, columns for what lists filter and sort on, a JSON
 * document for the rest. Every list index ends in (created, created_position) after its equality
 * columns, so a filtered page is one index range read in `ORDER BY created DESC,
 * created_position DESC` order, never a sort.
 */

export const PROJECTIONS = ['sessions', 'reports', 'audit', 'customers', 'idempotency'] as const;
export type ProjectionName = (typeof PROJECTIONS)[number];

export type TableNames = Readonly<Record<ProjectionName, string>>;

export const LIVE_TABLES: TableNames = {
  sessions: 'rm_sessions',
  reports: 'rm_reports',
  audit: 'rm_audit',
  customers: 'rm_customers',
  idempotency: 'rm_idempotency',
};

export const NEXT_TABLES: TableNames = {
  sessions: 'rm_sessions__next',
  reports: 'rm_reports__next',
  audit: 'rm_audit__next',
  customers: 'rm_customers__next',
  idempotency: 'rm_idempotency__next',
};

export const CHECKPOINT_TABLE = 'rm_checkpoints';

/**
 * What `applyEvent` reads while folding a projection: a report needs its session's state, an
 * idempotency record the livemode of its session or customer. Rebuilding a projection means
 * rebuilding these too (into scratch tables that are dropped, not swapped in).
 */
export const DEPENDENCIES: Readonly<Record<ProjectionName, ReadonlyArray<ProjectionName>>> = {
  sessions: [],
  reports: ['sessions'],
  audit: ['sessions'],
  customers: [],
  idempotency: ['sessions', 'customers'],
};

export const withDependencies = (selected: ReadonlySet<ProjectionName>): ReadonlySet<ProjectionName> =>
  new Set(PROJECTIONS.filter((name) => selected.has(name) || [...selected].some((chosen) => DEPENDENCIES[chosen].includes(name))));

interface TableSpec {
  readonly columns: string;
  /**
   * Columns a newer version added (name → type), part of `columns` too: a table created by an
   * older version gets them on open, NULL in its existing rows, which the codec reads as before.
   */
  readonly added?: Readonly<Record<string, string>>;
  readonly options?: string;
  /** Purpose → indexed columns (and partial-index condition). */
  readonly indexes: Readonly<Record<string, string>>;
}

const ORDER = 'created, created_position';

const TABLES: Readonly<Record<ProjectionName, TableSpec>> = {
  sessions: {
    columns: `id TEXT PRIMARY KEY, livemode INTEGER NOT NULL, created INTEGER NOT NULL, created_position INTEGER NOT NULL,
      status TEXT NOT NULL, related_customer TEXT, related_customer_account TEXT, client_reference_id TEXT,
      revision INTEGER NOT NULL, doc TEXT NOT NULL, detail TEXT`,
    // The bulky part of a session's state, kept out of `doc` so that list pages do not decode it (codec.ts).
    added: { detail: 'TEXT' },
    indexes: {
      list: `(livemode, ${ORDER})`,
      status: `(livemode, status, ${ORDER})`,
      // Partial: most sessions have none of these, and `col = ?` lets SQLite use a `col IS NOT NULL` index.
      customer: `(livemode, related_customer, ${ORDER}) WHERE related_customer IS NOT NULL`,
      // A customer's sessions in one status: a rare status would otherwise mean reading them all.
      customer_status: `(livemode, related_customer, status, ${ORDER}) WHERE related_customer IS NOT NULL`,
      account: `(livemode, related_customer_account, ${ORDER}) WHERE related_customer_account IS NOT NULL`,
      reference: `(livemode, client_reference_id, ${ORDER}) WHERE client_reference_id IS NOT NULL`,
    },
  },
  reports: {
    columns: `id TEXT PRIMARY KEY, session_id TEXT NOT NULL, livemode INTEGER NOT NULL, created INTEGER NOT NULL,
      created_position INTEGER NOT NULL, type TEXT NOT NULL, client_reference_id TEXT, doc TEXT NOT NULL`,
    indexes: {
      list: `(livemode, ${ORDER})`,
      session: `(livemode, session_id, ${ORDER})`,
      type: `(livemode, type, ${ORDER})`,
      reference: `(livemode, client_reference_id, ${ORDER}) WHERE client_reference_id IS NOT NULL`,
    },
  },
  audit: {
    columns: `session_id TEXT NOT NULL, position INTEGER NOT NULL, revision INTEGER NOT NULL, occurred_at INTEGER,
      recorded_at INTEGER, doc TEXT NOT NULL, PRIMARY KEY (session_id, position)`,
    options: 'WITHOUT ROWID',
    indexes: {},
  },
  customers: {
    columns: `id TEXT PRIMARY KEY, livemode INTEGER NOT NULL, created INTEGER NOT NULL, created_position INTEGER NOT NULL,
      email TEXT, doc TEXT NOT NULL`,
    indexes: {
      list: `(livemode, ${ORDER})`,
      email: `(livemode, email, ${ORDER}) WHERE email IS NOT NULL`,
    },
  },
  idempotency: {
    columns: `scope TEXT PRIMARY KEY, key TEXT NOT NULL, livemode INTEGER NOT NULL, fingerprint TEXT NOT NULL,
      stream TEXT NOT NULL, revision INTEGER NOT NULL`,
    indexes: {},
  },
};

/**
 * Index names are global in SQLite and keep their name when their table is renamed, so the live
 * and the next generation of an index alternate between the suffixes `_a` and `_b`.
 */
const indexName = (projection: ProjectionName, purpose: string, suffix: 'a' | 'b') => `${LIVE_TABLES[projection]}__${purpose}_${suffix}`;

const indexNamesOf = (database: Database.Database, table: string): ReadonlySet<string> =>
  new Set((database.prepare(`PRAGMA index_list("${table}")`).all() as Array<{ name: string }>).map((index) => index.name));

const columnNamesOf = (database: Database.Database, table: string): ReadonlySet<string> =>
  new Set((database.prepare(`PRAGMA table_info("${table}")`).all() as Array<{ name: string }>).map((column) => column.name));

const indexExists = (database: Database.Database, name: string): boolean =>
  database.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?`).get(name) !== undefined;

/**
 * The indexes the fold itself reads through (a session's reports); a rebuild creates the others
 * only after the replay, since building an index once is far cheaper than keeping it up per row.
 */
const NEEDED_BY_FOLD: Readonly<Partial<Record<ProjectionName, ReadonlyArray<string>>>> = { reports: ['session'] };

/** Idempotent; also adds an index that a newer version defines to an existing table. */
const createTable = (database: Database.Database, projection: ProjectionName, table: string, listIndexes = true) => {
  const spec = TABLES[projection];
  database.exec(`CREATE TABLE IF NOT EXISTS "${table}" (${spec.columns}) ${spec.options ?? ''}`);
  const columns = columnNamesOf(database, table);
  for (const [column, type] of Object.entries(spec.added ?? {})) {
    if (!columns.has(column)) database.exec(`ALTER TABLE "${table}" ADD COLUMN ${column} ${type}`);
  }
  const existing = indexNamesOf(database, table);
  for (const [purpose, definition] of Object.entries(spec.indexes)) {
    if (!listIndexes && !(NEEDED_BY_FOLD[projection] ?? []).includes(purpose)) continue;
    const [a, b] = [indexName(projection, purpose, 'a'), indexName(projection, purpose, 'b')];
    if (existing.has(a) || existing.has(b)) continue;
    const [columns, condition] = definition.split(' WHERE ');
    const name = indexExists(database, a) ? b : a;
    database.exec(`CREATE INDEX "${name}" ON "${table}" ${columns}${condition ? ` WHERE ${condition}` : ''}`);
  }
};

/** Creates what is missing, in one transaction so the checkpoints always cover every table. */
export const ensureSchema = (database: Database.Database): void => {
  database.transaction(() => {
    for (const projection of PROJECTIONS) createTable(database, projection, LIVE_TABLES[projection]);
    database.exec(`CREATE TABLE IF NOT EXISTS ${CHECKPOINT_TABLE} (projection TEXT PRIMARY KEY, position INTEGER)`);
    const insert = database.prepare(`INSERT OR IGNORE INTO ${CHECKPOINT_TABLE} (projection, position) VALUES (?, NULL)`);
    for (const projection of PROJECTIONS) insert.run(projection);
  }).immediate();
};

/**
 * Fresh, empty next-generation tables with only the indexes the fold needs; leftovers of an
 * interrupted rebuild are dropped first. `indexNextTables` adds the list indexes after the replay.
 */
export const createNextTables = (database: Database.Database, projections: ReadonlySet<ProjectionName>): void => {
  database.transaction(() => {
    dropNextTables(database, new Set(PROJECTIONS));
    for (const projection of projections) createTable(database, projection, NEXT_TABLES[projection], false);
  }).immediate();
};

export const indexNextTables = (database: Database.Database, projections: ReadonlySet<ProjectionName>): void => {
  database.transaction(() => {
    for (const projection of projections) createTable(database, projection, NEXT_TABLES[projection]);
  }).immediate();
};

export const dropNextTables = (database: Database.Database, projections: ReadonlySet<ProjectionName>): void => {
  for (const projection of projections) database.exec(`DROP TABLE IF EXISTS "${NEXT_TABLES[projection]}"`);
};

/** Blue/green: must run inside the caller's transaction, with the checkpoints it sets. */
export const swapInNextTables = (database: Database.Database, projections: ReadonlySet<ProjectionName>): void => {
  for (const projection of projections) {
    database.exec(`DROP TABLE "${LIVE_TABLES[projection]}"`);
    database.exec(`ALTER TABLE "${NEXT_TABLES[projection]}" RENAME TO "${LIVE_TABLES[projection]}"`);
  }
};
