import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { setRealNameConsent } from '../../consent/set-consent';
import { isDatabaseFailure } from '../../db/database-errors';
import { errorForLog, identityUnavailable, unauthenticated } from '../../errors';
import { labelOrUnavailable } from '../../loaders/identity-loader';
import type { IdentityLabel as Label } from '../../policy/label';
import type { RequestContext } from '../context';
import { IdentityLabel } from '../types/identity-label';

@Resolver()
export class ConsentResolver {
  @Mutation(() => IdentityLabel, {
    description:
      "The signed-in viewer's answer for its own account: true consents to showing its real name (or " +
      'discloses it voluntarily), false refuses or withdraws. Returns the label as the account now stands.',
  })
  async setRealNameConsent(
    @Arg('consent', () => Boolean) consent: boolean,
    @Ctx() context: RequestContext,
  ): Promise<Label> {
    const { viewer, services } = context;
    const userId = viewer.id;
    if (userId === null) throw unauthenticated('setRealNameConsent needs a signed-in viewer (header x-viewer-id)');
    const now = services.clock();
    const stages = services.stages.current();
    const account = await setRealNameConsent(services.dataSource, userId, consent, {
      stages,
      rules: services.settings,
      now,
      timeoutMs: services.writeTimeoutMs,
    })
      .catch((error: unknown) => {
        // An outage, not the caller's fault: "try again later", and a warning for the operator, with its cause.
        if (!isDatabaseFailure(error)) throw error;
        services.log.warn({ err: errorForLog(error) }, 'consent could not be stored');
        throw identityUnavailable(error);
      })
      .finally(() => {
        // Committed (or perhaps, on a failure): every instance's next read of it goes to the database.
        void services.changes.announce({ userIds: [userId] });
      });
    const label = labelOrUnavailable(account, stages, now, viewer, services.settings, services.openRealName);
    if (label instanceof Error) throw label; // stored, but its own name cannot be shown back to the owner
    return label;
  }
}
