// Without IP_LOCATION_WRITER_SECRET, POST /ip-locations does not exist on a real database.
import { aLocationRecord, postIpLocations, postLocationRows } from '../../support/ip-locations';
import { useTestServer } from '../../support/server';

const server = useTestServer();

it('is not found, with or without authorization, and stores nothing', async () => {
  for (const headers of [{}, { authorization: 'Bearer anything-at-all-here' }] as Record<string, string>[]) {
    const response = await postIpLocations(server, { records: [aLocationRecord()] }, headers);
    expect(response.status).toBe(404);
  }
  expect(await postLocationRows(server.app.dataSource)).toEqual([]);
});
