// Progress of the long commands: for an import, a bar on a terminal; otherwise (CI logs, pipes, and notify,
// whose total is not known up front) a plain line every few seconds.
import { SingleBar, Presets } from 'cli-progress';
import type { NotifyResult } from '../notify/notify-accounts';
import { whole } from './options';

export interface Progress {
  /** `records`: how many have been dealt with so far, stored or rejected. */
  update(records: number, bytesRead: number): void;
  stop(): void;
}

const LINE_INTERVAL_MS = 5000;

/** Writes `line(rate)` at most every few seconds; `rate` is per second since the start. */
function periodicLine(stream: NodeJS.WritableStream): (count: number, line: (rate: number) => string) => void {
  const startedAt = Date.now();
  let lastLine = startedAt;
  return (count, line) => {
    if (Date.now() - lastLine < LINE_INTERVAL_MS) return;
    lastLine = Date.now();
    stream.write(`${line(Math.round(count / Math.max((lastLine - startedAt) / 1000, 0.001)))}\n`);
  };
}

export function startProgress(source: string, totalBytes: number | undefined, stream: NodeJS.WriteStream): Progress {
  if (stream.isTTY && totalBytes !== undefined && totalBytes > 0) {
    const startedAt = Date.now();
    const rate = (count: number) => Math.round(count / Math.max((Date.now() - startedAt) / 1000, 0.001));
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
  const write = periodicLine(stream);
  return {
    update(records) {
      write(records, (rate) => `${source}: ${whole(records)} records (${whole(rate)}/s)`);
    },
    stop() {},
  };
}

/** notify's running totals, a line every few seconds: a run after a large import takes a while. */
export function notifyProgress(stream: NodeJS.WritableStream): (result: NotifyResult) => void {
  const write = periodicLine(stream);
  return (result) =>
    write(
      result.checked,
      (rate) =>
        `notify: ${whole(result.checked)} accounts checked, ${whole(result.notified)} ` +
        `notified, ${whole(result.withdrawn)} notices withdrawn (${whole(rate)}/s)`,
    );
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
      stream.write(`${label}: ${whole(done)} of ${whole(total)} ${items}\n`);
    },
    stop() {},
  };
}
