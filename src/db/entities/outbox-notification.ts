// A message the platform's messaging service must deliver to an account, written in the same transaction
// as the change it announces (the transactional outbox pattern).
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type NotificationKind = 'NOTICE' | 'NOTICE_WITHDRAWN';

@Entity({ name: 'notification_outbox' })
export class OutboxNotification {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: NotificationKind;

  @Column({ name: 'stage_name', type: 'varchar', length: 64, nullable: true })
  stageName!: string | null;

  @Column({ name: 'notice_deadline', type: 'datetime', nullable: true })
  noticeDeadline!: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'delivered_at', type: 'datetime', nullable: true })
  deliveredAt!: Date | null;
}
