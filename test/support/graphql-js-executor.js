// Setup of the `graphql-js` Jest project: the services the tests start execute with graphql-js.
process.env.TEST_GRAPHQL_EXECUTOR = 'graphql-js';
