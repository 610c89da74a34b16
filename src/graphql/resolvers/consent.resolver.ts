import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { unauthenticated } from '../../errors';
import type { IdentityLabelView } from '../../policy/label';
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
    @Arg('consent') consent: boolean,
    @Ctx() context: RequestContext,
  ): Promise<IdentityLabelView> {
    if (context.viewer.id === null) {
      throw unauthenticated('setRealNameConsent needs a signed-in viewer (header x-viewer-id)');
    }
    return context.setOwnConsent(consent);
  }
}
