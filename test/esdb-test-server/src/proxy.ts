import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP relay in front of the gRPC server, so tests can cut live connections the way a network
 * failure or a node restart does (the client sees UNAVAILABLE), and refuse new ones for a while.
 */
export interface ConnectionProxy {
  readonly port: number;
  /** Destroys every open connection; clients reconnect on their next call. */
  readonly dropConnections: () => void;
  /** While false, new connections are closed at once (an outage). */
  readonly setAccepting: (accepting: boolean) => void;
  readonly close: () => Promise<void>;
}

export const startProxy = async (targetPort: number): Promise<ConnectionProxy> => {
  const sockets = new Set<Socket>();
  let accepting = true;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    track(client);
    if (!accepting) return void client.destroy();
    const upstream = connect(targetPort, '127.0.0.1');
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
  const dropConnections = () => {
    for (const socket of [...sockets]) socket.destroy();
  };
  return {
    port: address.port,
    dropConnections,
    setAccepting: (value) => {
      accepting = value;
    },
    close: async () => {
      dropConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
