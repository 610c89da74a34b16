// The owner's view as the server serves it: decided under the stages in force, bounded in time, and a
// database failure or a name that cannot be opened answered "try again later", its cause in the log only.
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { RealNameUnreadableError } from '../crypto/real-name-cipher';
import { DatabaseTimeoutError, isDatabaseFailure } from '../db/database-errors';
import { errorForLog, identityUnavailable } from '../errors';
import type { IpLocationLanguage } from '../ip-location/label';
import type { LabelSettings } from '../policy/label';
import type { LabelLanguage } from '../professional/label';
import type { PolicyStage, RealNameOpener } from '../policy/types';
import { withTimeout } from '../timeout';
import { readOwnerData, type OwnerData } from './read-owner-data';

/** The most recent post locations the query lists; `accounts export` lists them all. */
export const OWNER_VIEW_MAX_LOCATIONS = 1000;

export interface OwnerDataServiceOptions {
  /** Read from the primary: an owner who just answered sees its answer. */
  dataSource: DataSource;
  stages: () => readonly PolicyStage[];
  clock: () => Date;
  settings: LabelSettings;
  openRealName: RealNameOpener;
  language: IpLocationLanguage;
  professionalLanguage: LabelLanguage;
  timeoutMs: number;
  log: Logger;
}

export function createOwnerDataService(options: OwnerDataServiceOptions): { read(userId: string): Promise<OwnerData> } {
  return {
    read(userId) {
      const reading = readOwnerData(options.dataSource, userId, {
        stages: options.stages(),
        now: options.clock(),
        settings: options.settings,
        openRealName: options.openRealName,
        language: options.language,
        professionalLanguage: options.professionalLanguage,
        maxLocations: OWNER_VIEW_MAX_LOCATIONS,
      });
      const bounded = withTimeout(reading, options.timeoutMs, () => {
        throw new DatabaseTimeoutError(`reading an owner's data took over ${options.timeoutMs} ms`);
      });
      return bounded.catch((error: unknown) => {
        if (!isDatabaseFailure(error) && !(error instanceof RealNameUnreadableError)) throw error;
        options.log.warn({ err: errorForLog(error) }, "an owner's data could not be read");
        throw identityUnavailable(error);
      });
    },
  };
}
