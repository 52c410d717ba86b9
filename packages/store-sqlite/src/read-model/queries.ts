import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { resourceMissing, type IdentityError } from '@idledger/core/domain';
import type { Page, PageQuery } from '@idledger/core/ledger';
import { bit, type OrderColumns } from './codec.js';

/**
 * Stripe's cursor pagination as one index range read: newest first by (created,
 * created_position); `starting_after` walks to older rows, `ending_before` to newer ones (read
 * oldest first from the cursor, then reversed). One row past the page answers `has_more`.
 */

export interface Filter {
  readonly column: string;
  readonly value: string | undefined;
  /** Served by the same index as the filter just before it, when that one picks the index. */
  readonly withPrevious?: boolean;
}

export interface ListSpec<Stored, Row> {
  readonly table: string;
  readonly select: string;
  /** Named in `resource_missing` errors for an unknown cursor. */
  readonly objectName: string;
  readonly decode: (stored: Stored) => Row;
}

/**
 * A bound on the list order (created, created_position). A created filter bounds whole seconds:
 * `created > X` is `(created, position) > (X, max)`, `created >= X` is `>= (X, min)`; a cursor
 * bounds at its own row.
 */
interface Bound {
  readonly created: number | bigint;
  readonly position: bigint | 'min' | 'max';
}

const comparePositions = (a: Bound['position'], b: Bound['position']): number => {
  if (a === b) return 0;
  if (a === 'min' || b === 'max') return -1;
  if (a === 'max' || b === 'min') return 1;
  return a < b ? -1 : 1;
};

const compareBounds = (a: Bound, b: Bound): number =>
  Number(a.created) !== Number(b.created) ? Number(a.created) - Number(b.created) : comparePositions(a.position, b.position);

/**
 * SQLite ranges an index over one lower and one upper bound and only filters with the others, so
 * a created filter and a cursor on the same side would leave it to chance which one bounds the
 * read. Only the tighter bound of each side is emitted; it implies the other.
 */
const tightest = (bounds: ReadonlyArray<Bound | undefined>, side: 'lower' | 'upper'): Bound | undefined =>
  bounds.reduce<Bound | undefined>((best, bound) => {
    if (bound === undefined || best === undefined) return best ?? bound;
    const order = compareBounds(bound, best);
    return (side === 'lower' ? order > 0 : order < 0) ? bound : best;
  }, undefined);

const boundSql = (bound: Bound, side: 'lower' | 'upper', where: Array<string>, params: Array<unknown>) => {
  if (bound.position === 'min' || bound.position === 'max') {
    const inclusive = (side === 'lower') === (bound.position === 'min');
    where.push(`created ${side === 'lower' ? '>' : '<'}${inclusive ? '=' : ''} ?`);
    params.push(bound.created);
  } else {
    where.push(`(created, created_position) ${side === 'lower' ? '>' : '<'} (?, ?)`);
    params.push(bound.created, bound.position);
  }
};

export type Lister = <Stored, Row>(
  spec: ListSpec<Stored, Row>,
  query: PageQuery,
  /** Most selective first: only the first given filter may pick the index. */
  filters: ReadonlyArray<Filter>,
) => E.Either<IdentityError, Page<Row>>;

export const createLister = (database: Database.Database): Lister => {
  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let prepared = statements.get(sql);
    if (prepared === undefined) {
      prepared = database.prepare(sql).safeIntegers(true);
      statements.set(sql, prepared);
    }
    return prepared;
  };

  return (spec, query, filters) => {
    const where = ['livemode = ?'];
    const params: Array<unknown> = [bit(query.livemode)];
    // Without statistics SQLite rates every equality after the leading livemode column as no
    // better than none, and may range over the bare list index. `unlikely()` marks the first
    // filter as the selective one; a unary `+` keeps the others out of index selection.
    let indexing = true;
    filters
      .filter((filter) => filter.value !== undefined)
      .forEach((filter, index) => {
        indexing = index === 0 || (indexing && filter.withPrevious === true);
        where.push(indexing ? `unlikely(${filter.column} = ?)` : `+${filter.column} = ?`);
        params.push(filter.value);
      });

    const [cursorParam, cursorId] =
      query.ending_before !== undefined
        ? (['ending_before', query.ending_before] as const)
        : query.starting_after !== undefined
          ? (['starting_after', query.starting_after] as const)
          : [undefined, undefined];
    let cursor: Bound | undefined;
    if (cursorParam !== undefined) {
      const row = statement(`SELECT created, created_position FROM "${spec.table}" WHERE id = ? AND livemode = ?`).get(
        cursorId,
        bit(query.livemode),
      ) as OrderColumns | undefined;
      if (row === undefined) return E.left(resourceMissing(spec.objectName, cursorId, cursorParam));
      cursor = { created: row.created, position: row.created_position };
    }
    const newer = cursorParam === 'ending_before';
    const { gt, gte, lt, lte } = query.created ?? {};
    const lower = tightest(
      [gt === undefined ? undefined : { created: gt, position: 'max' }, gte === undefined ? undefined : { created: gte, position: 'min' }, newer ? cursor : undefined],
      'lower',
    );
    const upper = tightest(
      [lt === undefined ? undefined : { created: lt, position: 'min' }, lte === undefined ? undefined : { created: lte, position: 'max' }, newer ? undefined : cursor],
      'upper',
    );
    if (lower !== undefined) boundSql(lower, 'lower', where, params);
    if (upper !== undefined) boundSql(upper, 'upper', where, params);

    const direction = newer ? 'ASC' : 'DESC';
    const sql = `SELECT ${spec.select} FROM "${spec.table}" WHERE ${where.join(' AND ')}
      ORDER BY created ${direction}, created_position ${direction} LIMIT ?`;
    const stored = statement(sql).all(...params, query.limit + 1) as Array<Parameters<typeof spec.decode>[0]>;
    const data = stored.slice(0, query.limit).map(spec.decode);
    return E.right({ data: newer ? data.reverse() : data, has_more: stored.length > query.limit });
  };
};

