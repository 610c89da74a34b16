// `npm run demo` as a user runs it: a real process, the whole local supergraph, stopped by a signal.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { built, REPOSITORY_ROOT } from '../../support/paths';

const DEMO = built('examples', 'demo.js');

const FEED_QUERY =
  '{ feed(first: 10) { text displayName ipLocation { label } professionalLabel author { id nickname verifiedRealName identityLabel { status restricted } qualifications { label } mcnAgency { label } } } }';

async function readyUrl(lines: AsyncIterable<string>): Promise<string> {
  for await (const line of lines) {
    const ready = /^Local supergraph ready at (\S+)/.exec(line);
    if (ready?.[1] !== undefined) return ready[1];
  }
  throw new Error('the demo ended before it was ready');
}

async function feed(url: string, headers: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: FEED_QUERY }),
  });
  return (await response.json()) as {
    data: {
      feed: {
        displayName: string;
        ipLocation: { label: string } | null;
        professionalLabel: string | null;
        author: {
          id: string;
          identityLabel: { status: string };
          qualifications: { label: string }[];
          mcnAgency: { label: string } | null;
        };
      }[];
    };
  };
}

it('starts the local supergraph on the embedded demo data, answers the feed through the gateway, and exits 0 on SIGTERM', async () => {
  const child = spawn(process.execPath, [DEMO], {
    env: {
      ...process.env,
      DEMO_GATEWAY_PORT: '0',
      DEMO_IDENTITY_PORT: '0',
      DEMO_USERS_PORT: '0',
      DEMO_POSTS_PORT: '0',
      // Ignored on purpose: the demo accounts exist only in the embedded database.
      DATABASE_URL: 'mysql://root@127.0.0.1:1/none',
    },
    stdio: 'pipe',
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  try {
    const url = await readyUrl(createInterface({ input: child.stdout }));

    const verified = await feed(url, { 'x-viewer-id': 'viewer-1', 'x-viewer-verified': 'true' });
    expect(
      verified.data.feed
        .slice(0, 8)
        .map((post) => [post.author.id, post.author.identityLabel.status, post.displayName]),
    ).toEqual([
      ['demo-disclosed', 'DISCLOSED', 'weiwei (Zhang Wei)'],
      ['demo-organization', 'DISCLOSED', 'hz-evening (Hangzhou Evening News Media Co., Ltd.)'],
      ['demo-notice', 'NOTICE', 'nana'],
      ['demo-refused', 'REFUSED', 'fangfang'],
      ['demo-deadline-passed', 'REFUSED', 'yangyang'],
      ['demo-unverified', 'UNVERIFIED', 'jingjing'],
      ['demo-small', 'NOT_SUBJECT', 'leilei'],
      ['demo-voluntary', 'DISCLOSED', 'lili (Sun Li)'],
    ]);

    // Where each post was sent from, recorded by the stand-in posts service when the demo started.
    expect(verified.data.feed.map((post) => post.ipLocation?.label)).toEqual([
      '浙江',
      '广东',
      '北京',
      '中国香港',
      '江苏',
      '美国',
      '中国台湾',
      '黑龙江',
      '英国',
      '未知',
    ]);

    // The demo people's credentials and agencies (src/demo/demo-data.ts), from the embedded database.
    expect(
      verified.data.feed
        .slice(0, 8)
        .map((post) => [
          post.professionalLabel,
          post.author.qualifications.map((qualification) => qualification.label),
          post.author.mcnAgency?.label ?? null,
        ]),
    ).toEqual([
      [null, [], 'MCN机构：星河文化传媒'],
      [null, [], null],
      ['金融：证券从业资格', ['金融：证券从业资格'], null],
      [null, [], null], // a lawyer whose licence expired ten days ago
      ['医疗卫生：执业医师', ['医疗卫生：执业医师'], null],
      [null, [], null],
      [null, [], 'MCN机构：青禾MCN'],
      [null, ['教育：教师资格证'], null], // a teacher posting on technology
    ]);

    // The README's example of these labels, run as it is written.
    const readme = readFileSync(join(REPOSITORY_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Credentials and MCN agencies'));
    const query = /-d '(\{"query":.*\})'/.exec(section)![1]!;
    const shown = /```json\n([\s\S]*?)\n```/.exec(section)![1]!;
    const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: query });
    expect(await answer.json()).toEqual(JSON.parse(shown));

    const anonymous = await feed(url, {});
    expect(anonymous.data.feed.map((post) => post.ipLocation?.label)).toEqual(
      verified.data.feed.map((post) => post.ipLocation?.label),
    );
    expect(anonymous.data.feed.slice(0, 8).map((post) => post.displayName)).toEqual([
      'weiwei',
      'hz-evening',
      'nana',
      'fangfang',
      'yangyang',
      'jingjing',
      'leilei',
      'lili',
    ]);
  } finally {
    child.kill('SIGTERM');
  }
  const [code, signal] = await exited;
  expect(stderr).toBe('');
  expect({ code, signal }).toEqual({ code: 0, signal: null });
});

it('a port another process holds: one line naming the variable that moves it', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as AddressInfo;
  try {
    const child = spawn(process.execPath, [DEMO], {
      env: {
        ...process.env,
        DEMO_GATEWAY_PORT: '0',
        DEMO_IDENTITY_PORT: '0',
        DEMO_USERS_PORT: String(port),
        DEMO_POSTS_PORT: '0',
      },
      stdio: 'pipe',
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toBe(`demo: failed to start: port ${port} is already in use: set DEMO_USERS_PORT to a free port\n`);
  } finally {
    holder.close();
  }
});
