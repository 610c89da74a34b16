import { Ctx, Directive, Query, Resolver } from 'type-graphql';
import { unauthenticated } from '../../errors';
import type { OwnerData } from '../../owner-data/read-owner-data';
import type { RequestContext } from '../context';
import { MyIdentityData } from '../types/my-identity-data';

@Resolver()
export class OwnerDataResolver {
  @Query(() => MyIdentityData, {
    nullable: true,
    description:
      "What this service holds about the signed-in viewer's own account (header x-viewer-id): its verified name, " +
      'its label and why, its IP locations, its credentials and MCN agency, and their history. Nobody else can ' +
      'read it.',
  })
  // The router refuses an anonymous caller before it calls this subgraph; the resolver still refuses one itself.
  @Directive('@authenticated')
  async myIdentityData(@Ctx() context: RequestContext): Promise<OwnerData> {
    const userId = context.viewer.id;
    if (userId === null) throw unauthenticated('myIdentityData needs a signed-in viewer (header x-viewer-id)');
    return context.services.ownerData.read(userId);
  }
}
