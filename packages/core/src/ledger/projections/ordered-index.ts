import * as E from 'fp-ts/lib/Either.js';
import { resourceMissing, type IdentityError } from '../../domain/errors.js';
import type { CreatedRange, Page, PageQuery } from './read-model.js';

/**
 * Rows kept in list order (created, then log position), with Stripe's cursor pagination over
 * them: newest first, `starting_after` walks to older rows, `ending_before` to newer ones.
 */

export interface OrderKey {
  readonly created: number;
  readonly position: bigint;
}

const compareKeys = (a: OrderKey, b: OrderKey): number =>
  a.created !== b.created ? a.created - b.created : a.position < b.position ? -1 : a.position > b.position ? 1 : 0;

export const matchesCreated = (created: number, range: CreatedRange | undefined): boolean =>
  range === undefined ||
  ((range.gt === undefined || created > range.gt) &&
    (range.gte === undefined || created >= range.gte) &&
    (range.lt === undefined || created < range.lt) &&
    (range.lte === undefined || created <= range.lte));

export interface OrderedIndex<Row> {
  readonly upsert: (id: string, row: Row) => void;
  readonly get: (id: string) => Row | undefined;
  readonly page: (query: PageQuery, objectName: string, matches: (row: Row) => boolean) => E.Either<IdentityError, Page<Row>>;
  /** Every row with its id, in no particular order (to save a snapshot of the index). */
  readonly entries: () => ReadonlyArray<readonly [string, Row]>;
}

export const createOrderedIndex = <Row>(keyOf: (row: Row) => OrderKey, livemodeOf: (row: Row) => boolean): OrderedIndex<Row> => {
  const rows = new Map<string, Row>();
  /** Ascending list order; rows only ever join at their creation key, which never changes. */
  const ordered: Array<{ readonly id: string; readonly key: OrderKey }> = [];

  const lowerBound = (key: OrderKey): number => {
    let low = 0;
    let high = ordered.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareKeys(ordered[middle]!.key, key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  };

  const cursorIndex = (id: string, livemode: boolean): number | undefined => {
    const row = rows.get(id);
    if (row === undefined || livemodeOf(row) !== livemode) return undefined;
    return lowerBound(keyOf(row));
  };

  return {
    entries: () => [...rows.entries()],
    upsert: (id, row) => {
      if (!rows.has(id)) {
        const key = keyOf(row);
        ordered.splice(lowerBound(key), 0, { id, key });
      }
      rows.set(id, row);
    },
    get: (id) => rows.get(id),
    page: (query, objectName, matches) => {
      const accept = (row: Row) => livemodeOf(row) === query.livemode && matchesCreated(keyOf(row).created, query.created) && matches(row);
      const collect = (from: number, step: 1 | -1): Page<Row> => {
        const data: Array<Row> = [];
        for (let index = from; index >= 0 && index < ordered.length; index += step) {
          const row = rows.get(ordered[index]!.id)!;
          if (!accept(row)) continue;
          if (data.length === query.limit) return { data, has_more: true };
          data.push(row);
        }
        return { data, has_more: false };
      };
      if (query.ending_before !== undefined) {
        const index = cursorIndex(query.ending_before, query.livemode);
        if (index === undefined) return E.left(resourceMissing(objectName, query.ending_before, 'ending_before'));
        const page = collect(index + 1, 1);
        return E.right({ data: [...page.data].reverse(), has_more: page.has_more });
      }
      if (query.starting_after !== undefined) {
        const index = cursorIndex(query.starting_after, query.livemode);
        if (index === undefined) return E.left(resourceMissing(objectName, query.starting_after, 'starting_after'));
        return E.right(collect(index - 1, -1));
      }
      return E.right(collect(ordered.length - 1, -1));
    },
  };
};
