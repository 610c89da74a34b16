// What one real name costs to encrypt (the import, `keys rotate`) and to decrypt (the read path, for a name
// it reveals), in this process: the cipher alone, without the database or GraphQL around it.
import { decryptRealName, encryptRealName } from '../../src/crypto/real-name-cipher';
import { newRealNameKey, RealNameKeys } from '../../src/crypto/real-name-keys';

export interface CipherCost {
  names: number;
  encryptMicros: number;
  decryptMicros: number;
}

export function measureRealNameCipher(names = 50_000): CipherCost {
  const keys = RealNameKeys.parse(newRealNameKey('bench'));
  const texts = Array.from({ length: names }, (_, index) => `Bench Real Name ${index}`);
  const userIds = texts.map((_, index) => `bench-${index}`);
  const time = (work: (index: number) => unknown): number => {
    for (let index = 0; index < 1000; index += 1) work(index); // warm-up
    const started = process.hrtime.bigint();
    for (let index = 0; index < names; index += 1) work(index);
    return Number(process.hrtime.bigint() - started) / 1000 / names;
  };
  const sealed: Buffer[] = [];
  const encryptMicros = time((index) => (sealed[index] = encryptRealName(keys, userIds[index]!, texts[index]!)));
  const decryptMicros = time((index) => decryptRealName(keys, userIds[index]!, sealed[index]!));
  return { names, encryptMicros, decryptMicros };
}
