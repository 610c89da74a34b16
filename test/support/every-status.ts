// The demo people (one account in every status at NOW under the default policy), shared by the tests that
// check what each status looks like, through the subgraph alone and through a gateway.
import { demoAccounts, demoProfessionalLabels } from '../../src/demo/demo-data';
import { daysAfter } from './factories';

export const NOW = new Date('2026-11-25T08:00:00Z');
export const daysAgo = (days: number) => daysAfter(NOW, -days);

/** The default stages, as the migration seeds them into a fresh database (in this order). */
export const INITIAL_STAGE_ID = 1;
export const EXPANDED_STAGE_ID = 2;

export const accountsInEveryStatus = demoAccounts(NOW, { initial: INITIAL_STAGE_ID, expanded: EXPANDED_STAGE_ID });

/** The demo people's credentials and MCN agencies at NOW (src/demo/demo-data.ts). */
export const professionalLabelsInEveryStatus = demoProfessionalLabels(NOW);
