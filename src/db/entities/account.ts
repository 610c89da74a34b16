// One platform account: the facts the disclosure policy decides from. Keyed by the platform's user id.
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AccountFacts, ConsentAnswer, SubjectKind, Verification } from '../../policy/types';

@Entity({ name: 'accounts' })
export class Account implements AccountFacts {
  /** The platform's opaque user id, 1-64 characters, compared byte for byte. */
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @Column({ name: 'real_name', type: 'varchar', length: 255, nullable: true })
  realName!: string | null;

  @Column({ name: 'subject_kind', type: 'varchar', length: 16, nullable: true })
  subjectKind!: SubjectKind | null;

  @Column({ name: 'verification', type: 'varchar', length: 16, default: 'UNVERIFIED' })
  verification!: Verification;

  @Column({ name: 'follower_count', type: 'int', default: 0 })
  followerCount!: number;

  @Column({ name: 'category', type: 'varchar', length: 64, nullable: true })
  category!: string | null;

  @Column({ name: 'notified_at', type: 'datetime', nullable: true })
  notifiedAt!: Date | null;

  @Column({ name: 'notified_stage_id', type: 'int', nullable: true })
  notifiedStageId!: number | null;

  @Column({ name: 'consent', type: 'varchar', length: 8, default: 'NONE' })
  consent!: ConsentAnswer;

  @Column({ name: 'consent_at', type: 'datetime', nullable: true })
  consentAt!: Date | null;
}
