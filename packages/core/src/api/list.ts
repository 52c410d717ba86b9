import type { ListObject } from './objects.js';

/**
 * A list result that is also auto-paginating, as stripe-node's: `for await`, `autoPagingEach`
 * and `autoPagingToArray({limit})` fetch the next pages with `starting_after` = the last id
 * (or, when the first call used `ending_before`, with `ending_before` = the first id, each page
 * reversed).
 */

export interface AutoPaging<T> {
  readonly autoPagingEach: (handler: (item: T) => void | boolean | Promise<void | boolean>) => Promise<void>;
  readonly autoPagingToArray: (options: { readonly limit: number }) => Promise<Array<T>>;
  readonly [Symbol.asyncIterator]: () => AsyncIterator<T>;
}

export type ListPromise<T> = Promise<ListObject<T>> & AutoPaging<T>;

const MAX_AUTO_PAGING_LIMIT = 10_000;

export const autoPagingList = <T extends { readonly id: string }, P extends { readonly starting_after?: string; readonly ending_before?: string }>(
  params: P,
  fetchPage: (params: P) => Promise<ListObject<T>>,
): ListPromise<T> => {
  const first = fetchPage(params);
  // The first page is fetched at once, as stripe-node does; if the caller only ever uses the
  // auto-paging methods and stops early, its failure must not go unhandled.
  first.catch(() => undefined);
  const backwards = params.ending_before !== undefined;

  async function* iterate(): AsyncGenerator<T> {
    let page = await first;
    for (;;) {
      const items = backwards ? [...page.data].reverse() : page.data;
      for (const item of items) yield item;
      if (!page.has_more || page.data.length === 0) return;
      const cursor = backwards ? page.data[0]!.id : page.data[page.data.length - 1]!.id;
      page = await fetchPage(backwards ? { ...params, ending_before: cursor } : { ...params, starting_after: cursor });
    }
  }

  const paging: AutoPaging<T> = {
    autoPagingEach: async (handler) => {
      for await (const item of iterate()) {
        if ((await handler(item)) === false) return;
      }
    },
    autoPagingToArray: async ({ limit }) => {
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUTO_PAGING_LIMIT) {
        throw new RangeError(`autoPagingToArray needs a limit between 1 and ${MAX_AUTO_PAGING_LIMIT}.`);
      }
      const out: Array<T> = [];
      for await (const item of iterate()) {
        out.push(item);
        if (out.length >= limit) break;
      }
      return out;
    },
    [Symbol.asyncIterator]: () => iterate(),
  };
  return Object.assign(first, paging);
};
