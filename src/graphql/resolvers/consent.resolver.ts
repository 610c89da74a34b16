import { Arg, Ctx, Directive, Mutation, Resolver } from 'type-graphql';
import { unauthenticated } from '../../errors';
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
  // The router refuses an anonymous caller before it calls this subgraph; the resolver still refuses one itself.
  @Directive('@authenticated')
  async setRealNameConsent(
    @Arg('consent', () => Boolean) consent: boolean,
    @Ctx() context: RequestContext,
  ): Promise<Label> {
    const { viewer, services } = context;
    const userId = viewer.id;
    if (userId === null) throw unauthenticated('setRealNameConsent needs a signed-in viewer (header x-viewer-id)');
    const { account, stages, now } = await services.consent.answer(userId, consent);
    const label = labelOrUnavailable(account, stages, now, viewer, services.settings, services.openRealName);
    if (label instanceof Error) throw label; // stored, but its own name cannot be shown back to the owner
    return label;
  }
}
