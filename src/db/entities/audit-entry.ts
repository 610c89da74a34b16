// One change of an account's disclosure state. Append-only; it never holds the real name.
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AuditEvent } from '../../policy/changes';
import type { DisclosureStatus } from '../../policy/types';

@Entity({ name: 'audit_log' })
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @Column({ type: 'datetime' })
  at!: Date;

  @Column({ type: 'varchar', length: 32 })
  event!: AuditEvent;

  @Column({ name: 'old_status', type: 'varchar', length: 16 })
  oldStatus!: DisclosureStatus;

  @Column({ name: 'new_status', type: 'varchar', length: 16 })
  newStatus!: DisclosureStatus;

  /** What made the change: "import accounts.csv:12", "command notify", "mutation setRealNameConsent". */
  @Column({ type: 'varchar', length: 255 })
  cause!: string;
}
