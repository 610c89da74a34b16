// What this service tells the platform (docs/events.md): each outbox entry as a CloudEvent 1.0 in
// structured JSON, on a subject under EVENTS_OUT_PREFIX. Pure. Never a name: a user id, a status, a stage,
// a deadline.
import type { PendingEntry } from '../db/outbox-rows';
import type { NotificationKind } from '../db/tables';

/** The `source` of every event this service publishes; with `id` (the outbox id) it names one event. */
export const EVENTS_OUT_SOURCE = 'urn:identity-labels:outbox';

export const EVENT_TYPES_OUT: Record<NotificationKind, { type: string; subject: string }> = {
  NOTICE: { type: 'identity.notice.sent', subject: 'notice.sent' },
  NOTICE_WITHDRAWN: { type: 'identity.notice.withdrawn', subject: 'notice.withdrawn' },
  LABEL_CHANGED: { type: 'identity.label.changed', subject: 'label.changed' },
};

export interface OutgoingEvent {
  subject: string;
  /** JetStream's deduplication key: the same entry published twice within the stream's window is kept once. */
  messageId: string;
  body: string;
}

function dataOf(entry: PendingEntry): Record<string, unknown> {
  const deadline = entry.noticeDeadline?.toISOString() ?? null;
  switch (entry.kind) {
    case 'NOTICE':
      return { userId: entry.userId, stage: entry.stageName, noticeDeadline: deadline };
    case 'NOTICE_WITHDRAWN':
      return { userId: entry.userId };
    case 'LABEL_CHANGED':
      return {
        userId: entry.userId,
        status: entry.status,
        restricted: entry.restricted,
        stage: entry.stageName,
        noticeDeadline: deadline,
      };
  }
}

export function outgoingEvent(entry: PendingEntry, outPrefix: string): OutgoingEvent {
  const { type, subject } = EVENT_TYPES_OUT[entry.kind];
  const event = {
    specversion: '1.0',
    id: String(entry.id),
    source: EVENTS_OUT_SOURCE,
    type,
    time: entry.createdAt.toISOString(),
    datacontenttype: 'application/json',
    data: dataOf(entry),
  };
  return {
    subject: `${outPrefix}.${subject}`,
    messageId: `identity-labels:outbox:${entry.id}`,
    body: JSON.stringify(event),
  };
}
