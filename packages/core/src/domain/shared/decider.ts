import type { Either } from 'fp-ts/lib/Either.js';
import type { IdentityError } from '../errors.js';

/** Three pure functions over one aggregate: state is `events.reduce(evolve, initialState)`. */
export interface Decider<Command, State, Event> {
  readonly decide: (command: Command, state: State) => Either<IdentityError, ReadonlyArray<Event>>;
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: State;
}

export const fold = <State, Event>(decider: Pick<Decider<unknown, State, Event>, 'evolve' | 'initialState'>, events: ReadonlyArray<Event>): State =>
  events.reduce(decider.evolve, decider.initialState);
