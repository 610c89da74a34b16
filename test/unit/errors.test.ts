// What an error may say: a driver's own words, never the data it quotes.
import { errorForLog, errorMessage } from '../../src/errors';

const driverError = (code: string, message: string) => Object.assign(new Error(message), { code });

it('a MySQL error loses the literal it quotes (a name, an id), and keeps what went wrong and where', () => {
  const refused = driverError(
    'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
    "Incorrect string value: '\\xE7\\x8E\\x8B\\xE5\\xB0\\x8F' for column `identity`.`accounts`.`real_name` at row 1",
  );
  expect(errorMessage(refused)).toBe(
    "Incorrect string value: '…' for column `identity`.`accounts`.`real_name` at row 1",
  );
  expect(errorForLog(driverError('ER_DUP_ENTRY', "Duplicate entry 'u-1001' for key 'PRIMARY'"))).toEqual({
    message: "Duplicate entry '…' for key '…'",
    code: 'ER_DUP_ENTRY',
  });
});

it("any other error keeps its message as it is: ours, the network's, and MySQL's naming the schema", () => {
  expect(errorMessage(driverError('ER_BAD_DB_ERROR', "Unknown database 'identity_labels'"))).toBe(
    "Unknown database 'identity_labels'",
  );
  expect(errorMessage(new Error("there is no stage named 'x'"))).toBe("there is no stage named 'x'");
  expect(errorForLog(driverError('ECONNRESET', "read ECONNRESET 'x'")).message).toBe("read ECONNRESET 'x'");
});
