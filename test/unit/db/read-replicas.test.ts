// What a replica's own status says about its place in the rotation (SHOW REPLICA STATUS, MariaDB and MySQL).
import { replicaName, replicationLag } from '../../../src/db/read-replicas';

describe('replication lag', () => {
  it('is the seconds behind the primary of a replica whose threads both run', () => {
    const mariadb = { Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes', Seconds_Behind_Master: 3 };
    const mysql = { Replica_IO_Running: 'Yes', Replica_SQL_Running: 'Yes', Seconds_Behind_Source: '0' };
    expect(replicationLag([mariadb])).toEqual({ lagSeconds: 3 });
    expect(replicationLag([mysql])).toEqual({ lagSeconds: 0 });
  });

  it('is unknown, with the reason, for a server that is not a replica or whose replication stopped', () => {
    expect(replicationLag([])).toEqual({ reason: expect.stringMatching(/not a replica/) });
    expect(replicationLag([{ Slave_IO_Running: 'Yes', Slave_SQL_Running: 'No', Seconds_Behind_Master: null }])).toEqual(
      { reason: 'replication stopped (IO Yes, SQL No)' },
    );
    expect(
      replicationLag([{ Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes', Seconds_Behind_Master: null }]),
    ).toEqual({ reason: 'replication lag unknown' });
  });
});

it('names a replica by host and port, never by its credentials', () => {
  expect(replicaName('mysql://reader:secret@replica-1.db:3307/identity')).toBe('replica-1.db:3307');
  expect(replicaName('mysql://reader:secret@replica-2/identity')).toBe('replica-2:3306');
});
