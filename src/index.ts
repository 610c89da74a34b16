// Entry point: read the configuration, start the service, stop cleanly on SIGTERM/SIGINT.
import { startWithV8Flags } from './v8-flags';
startWithV8Flags(); // first: it may start the process again, before the rest has loaded
import 'reflect-metadata';
import pino from 'pino';
import { startApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { errorForLog, errorMessage } from './errors';
import { PortInUseError } from './http/server';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`identity-labels: ${error.message}\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const log = pino({ level: config.logLevel, base: { service: 'identity-labels' } });
  const app = await startApp(config, { log });
  log.info({ url: `${app.url}/graphql` }, 'identity-labels subgraph ready');

  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: errorForLog(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Start-up failures (port taken, database unreachable, migration failed) end with a readable reason.
  const reason =
    error instanceof PortInUseError
      ? `${error.message}: set PORT to a free port (PORT=0 picks one)`
      : errorMessage(error);
  process.stderr.write(`identity-labels: failed to start: ${reason}\n`);
  process.exit(1);
});
