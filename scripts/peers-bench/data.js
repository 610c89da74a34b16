'use strict';
// Builds the data of the comparison, once:
//  1. an NDJSON file of ACCOUNTS accounts (seeded, so always the same);
//  2. imports it twice through the project's own command (`identity-labels migrate`, `import`):
//     peers_enc with NODE_ENV=production and REAL_NAME_KEYS (names encrypted, as the project is deployed),
//     peers_plain in development mode without a key (names in plain text: what the peers read);
//  3. sets consent YES on every account at or above 500,000 followers, in both, so that every account is
//     either clearly not subject (< 100,000 followers) or DISCLOSED: the project's staged rule and the peers'
//     simple one give the same answer for every account;
//  4. writes BODIES request bodies of 100 distinct random User references each.
const { execFileSync } = require('node:child_process');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const mysql = require('mysql2/promise');
const E = require('./lib/env');

const CATEGORIES = ['current-affairs', 'finance', 'law', 'health', 'entertainment', 'travel', 'games', 'food'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', 'Zhou', 'Wu', 'Xu', 'Sun'];
const SUBJECT_SHARE = 0.05;

function accountLines() {
  const random = E.seeded(20261205);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const lines = [];
  for (let i = 0; i < E.ACCOUNTS; i++) {
    const record = { userId: E.userId(i) };
    if (random() < SUBJECT_SHARE) {
      // Subject: verified, a name on file; consent is set below.
      const organization = random() < 0.1;
      record.followerCount = 500000 + Math.floor(random() * 4500000);
      record.verification = 'VERIFIED';
      record.realName = organization ? `${pick(SURNAMES)}城晚报传媒有限公司 ${i}` : `${pick(SURNAMES)}${pick(['伟', '芳', 'Wei', 'Na'])} ${i}`;
      record.subjectKind = organization ? 'ORGANIZATION' : 'INDIVIDUAL';
    } else {
      // Clearly not subject: under 100,000 followers (the hysteresis floor is 450,000).
      record.followerCount = Math.floor(random() * 100000);
      const roll = random();
      record.verification = roll < 0.5 ? 'VERIFIED' : roll < 0.95 ? 'UNVERIFIED' : 'REVOKED';
      if (random() < 0.4) record.realName = `${pick(SURNAMES)}某 ${i}`;
      record.subjectKind = 'INDIVIDUAL';
    }
    record.category = pick(CATEGORIES);
    lines.push(JSON.stringify(record));
  }
  return lines.join('\n') + '\n';
}

function bodies() {
  const random = E.seeded(4242);
  const out = [];
  for (let b = 0; b < E.BODIES; b++) {
    const ids = new Set();
    while (ids.size < E.REFS) ids.add(E.userId(Math.floor(random() * E.ACCOUNTS)));
    const r = [...ids].map((id) => ({ __typename: 'User', id, nickname: `nick-${id}` }));
    out.push(JSON.stringify({ query: E.QUERY, variables: { r } }));
  }
  return out;
}

async function recreate(name) {
  const c = await mysql.createConnection(E.MYSQL);
  await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await c.query(`CREATE DATABASE \`${name}\``);
  await c.end();
}

function cli(args, env) {
  const started = Date.now();
  const out = execFileSync(process.execPath, [join(E.PROJECT, 'bin', 'identity-labels'), ...args], {
    cwd: E.PROJECT,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { seconds: (Date.now() - started) / 1000, out: out.trim() };
}

async function load(name, encrypted) {
  await recreate(name);
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: E.dbUrl(name), LOG_LEVEL: 'warn' };
  const env = encrypted
    ? { ...base, NODE_ENV: 'production', REAL_NAME_KEYS: E.REAL_NAME_KEYS, ROUTER_SECRET: E.ROUTER_SECRET }
    : { ...base, NODE_ENV: 'development', STORE_REAL_NAMES_IN_PLAIN_TEXT: 'true' };
  cli(['migrate'], env);
  const imported = cli(['import', E.ACCOUNTS_FILE], env);
  const c = await mysql.createConnection(E.dbUrl(name));
  const [update] = await c.query(
    "UPDATE accounts SET consent = 'YES', consent_at = UTC_TIMESTAMP(3) WHERE follower_count >= 500000",
  );
  const [[counts]] = await c.query(
    `SELECT COUNT(*) AS accounts, SUM(follower_count >= 500000) AS subject, SUM(consent = 'YES') AS consented,
            SUM(follower_count BETWEEN 100000 AND 499999) AS in_between, SUM(real_name IS NOT NULL) AS plain_names,
            SUM(real_name_encrypted IS NOT NULL) AS encrypted_names, SUM(notified_at IS NOT NULL) AS notified
       FROM accounts`,
  );
  await c.end();
  console.log(`${name}: import ${imported.seconds.toFixed(1)} s; consent set on ${update.affectedRows}; ${JSON.stringify(counts)}`);
}

async function main() {
  mkdirSync(E.WORK, { recursive: true });
  writeFileSync(E.ACCOUNTS_FILE, accountLines());
  writeFileSync(E.BODIES_FILE, JSON.stringify(bodies()));
  await load(E.DB_ENCRYPTED, true);
  await load(E.DB_PLAIN, false);
  const c = await mysql.createConnection(E.MYSQL);
  await c.query(`CREATE DATABASE IF NOT EXISTS \`${E.DB_RAW}\``);
  await c.end();
  console.log(`accounts ${E.ACCOUNTS_FILE}, ${E.BODIES} bodies ${E.BODIES_FILE}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
