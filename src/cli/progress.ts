// Import progress: a bar on a terminal, a plain line every few seconds otherwise (CI logs, pipes).
import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  /** `records`: how many have been dealt with so far, stored or rejected. */
  update(records: number, bytesRead: number): void;
  stop(): void;
}

const LINE_INTERVAL_MS = 5000;

export function startProgress(source: string, totalBytes: number | undefined, stream: NodeJS.WriteStream): Progress {
  const startedAt = Date.now();
  const rate = (count: number) => Math.round(count / Math.max((Date.now() - startedAt) / 1000, 0.001));
  if (stream.isTTY && totalBytes !== undefined && totalBytes > 0) {
    const bar = new SingleBar(
      { format: `${source} [{bar}] {percentage}% | {records} records | {rate}/s`, stream, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(totalBytes, 0, { records: 0, rate: 0 });
    return {
      update: (records, bytesRead) => bar.update(bytesRead, { records, rate: rate(records) }),
      stop: () => bar.stop(),
    };
  }
  let lastLine = startedAt;
  return {
    update(records) {
      if (Date.now() - lastLine < LINE_INTERVAL_MS) return;
      lastLine = Date.now();
      stream.write(`${source}: ${records.toLocaleString('en')} records (${rate(records).toLocaleString('en')}/s)\n`);
    },
    stop() {},
  };
}
