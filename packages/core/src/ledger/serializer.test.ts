import type { DomainEvent } from '../domain/shared/event-codec.js';
import { describe, expectTypeOf, it } from 'vitest';
import type { PersonalDataCodec } from './personal-data/sealed-data.js';
import { createEventSerializer, serializerFor } from './serializer.js';

/**
 * The chain hashes an event's redacted form with a salted commitment to its personal data, so
 * a serializer that silently stored personal data in clear would write events that never
 * verify. Choosing the codec is therefore never left to a default (checked by the typecheck).
 */
describe('a serializer', () => {
  it('is never built without choosing how personal data is stored', () => {
    expectTypeOf<Parameters<typeof createEventSerializer>['length']>().toEqualTypeOf<1>();
    expectTypeOf<Parameters<typeof createEventSerializer>[0]>().toEqualTypeOf<PersonalDataCodec>();
    expectTypeOf<Parameters<typeof serializerFor<DomainEvent>>['length']>().toEqualTypeOf<2>();
    expectTypeOf<Parameters<typeof serializerFor<DomainEvent>>[1]>().toEqualTypeOf<PersonalDataCodec>();
  });
});
