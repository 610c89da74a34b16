// The CloudEvent envelope and each type's data, read as the consumer and POST /events read them.
import fc from 'fast-check';
import { eventKey, rfc3339Time, rfc3339TimeByDate } from '../../../src/events/cloud-event';
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

describe('rfc3339Time read by hand', () => {
  const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));

  it('reads every shape as the Date reading does: out-of-range fields, leap days, fractions, offsets', () => {
    const shapes = fc
      .record({
        year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(1900, 2000, 2024, 2100)),
        month: two(19),
        day: two(39),
        separator: fc.constantFrom('T', 't'),
        hour: two(29),
        minute: two(69),
        second: two(69),
        fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
        zone: fc.oneof(
          fc.constantFrom('Z', 'z'),
          fc.tuple(fc.constantFrom('+', '-'), two(29), two(69)).map(([sign, h, m]) => `${sign}${h}:${m}`),
        ),
      })
      .map(
        (f) =>
          `${String(f.year).padStart(4, '0')}-${f.month}-${f.day}${f.separator}${f.hour}:${f.minute}:${f.second}` +
          `${f.fraction === undefined ? '' : `.${f.fraction}`}${f.zone}`,
      );
    fc.assert(
      fc.property(shapes, (value) => {
        expect(rfc3339Time(value)?.getTime()).toBe(rfc3339TimeByDate(value)?.getTime());
      }),
      { numRuns: 10_000 },
    );
  });

  it('reads the times the platform writes (toISOString) exactly', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0100-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        (date) => {
          expect(rfc3339Time(date.toISOString())?.getTime()).toBe(date.getTime());
        },
      ),
    );
  });
});

describe('eventKey', () => {
  it('is the same for the same source and id, and differs when either differs, even when their concatenation does not', () => {
    expect(eventKey({ source: 'a', id: '1' })).toBe(eventKey({ source: 'a', id: '1' }));
    expect(eventKey({ source: 'a', id: 'b1' })).not.toBe(eventKey({ source: 'ab', id: '1' }));
    expect(eventKey({ source: 'a', id: '1' })).toMatch(/^[0-9a-f]{32}$/);
    // The keys stored before stay the keys: sha256 of source, NUL, id, its first 128 bits in hex.
    expect(eventKey({ source: '//platform', id: 'e-1' })).toBe('e034b8d30340102792529b46cbdfb9ba');
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
