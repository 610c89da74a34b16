// An HTTP client in a process of its own, for what depends on timing between two peers: in the test's own
// process, client and server share one event loop and never race as a real client and server do.
import { spawn } from 'node:child_process';

export interface Sends {
  times: number;
  headers: Record<string, string>;
  body: string;
}

const CLIENT = `
let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
const { url, times, headers, body } = JSON.parse(input);
const statuses = [];
for (let attempt = 0; attempt < times; attempt += 1) {
  statuses.push(
    await fetch(url, { method: 'POST', headers, body }).then(
      async (response) => (await response.arrayBuffer(), response.status),
      (error) => error.cause?.code ?? error.message,
    ),
  );
}
process.stdout.write(JSON.stringify(statuses));
`;

/** POSTs `body` to `url` `times` times in turn, with fetch, from another process: each status, or the error's code. */
export function fetchStatusesFromAnotherProcess(url: string, sends: Sends): Promise<(number | string)[]> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CLIENT], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(JSON.stringify({ url, ...sends }));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as (number | string)[]);
      else reject(new Error(`the client process exited ${code}: ${stderr}`));
    });
  });
}
