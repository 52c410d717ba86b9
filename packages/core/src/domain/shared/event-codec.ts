import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as t from 'io-ts';

/**
 * One codec per event type, with the schema version it writes. Stored events are decoded at
 * exactly one boundary (the ledger's serializer) through `decodeEvent`; an upcaster turns an
 * older schema version's data into the current one before the codec sees it.
 */

export interface EventDefinition<Type extends string, Data> {
  readonly type: Type;
  readonly schemaVersion: number;
  readonly codec: t.Type<Data, unknown, unknown>;
  /** Upcasters keyed by the version they read; each returns data of the next version. */
  readonly upcasters?: Readonly<Record<number, (data: unknown) => unknown>>;
}

export const defineEvent = <Type extends string, Data>(
  type: Type,
  schemaVersion: number,
  codec: t.Type<Data, unknown, unknown>,
  upcasters?: Readonly<Record<number, (data: unknown) => unknown>>,
): EventDefinition<Type, Data> => ({ type, schemaVersion, codec, ...(upcasters ? { upcasters } : {}) });

export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

export type EventOf<D> = D extends EventDefinition<infer Type, infer Data> ? DomainEvent<Type, Data> : never;

export type EventDecodeError =
  | { readonly _tag: 'UnknownEventType'; readonly type: string }
  | { readonly _tag: 'UnsupportedSchemaVersion'; readonly type: string; readonly schemaVersion: number }
  | { readonly _tag: 'InvalidEventData'; readonly type: string; readonly problems: ReadonlyArray<string> };

export const describeErrors = (errors: t.Errors): ReadonlyArray<string> =>
  errors.map((error) => {
    const path = error.context
      .map((entry) => entry.key)
      .filter((key) => key !== '')
      .join('.');
    return `${path || '<root>'}: ${error.message ?? `invalid value ${JSON.stringify(error.value)}`}`;
  });

export const makeEventDecoder = <Defs extends ReadonlyArray<EventDefinition<string, any>>>(definitions: Defs) => {
  const byType = new Map(definitions.map((definition) => [definition.type, definition]));
  return (type: string, schemaVersion: number, data: unknown): E.Either<EventDecodeError, EventOf<Defs[number]>> => {
    const definition = byType.get(type);
    if (definition === undefined) return E.left({ _tag: 'UnknownEventType', type });
    if (schemaVersion > definition.schemaVersion || schemaVersion < 1) {
      return E.left({ _tag: 'UnsupportedSchemaVersion', type, schemaVersion });
    }
    let upcast = data;
    for (let version = schemaVersion; version < definition.schemaVersion; version++) {
      const upcaster = definition.upcasters?.[version];
      if (upcaster === undefined) return E.left({ _tag: 'UnsupportedSchemaVersion', type, schemaVersion });
      upcast = upcaster(upcast);
    }
    return pipe(
      definition.codec.decode(upcast),
      E.bimap(
        (errors): EventDecodeError => ({ _tag: 'InvalidEventData', type, problems: describeErrors(errors) }),
        (decoded) => ({ type, data: decoded }) as EventOf<Defs[number]>,
      ),
    );
  };
};

export const schemaVersionOf =
  <Defs extends ReadonlyArray<EventDefinition<string, any>>>(definitions: Defs) =>
  (type: string): number | undefined =>
    definitions.find((definition) => definition.type === type)?.schemaVersion;
