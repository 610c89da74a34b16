'use strict';
// The row cache's hit path alone, in one process: the project's AccountCache and IdentityLoader (from
// PROJECT_DIR's dist/), and a candidate's (PEERS_CANDIDATE_DIR's) beside it, each with every id of the bench's
// bodies cached (peers_enc, names encrypted), answering the bodies' 100-id batches in alternating rounds.
// No HTTP, no JSON, no GraphQL: what a cache hit costs the loader, without the machine's socket noise.
// Usage (after data.js): node cache-hit.js [--rounds 40] [--per-round 500]
const { parseArgs } = require('node:util');
const { join } = require('node:path');
const { readFileSync } = require('node:fs');
const mysql = require('mysql2');
const E = require('./lib/env');

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '40' }, 'per-round': { type: 'string', default: '500' } },
});
const ROUNDS = Number(args.rounds);
const PER_ROUND = Number(args['per-round']);

async function variant(name, root, pool, bodies) {
  const load = (path) => require(join(root, 'dist', 'src', path));
  const { AccountCache } = load('db/account-cache');
  const { selectAccountsKeeping } = load('db/account-rows');
  const { createIdentityLoader } = load('loaders/identity-loader');
  const { RealNames } = load('real-names/real-names');
  const { RealNameKeys } = load('crypto/real-name-keys');
  const realNames = new RealNames(RealNameKeys.parse(E.REAL_NAME_KEYS));
  const sql = { query: (text, values) => pool.promise().query(text, values).then(([rows]) => rows) };
  const cache = new AccountCache((ids, held) => selectAccountsKeeping(sql, ids, held), {
    ttlMs: 3_600_000, // nothing expires during the run: every batch is a hit
    maxEntries: 100_000,
    refreshBatchSize: 0,
  });
  const stages = Object.freeze((await sql.query('SELECT * FROM policy_stages ORDER BY effective_from, id')).map(stageOf));
  const accounts = { read: (ids) => cache.read(ids), readNoted: cache.readNoted && ((ids) => cache.readNoted(ids)) };
  const settings = { hysteresisRatio: 0.9, realNameViewers: 'anyone' };
  for (const ids of bodies) await cache.read(ids);
  let shown = 0;
  const batch = async (ids) => {
    const started = process.hrtime.bigint();
    const loader = createIdentityLoader({
      accounts,
      stages: () => stages,
      clock: () => new Date(),
      openRealName: realNames.open,
      viewer: { id: null, verified: false },
      settings,
      maxBatchSize: 1000,
    });
    const labels = await loader.loadMany(ids);
    const micros = Number(process.hrtime.bigint() - started) / 1000;
    for (const label of labels) if (label.realName) shown += 1;
    return micros;
  };
  return { name, batch, shown: () => shown, rounds: [] };
}

/** A policy_stages row as the service holds it (categories are a JSON list, or NULL for every category). */
const stageOf = (row) => ({
  id: row.id,
  name: row.name,
  minFollowers: Number(row.min_followers),
  categories: row.categories === null ? null : JSON.parse(row.categories),
  effectiveFrom: row.effective_from,
  noticeDays: row.notice_days,
  mode: row.mode,
  retiredAt: row.retired_at,
});

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

(async () => {
  // Fresh id strings for every batch, as a parsed request body gives them.
  const bodies = JSON.parse(readFileSync(E.BODIES_FILE, 'utf8'));
  const idsOf = (index) => JSON.parse(bodies[index % bodies.length]).variables.r.map((reference) => reference.id);
  const pool = mysql.createPool({ uri: E.dbUrl(E.DB_ENCRYPTED), connectionLimit: 4, timezone: 'Z' });
  const all = bodies.map((_, index) => idsOf(index));
  const variants = [await variant('project', E.PROJECT, pool, all)];
  if (E.CANDIDATE !== undefined) variants.push(await variant('candidate', E.CANDIDATE, pool, all));
  for (const v of variants) for (let index = 0; index < 3000; index++) await v.batch(idsOf(index)); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
      let micros = 0;
      for (let index = 0; index < PER_ROUND; index++) micros += await v.batch(idsOf(round * PER_ROUND + index));
      v.rounds.push(micros / PER_ROUND);
    }
  }
  for (const v of variants) {
    const ratios = v.rounds.map((micros, round) => micros / variants[0].rounds[round]);
    console.log(
      `${v.name}: ${median(v.rounds).toFixed(1)} µs a 100-id batch (median of ${ROUNDS} rounds; lowest ${Math.min(...v.rounds).toFixed(1)}),` +
        ` ${median(ratios).toFixed(2)} of the project's, ${(v.shown() / (ROUNDS * PER_ROUND + 3000)).toFixed(1)} names shown a batch`,
    );
  }
  pool.end();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
