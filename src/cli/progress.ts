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

export interface CountProgress {
  update(done: number): void;
  stop(): void;
}

/** Progress through a known number of items (`keys encrypt`, `keys rotate`): a bar on a terminal, else lines. */
export function startCountProgress(
  label: string,
  total: number,
  items: string,
  stream: NodeJS.WriteStream,
): CountProgress {
  const startedAt = Date.now();
  if (stream.isTTY && total > 0) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} ${items}`, stream, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  let lastLine = startedAt;
  return {
    update(done) {
      if (Date.now() - lastLine < LINE_INTERVAL_MS) return;
      lastLine = Date.now();
      stream.write(`${label}: ${done.toLocaleString('en')} of ${total.toLocaleString('en')} ${items}\n`);
    },
    stop() {},
  };
}
