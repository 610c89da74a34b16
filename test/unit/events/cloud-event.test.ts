// The CloudEvent envelope and each type's data, read as the consumer and POST /events read them.
import { eventKey, rfc3339Time } from '../../../src/events/cloud-event';
import { readEvent } from '../../../src/events/platform-events';

const NOW = new Date('2026-11-25T12:00:00Z');
const envelope = (type: string, data: unknown) => ({ specversion: '1.0', id: 'e-1', source: '//platform', type, data });

describe('rfc3339Time', () => {
  it.each([
    ['2026-11-25T10:00:00Z', '2026-11-25T10:00:00.000Z'],
    ['2026-11-25T18:00:00.5+08:00', '2026-11-25T10:00:00.500Z'],
    ['2026-11-25t10:00:00z', '2026-11-25T10:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(rfc3339Time(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '2026-02-30T10:00:00Z',
    '2026-11-25T10:00:00',
    '2026-11-25',
    '2026-11-25 10:00:00Z',
    1_764_000_000_000,
    null,
  ])('refuses %s', (value) => {
    expect(rfc3339Time(value)).toBeUndefined();
  });
});

describe('eventKey', () => {
  it('is the same for the same source and id, and differs when either differs, even when their concatenation does not', () => {
    expect(eventKey({ source: 'a', id: '1' })).toBe(eventKey({ source: 'a', id: '1' }));
    expect(eventKey({ source: 'a', id: 'b1' })).not.toBe(eventKey({ source: 'ab', id: '1' }));
    expect(eventKey({ source: 'a', id: '1' })).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('readEvent', () => {
  it('reads each type into what it means', () => {
    const followers = readEvent(
      {
        json: envelope('user.followers.changed', {
          userId: 'u',
          followerCount: 5,
          observedAt: '2026-11-25T11:00:00Z',
          extra: 1,
        }),
      },
      NOW,
    );
    expect(followers).toEqual({
      ok: true,
      value: {
        key: eventKey({ source: '//platform', id: 'e-1' }),
        id: 'e-1',
        event: {
          type: 'user.followers.changed',
          userId: 'u',
          followerCount: 5,
          observedAt: new Date('2026-11-25T11:00:00Z'),
        },
      },
    });
    const post = readEvent(
      JSON.stringify(
        envelope('post.created', { postId: 'p', authorId: 'u', ip: '::1', createdAt: '2026-11-25T11:00:00Z' }),
      ),
      NOW,
    );
    expect(post.ok && post.value.event).toEqual({
      type: 'post.created',
      postId: 'p',
      authorId: 'u',
      ip: '::1',
      createdAt: new Date('2026-11-25T11:00:00Z'),
    });
  });

  it('allows a clock a little ahead of ours, not further', () => {
    const at = (observedAt: string) =>
      readEvent({ json: envelope('user.followers.changed', { userId: 'u', followerCount: 1, observedAt }) }, NOW).ok;
    expect(at('2026-11-25T12:04:00Z')).toBe(true);
    expect(at('2026-11-25T12:06:00Z')).toBe(false);
  });

  it.each([
    ['account.closed', { closedAt: '2026-11-25T11:00:00Z' }, 'userId is missing'],
    [
      'account.closed',
      { userId: ' u', closedAt: '2026-11-25T11:00:00Z' },
      'userId must not start or end with white space',
    ],
    ['post.deleted', { postId: 'p' }, 'deletedAt is missing'],
    [
      'user.followers.changed',
      { userId: 'u', followerCount: 1.5, observedAt: '2026-11-25T11:00:00Z' },
      'followerCount must be a whole number from 0 to 2147483647',
    ],
    ['user.verification.changed', { userId: 'u', observedAt: '2026-11-25T11:00:00Z' }, 'verification is missing'],
  ])('%s with %j: %s', (type, data, detail) => {
    expect(readEvent({ json: envelope(type, data) }, NOW)).toEqual({
      ok: false,
      rejection: { reason: 'invalid-data', detail, eventId: 'e-1' },
    });
  });
});
