// Entry point: read the configuration, start the service, stop cleanly on SIGTERM/SIGINT.
import 'reflect-metadata';
import pino from 'pino';
import { startApp } from './app';
import { ConfigError, loadConfig } from './config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`identity-labels: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = pino({ level: config.logLevel, base: { service: 'identity-labels' } });
  const app = await startApp(config, { log });
  log.info({ url: `${app.url}/graphql` }, 'identity-labels subgraph ready');

  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Start-up failures (database unreachable, migration failed) end the process with a readable reason.
  process.stderr.write(`identity-labels: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
