// A TCP proxy of our own (tests and the fault load script) between the service and MySQL, to break the database for real:
// `drop` cuts every connection and refuses new ones, `stall` keeps connections open but passes nothing,
// `restore` goes back to forwarding.
import net, { type Socket } from 'node:net';

type Mode = 'forward' | 'drop' | 'stall';

export interface TcpProxy {
  port: number;
  /** DATABASE_URL with its host and port replaced by the proxy's. */
  urlFor(databaseUrl: string): string;
  drop(): void;
  stall(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let mode: Mode = 'forward';
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  const held: Socket[] = []; // connections accepted while stalled, waiting for a restore

  const connect = (client: Socket) => {
    const upstream = net.connect(targetPort, targetHost);
    const pair = { client, upstream };
    pairs.add(pair);
    const forget = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => client.write(chunk));
    if (mode === 'stall') {
      client.pause();
      upstream.pause();
    }
  };

  const server = net.createServer((client) => {
    if (mode === 'drop') return client.destroy();
    if (mode === 'stall') {
      held.push(client);
      client.pause();
      client.on('error', () => undefined);
      return;
    }
    connect(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  const proxy: TcpProxy = {
    port,
    urlFor(databaseUrl) {
      const url = new URL(databaseUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    drop() {
      mode = 'drop';
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      for (const client of held.splice(0)) client.destroy();
    },
    stall() {
      mode = 'stall';
      for (const { client, upstream } of pairs) {
        client.pause();
        upstream.pause();
      }
    },
    restore() {
      mode = 'forward';
      for (const { client, upstream } of pairs) {
        client.resume();
        upstream.resume();
      }
      for (const client of held.splice(0)) {
        if (!client.destroyed) {
          connect(client);
          client.resume();
        }
      }
    },
    async close() {
      proxy.drop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
