// A nats-server with JetStream private to the tests of one file, on a port and a store of its own, so that a
// test can stop it and start it again (its streams survive, on disk) to see what the service does without it;
// the shared one on 4222 is never touched. A child of the test process: it dies with it.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onFreePort, spawnOwned, waitUntilAnswering, type OwnedProcess } from './owned-process';
import { startedForTheFile } from './teardown';

export const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

export interface PrivateNats {
  /** `nats://127.0.0.1:PORT` */
  url: string;
  /** Ends the server (SIGTERM); resolves once it has exited. Does nothing if stopped. */
  stop(): Promise<void>;
  /** Starts it again on the same port and store; resolves once it answers. Does nothing if it runs. */
  start(): Promise<void>;
  /** Stops it for good and deletes its store. */
  close(): Promise<void>;
}

/** Resolves with the server's first line (`INFO {...}`), rejects if nothing answers. */
function natsInfo(port: number, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('no INFO')));
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply.slice(0, reply.indexOf('\r\n')));
      }
    });
  });
}

async function startServer(port: number, store: string): Promise<OwnedProcess> {
  const owned = spawnOwned(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store]);
  try {
    await waitUntilAnswering(owned, `the private nats-server on port ${port}`, async () =>
      (await natsInfo(port)).startsWith('INFO'),
    );
  } catch (error) {
    await owned.stop('SIGKILL');
    throw error;
  }
  return owned;
}

export async function startPrivateNats(): Promise<PrivateNats> {
  const store = mkdtempSync(join(tmpdir(), 'identity-nats-'));
  let server = await onFreePort(async (port) => ({ port, owned: await startServer(port, store) }));
  let closed = false;
  const nats: PrivateNats = {
    url: `nats://127.0.0.1:${server.port}`,
    stop: () => server.owned.stop('SIGTERM'),
    async start() {
      if (closed) throw new Error('start: the private nats-server has been closed');
      if (server.owned.exited) server = { port: server.port, owned: await startServer(server.port, store) };
    },
    async close() {
      closed = true;
      await server.owned.stop('SIGTERM');
      rmSync(store, { recursive: true, force: true });
    },
  };
  return nats;
}

/** A private nats-server for the tests of one file: started before them, closed after. */
export function usePrivateNats(): PrivateNats {
  return startedForTheFile(startPrivateNats, (nats) => nats.close());
}
