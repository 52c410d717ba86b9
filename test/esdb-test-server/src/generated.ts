import { createRequire } from 'node:module';

/**
 * The message classes and service definitions `@eventstore/db-client` ships in `generated/`
 * (google-protobuf static code, CommonJS). The server serves exactly what the client calls, so
 * the two cannot drift apart. `google-protobuf` well-known types are loaded from beside the
 * generated code, so they are the same module instances the messages were built with.
 */

const require = createRequire(import.meta.url);
const generated = require.resolve('@eventstore/db-client/generated/streams_pb.js');
const besideGenerated = createRequire(generated);

export const streamsPb = require('@eventstore/db-client/generated/streams_pb.js') as typeof import('@eventstore/db-client/generated/streams_pb.js');
export const streamsGrpc = require('@eventstore/db-client/generated/streams_grpc_pb.js') as typeof import('@eventstore/db-client/generated/streams_grpc_pb.js');
export const sharedPb = require('@eventstore/db-client/generated/shared_pb.js') as typeof import('@eventstore/db-client/generated/shared_pb.js');
export const statusPb = require('@eventstore/db-client/generated/status_pb.js') as typeof import('@eventstore/db-client/generated/status_pb.js');
export const codePb = require('@eventstore/db-client/generated/code_pb.js') as typeof import('@eventstore/db-client/generated/code_pb.js');
export const featuresPb = require('@eventstore/db-client/generated/serverfeatures_pb.js') as typeof import('@eventstore/db-client/generated/serverfeatures_pb.js');
export const featuresGrpc = require('@eventstore/db-client/generated/serverfeatures_grpc_pb.js') as typeof import('@eventstore/db-client/generated/serverfeatures_grpc_pb.js');
export const anyPb = besideGenerated('google-protobuf/google/protobuf/any_pb.js') as typeof import('google-protobuf/google/protobuf/any_pb.js');
export const emptyPb = besideGenerated('google-protobuf/google/protobuf/empty_pb.js') as typeof import('google-protobuf/google/protobuf/empty_pb.js');
