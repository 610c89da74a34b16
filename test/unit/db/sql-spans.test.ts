// What a statement's span is called: its kind and its first table, read from the SQL; never more of it.
import { statementSummary } from '../../../src/db/sql-spans';

describe('statementSummary', () => {
  it.each([
    ['SELECT user_id, real_name FROM accounts WHERE user_id IN (?, ?)', { operation: 'SELECT', table: 'accounts' }],
    [
      '  select post_id from post_ip_locations where post_id in (?)',
      { operation: 'SELECT', table: 'post_ip_locations' },
    ],
    [
      'INSERT INTO accounts (user_id) VALUES (?) ON DUPLICATE KEY UPDATE consent = VALUES(consent)',
      { operation: 'INSERT', table: 'accounts' },
    ],
    ['INSERT IGNORE INTO erasures (pseudonym) VALUES (?)', { operation: 'INSERT', table: 'erasures' }],
    ['INSERT OR IGNORE INTO erasures (pseudonym) VALUES (?)', { operation: 'INSERT', table: 'erasures' }],
    ['UPDATE accounts SET real_name = NULL WHERE user_id IN (?)', { operation: 'UPDATE', table: 'accounts' }],
    ['DELETE FROM audit_log WHERE at < ?', { operation: 'DELETE', table: 'audit_log' }],
    ['SELECT `id` FROM `policy_stages` `s`', { operation: 'SELECT', table: 'policy_stages' }],
    ['SELECT 1', { operation: 'SELECT' }],
    ['START TRANSACTION', { operation: 'START' }],
    ['SET TRANSACTION ISOLATION LEVEL READ COMMITTED', { operation: 'SET' }],
    ["SELECT GET_LOCK(CONCAT('x', ?), ?) AS locked", { operation: 'SELECT' }],
    ['', { operation: 'SQL' }],
  ])('%s', (sql, summary) => {
    expect(statementSummary(sql)).toEqual(summary);
  });

  it('never takes a value for a table: a quoted literal after FROM is no table', () => {
    expect(statementSummary("SELECT * FROM 'Zhang Wei'")).toEqual({ operation: 'SELECT' });
  });
});
