import type { Subscription, SubscriptionMessage } from './port.js';

/**
 * A Subscription over an adapter's `pull`: `next()` calls are chained, so callers that do not
 * wait for one message before asking for the next still get distinct messages in order, and
 * leaving a `for await` early closes it. Every adapter's subscriptions share this.
 */
export const serialSubscription = (
  pull: () => Promise<IteratorResult<SubscriptionMessage, undefined>>,
  close: () => Promise<void>,
): Subscription => {
  let chain: Promise<unknown> = Promise.resolve();
  const iterator: AsyncIterator<SubscriptionMessage, undefined> = {
    next: () => {
      const result = chain.then(pull);
      chain = result.catch(() => undefined);
      return result;
    },
    return: async () => {
      await close();
      return { done: true, value: undefined };
    },
  };
  return { close, [Symbol.asyncIterator]: () => iterator };
};
