// The long commands say how they are getting on: a plain line every few seconds, never more often.
import { Writable } from 'node:stream';
import { notifyProgress } from '../../../src/cli/progress';

function collected(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { stream, lines };
}

beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-25T08:00:00Z') }));
afterEach(() => jest.useRealTimers());

it('notify prints its running totals every five seconds', () => {
  const { stream, lines } = collected();
  const report = notifyProgress(stream);
  report({ checked: 500, notified: 10, withdrawn: 0 });
  expect(lines).toEqual([]);
  jest.advanceTimersByTime(5000);
  report({ checked: 20_000, notified: 1_200, withdrawn: 3 });
  jest.advanceTimersByTime(1000);
  report({ checked: 20_500, notified: 1_250, withdrawn: 3 });
  expect(lines).toEqual(['notify: 20,000 accounts checked, 1,200 notified, 3 notices withdrawn (4,000/s)\n']);
});
