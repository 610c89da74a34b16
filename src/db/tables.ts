// How the service's data maps onto its tables, for TypeORM's repositories. The tables themselves are made
// by the migrations (migrations/); the shapes are the policy's own types, so each is declared once.
import { EntitySchema } from 'typeorm';
import type { AuditEvent } from '../policy/audit-events';
import type { AccountFacts, DisclosureStatus, PolicyStage } from '../policy/types';

/** One change of an account's disclosure state. Append-only; it never holds the real name. */
export interface AuditEntry {
  id: number;
  userId: string;
  at: Date;
  event: AuditEvent;
  oldStatus: DisclosureStatus;
  newStatus: DisclosureStatus;
  /** The stage the change happened under (see AuditedEvent.stageName). */
  stageName: string | null;
  /** What made the change: "import accounts.csv:12", "command notify", "mutation setRealNameConsent". */
  cause: string;
}

/** NOTICE and NOTICE_WITHDRAWN go to the account; LABEL_CHANGED to the services that act on its label. */
export type NotificationKind = 'NOTICE' | 'NOTICE_WITHDRAWN' | 'LABEL_CHANGED';

/**
 * A message the platform's messaging service must deliver to an account, written in the same transaction
 * as the change it announces (the transactional outbox pattern).
 */
export interface OutboxNotification {
  id: number;
  userId: string;
  kind: NotificationKind;
  stageName: string | null;
  noticeDeadline: Date | null;
  createdAt: Date;
  deliveredAt: Date | null;
  /** LABEL_CHANGED: the status after the change (null for the other kinds). */
  status: DisclosureStatus | null;
  /** LABEL_CHANGED: `restricted` after the change (null for the other kinds). */
  restricted: boolean | null;
}

const userId = { name: 'user_id', type: 'varchar', length: 64 } as const;
const id = { type: 'integer', primary: true, generated: 'increment' } as const;

/**
 * The real name is not mapped: its two columns (real_name, real_name_encrypted) are read and written only by
 * the plain SQL of account-rows.ts, which keeps the name sealed. A repository never sees one.
 */
export const AccountsTable = new EntitySchema<AccountFacts>({
  name: 'Account',
  tableName: 'accounts',
  columns: {
    userId: { ...userId, primary: true },
    subjectKind: { name: 'subject_kind', type: 'varchar', length: 16, nullable: true },
    verification: { type: 'varchar', length: 16, default: 'UNVERIFIED' },
    followerCount: { name: 'follower_count', type: 'int', default: 0 },
    category: { type: 'varchar', length: 64, nullable: true },
    notifiedAt: { name: 'notified_at', type: 'datetime', nullable: true },
    notifiedStageId: { name: 'notified_stage_id', type: 'int', nullable: true },
    consent: { type: 'varchar', length: 8, default: 'NONE' },
    consentAt: { name: 'consent_at', type: 'datetime', nullable: true },
  },
});

export const PolicyStagesTable = new EntitySchema<PolicyStage>({
  name: 'PolicyStage',
  tableName: 'policy_stages',
  columns: {
    id,
    name: { type: 'varchar', length: 64, unique: true },
    minFollowers: { name: 'min_followers', type: 'int' },
    /** A JSON array of content categories; null means every category. */
    categories: { type: 'simple-json', nullable: true },
    effectiveFrom: { name: 'effective_from', type: 'datetime' },
    noticeDays: { name: 'notice_days', type: 'int' },
    mode: { type: 'varchar', length: 16, default: 'CONSENT' },
    retiredAt: { name: 'retired_at', type: 'datetime', nullable: true },
  },
});

export const AuditLogTable = new EntitySchema<AuditEntry>({
  name: 'AuditEntry',
  tableName: 'audit_log',
  columns: {
    id,
    userId,
    at: { type: 'datetime' },
    event: { type: 'varchar', length: 32 },
    oldStatus: { name: 'old_status', type: 'varchar', length: 16 },
    newStatus: { name: 'new_status', type: 'varchar', length: 16 },
    stageName: { name: 'stage_name', type: 'varchar', length: 64, nullable: true },
    cause: { type: 'varchar', length: 255 },
  },
});

export const NotificationOutboxTable = new EntitySchema<OutboxNotification>({
  name: 'OutboxNotification',
  tableName: 'notification_outbox',
  columns: {
    id,
    userId,
    kind: { type: 'varchar', length: 16 },
    stageName: { name: 'stage_name', type: 'varchar', length: 64, nullable: true },
    noticeDeadline: { name: 'notice_deadline', type: 'datetime', nullable: true },
    createdAt: { name: 'created_at', type: 'datetime' },
    deliveredAt: { name: 'delivered_at', type: 'datetime', nullable: true },
    status: { type: 'varchar', length: 16, nullable: true },
    restricted: { type: 'boolean', nullable: true },
  },
});

export type PolicyChangeAction = 'ADDED' | 'RETIRED' | 'REMOVED';

/** One change of the policy itself: a stage added, retired or removed, with the stage as it then stood. */
export interface PolicyChange {
  id: number;
  at: Date;
  action: PolicyChangeAction;
  stageName: string;
  stage: PolicyStage;
  /** What made the change: "command policy add". */
  cause: string;
}

export const PolicyChangesTable = new EntitySchema<PolicyChange>({
  name: 'PolicyChange',
  tableName: 'policy_changes',
  columns: {
    id,
    at: { type: 'datetime' },
    action: { type: 'varchar', length: 16 },
    stageName: { name: 'stage_name', type: 'varchar', length: 64 },
    stage: { type: 'simple-json' },
    cause: { type: 'varchar', length: 255 },
  },
});

export const TABLES = [AccountsTable, PolicyStagesTable, AuditLogTable, NotificationOutboxTable, PolicyChangesTable];
