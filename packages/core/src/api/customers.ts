import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { customerDecider, customerNotFound, type CustomerCommand, type CustomerState } from '../domain/customer/customer.js';
import type { IdentityError } from '../domain/errors.js';
import {
  decodeCreateCustomerParams,
  decodeListCustomersParams,
  decodeObjectId,
  decodeRetrieveCustomerParams,
  decodeUpdateCustomerParams,
} from '../domain/params/index.js';
import { loadStream } from '../ledger/command-handler.js';
import { customerStream } from '../ledger/streams.js';
import type { CustomerObject, ListObject } from './objects.js';
import { renderCustomer } from './render.js';
import {
  callerOf,
  execute,
  fingerprintOf,
  idempotent,
  idForCreate,
  nowSeconds,
  settleCreateRace,
  type Caller,
  type LedgerRuntime,
  type RequestOptions,
  reading,
} from './runtime.js';

/** `customers`: the minimal Customer that `related_customer` and the onboarding flow rely on. */

type Result<A> = TE.TaskEither<IdentityError, A>;
const CUSTOMERS_URL = '/v1/customers';

const renderState = (id: string) => (state: CustomerState) =>
  state._tag === 'Existing' ? E.right(renderCustomer(state.customer)) : E.left(customerNotFound(id));

export const createCustomerOperations = (runtime: LedgerRuntime) => {
  const run = execute(runtime);
  const withKey = idempotent(runtime);
  const decodeId = decodeObjectId('cus_', 'customer');

  const dispatch = (command: CustomerCommand, caller: Caller, fingerprint: string): Result<CustomerObject> => {
    const stream = customerStream(command.customerId);
    const replay = (replayed: string, revision: bigint) =>
      pipe(
        loadStream(runtime, customerDecider, replayed, revision),
        TE.chainEitherK(({ state }) => renderState(command.customerId)(state)),
      );
    const historyOf = (loaded: string) => pipe(loadStream(runtime, customerDecider, loaded), TE.map(({ history }) => history));
    return withKey(
      caller,
      fingerprint,
      (context) =>
        pipe(
          run(customerDecider, stream, command, context),
          TE.chainEitherK(({ state }) => renderState(command.customerId)(state)),
          TE.orElse(settleCreateRace(runtime, caller, fingerprint, stream, historyOf, replay)),
        ),
      replay,
    );
  };

  const create = (params?: unknown, options?: RequestOptions): Result<CustomerObject> =>
    pipe(
      TE.fromEither(E.Do),
      TE.bind('caller', () => TE.fromEither(callerOf(runtime, options))),
      TE.bind('params', () => TE.fromEither(decodeCreateCustomerParams(params ?? {}))),
      TE.chain(({ caller, params }) =>
        dispatch(
          {
            type: 'CreateCustomer',
            customerId: idForCreate(caller, 'cus_', 14, runtime.ids.customer),
            livemode: caller.livemode,
            now: nowSeconds(runtime),
            email: params.email ?? null,
            name: params.name ?? null,
            metadata: params.metadata ?? {},
          },
          caller,
          fingerprintOf(runtime, 'customers.create', null, params),
        ),
      ),
    );

  const retrieve = (id: unknown, params?: unknown, options?: RequestOptions): Result<CustomerObject> =>
    pipe(
      TE.fromEither(E.Do),
      TE.bind('caller', () => TE.fromEither(callerOf(runtime, options))),
      TE.bind('id', () => TE.fromEither(decodeId(id))),
      TE.bind('params', () => TE.fromEither(decodeRetrieveCustomerParams(params ?? {}))),
      TE.chain(({ caller, id }) => reading(async () => {
        const row = await runtime.readModel.customer(id, caller.livemode);
        return row === undefined ? E.left(customerNotFound(id)) : E.right(renderCustomer(row.customer));
      })),
    );

  const update = (id: unknown, params?: unknown, options?: RequestOptions): Result<CustomerObject> =>
    pipe(
      TE.fromEither(E.Do),
      TE.bind('caller', () => TE.fromEither(callerOf(runtime, options))),
      TE.bind('id', () => TE.fromEither(decodeId(id))),
      TE.bind('params', () => TE.fromEither(decodeUpdateCustomerParams(params ?? {}))),
      TE.chain(({ caller, id, params }) => {
        const { expand: _expand, ...changes } = params;
        return dispatch({ type: 'UpdateCustomer', customerId: id, livemode: caller.livemode, changes }, caller, fingerprintOf(runtime, 'customers.update', id, params));
      }),
    );

  const list = (params?: unknown, options?: RequestOptions): Result<ListObject<CustomerObject>> =>
    pipe(
      TE.fromEither(E.Do),
      TE.bind('caller', () => TE.fromEither(callerOf(runtime, options))),
      TE.bind('params', () => TE.fromEither(decodeListCustomersParams(params ?? {}))),
      TE.chain(({ caller, params }) => reading(async () => {
        const { expand: _expand, ...query } = params;
        const page = await runtime.readModel.listCustomers({ ...query, livemode: caller.livemode });
        return pipe(
          page,
          E.map(({ data, has_more }) => ({ object: 'list' as const, data: data.map((row) => renderCustomer(row.customer)), has_more, url: CUSTOMERS_URL })),
        );
      })),
    );

  return { create, retrieve, update, list };
};
