// A stage of the regulation, stored as a row so that a new stage is data, not a deploy.
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { DisclosureMode, Stage } from '../../policy/types';

@Entity({ name: 'policy_stages' })
export class PolicyStage implements Stage {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  name!: string;

  @Column({ name: 'min_followers', type: 'int' })
  minFollowers!: number;

  /** JSON array of content categories; null means every category. */
  @Column({ type: 'simple-json', nullable: true })
  categories!: string[] | null;

  @Column({ name: 'effective_from', type: 'datetime' })
  effectiveFrom!: Date;

  @Column({ name: 'notice_days', type: 'int' })
  noticeDays!: number;

  @Column({ type: 'varchar', length: 16, default: 'CONSENT' })
  mode!: DisclosureMode;
}
