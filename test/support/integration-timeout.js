// Integration tests start servers and databases: they get a minute each, not Jest's default five seconds.
jest.setTimeout(60_000);
