// A Redis server private to the tests of one file, on a port of its own, so that a test can stop it and
// start it again to see what the service does without it; the shared one on 6379 is never touched.
// It keeps nothing on disk: a restart starts empty.
import net from 'node:net';
import { onFreePort, spawnOwned, waitUntilAnswering, type OwnedProcess } from './owned-process';
import { startedForTheFile } from './teardown';

export interface PrivateRedis {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  /** Ends the server (SIGTERM); resolves once it has exited: connections then fail. Does nothing if stopped. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty; resolves once it answers. Does nothing if it runs. */
  start(): Promise<void>;
  /**
   * Freezes it (SIGSTOP): its connections stay open but nothing is answered, as when the network between
   * the service and Redis fails silently. thaw() lets it go on (SIGCONT).
   */
  freeze(): void;
  thaw(): void;
  /** Stops it for good. Safe to call twice; start() throws after it. */
  close(): Promise<void>;
}

/** Sends PING on a connection of its own; resolves with the reply line (`+PONG`), rejects if no server answers. */
export function pingRedis(url: string, timeoutMs = 2_000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let reply = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no reply to PING from ${url} in ${timeoutMs} ms`)));
    socket.on('error', reject);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply.slice(0, reply.indexOf('\r\n')));
      }
    });
  });
}

async function startServer(port: number): Promise<OwnedProcess> {
  const url = `redis://127.0.0.1:${port}`;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const owned = spawnOwned('redis-server', args);
  try {
    await waitUntilAnswering(
      owned,
      `the private Redis on port ${port}`,
      async () => (await pingRedis(url)) === '+PONG',
    );
  } catch (error) {
    await owned.stop('SIGKILL');
    throw error;
  }
  return owned;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  let server = await onFreePort(async (port) => ({ port, owned: await startServer(port) }));
  let closed = false;
  const redis: PrivateRedis = {
    url: `redis://127.0.0.1:${server.port}`,
    stop: () => {
      server.owned.signal('SIGCONT'); // a frozen server would act on SIGTERM only after the grace period
      return server.owned.stop('SIGTERM');
    },
    freeze: () => server.owned.signal('SIGSTOP'),
    thaw: () => server.owned.signal('SIGCONT'),
    async start() {
      if (closed) throw new Error('start: the private Redis has been closed');
      if (server.owned.exited) server = { port: server.port, owned: await startServer(server.port) };
    },
    async close() {
      closed = true;
      await redis.stop();
    },
  };
  return redis;
}

/** A private Redis for the tests of one file: started before them, closed after (usable from the first test on). */
export function usePrivateRedis(): PrivateRedis {
  return startedForTheFile(startPrivateRedis, (redis) => redis.close());
}
