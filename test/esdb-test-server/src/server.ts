import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import type { SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb.js';
import { createFaults, type Faults } from './faults.js';
import { featuresGrpc, featuresPb, streamsGrpc } from './generated.js';
import { createLog, type Log, type LogOptions } from './log.js';
import { startProxy, type ConnectionProxy } from './proxy.js';
import { createStreamsService } from './streams-service.js';

export interface TestServerOptions extends LogOptions {
  /**
   * Advertise `Streams/BatchAppend` through `ServerFeatures`, so the client appends over it (its
   * production path against EventStoreDB ≥ 21.10). Off: `ServerFeatures` is unimplemented, as on
   * an old server, and the client appends with `Streams/Append`. Default true.
   */
  readonly batchAppend?: boolean;
  /** Checkpoint window of filtered `$all` subscriptions when the client sends none. Default 32. */
  readonly checkpointWindow?: number;
}

export interface TestServer {
  /** `esdb://127.0.0.1:<port>?tls=false`, through the fault proxy. */
  readonly connectionString: string;
  readonly log: Log;
  readonly faults: Faults & Pick<ConnectionProxy, 'dropConnections' | 'setAccepting'>;
  /** Empties the log (between tests). */
  readonly reset: () => void;
  /** Physically removes what stream metadata and deletes hide, as a scavenge does. */
  readonly scavenge: () => { readonly removed: number };
  readonly stop: () => Promise<void>;
}

const STREAM_METHODS = ['Read', 'Append', 'Delete', 'Tombstone', 'BatchAppend'];

export const startTestServer = async (options: TestServerOptions = {}): Promise<TestServer> => {
  const log = createLog(options);
  const faults = createFaults();
  const server = new Server();
  server.addService(streamsGrpc.StreamsService, createStreamsService(log, faults, { defaultCheckpointWindow: options.checkpointWindow ?? 32 }));
  if (options.batchAppend ?? true) {
    server.addService(featuresGrpc.ServerFeaturesService, {
      getSupportedMethods: async (_call: ServerUnaryCall<unknown, SupportedMethods>, callback: sendUnaryData<SupportedMethods>) => {
        const methods = STREAM_METHODS.map((name) => new featuresPb.SupportedMethod().setServiceName('event_store.client.streams.Streams').setMethodName(name));
        callback(null, new featuresPb.SupportedMethods().setMethodsList(methods).setEventStoreServerVersion('23.10.0'));
      },
    });
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  const proxy = await startProxy(port);
  return {
    connectionString: `esdb://127.0.0.1:${proxy.port}?tls=false`,
    log,
    faults: { ...faults, dropConnections: proxy.dropConnections, setAccepting: proxy.setAccepting },
    reset: () => {
      log.reset();
      faults.clear();
    },
    scavenge: log.scavenge,
    stop: async () => {
      await proxy.close();
      server.forceShutdown();
    },
  };
};
