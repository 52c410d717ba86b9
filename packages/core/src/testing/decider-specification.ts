import * as E from 'fp-ts/lib/Either.js';
import { expect } from 'vitest';
import type { IdentityError } from '../domain/errors.js';
import type { Decider } from '../domain/shared/decider.js';

/**
 * given / when / then over a decider: past events, one command, then the exact events, the exact
 * error, or nothing at all.
 */
export const deciderSpecification =
  <Command, State, Event>(decider: Decider<Command, State, Event>) =>
  (...given: ReadonlyArray<Event>) => ({
    when: (command: Command) => {
      const result = decider.decide(command, given.reduce(decider.evolve, decider.initialState));
      return {
        then: (expected: ReadonlyArray<Event>) => {
          if (E.isLeft(result)) throw new Error(`expected events, got error: ${result.left.message}`);
          expect(result.right).toEqual(expected);
        },
        thenFails: (expected: Partial<IdentityError>) => {
          if (E.isRight(result)) throw new Error(`expected an error, got ${result.right.length} event(s)`);
          expect(result.left).toMatchObject(expected);
        },
        thenNothingHappened: () => {
          if (E.isLeft(result)) throw new Error(`expected no events, got error: ${result.left.message}`);
          expect(result.right).toEqual([]);
        },
      };
    },
  });
