// The change feed's messages: what a writer sends, and how a server reads what it receives.
import pino from 'pino';
import { ChangeFeed, changeMessages, parseChange, parseMessage } from '../../../src/changes/change-feed';

describe('change messages', () => {
  it('tell accounts by id, a large change in pieces of 1000 ids', () => {
    const userIds = Array.from({ length: 2500 }, (_, index) => `u-${index}`);
    const messages = changeMessages({ userIds });
    expect(messages).toHaveLength(3);
    expect(messages.map((message) => parseChange(message))).toEqual([
      { userIds: userIds.slice(0, 1000) },
      { userIds: userIds.slice(1000, 2000) },
      { userIds: userIds.slice(2000) },
    ]);
  });

  it('tell a change to every account, and whether the policy changed with it', () => {
    expect(parseChange(changeMessages({ all: true, policy: true })[0]!)).toEqual({ all: true, policy: true });
    expect(parseChange(changeMessages({ all: true, policy: false })[0]!)).toEqual({ all: true, policy: false });
  });

  it('carry the writer’s trace context, which a reader of the older format ignores', () => {
    const trace = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'r=1' };
    const [message] = changeMessages({ userIds: ['u-1'] }, trace);
    expect(parseMessage(message!)).toEqual({ change: { userIds: ['u-1'] }, trace });
    expect(parseChange(message!)).toEqual({ userIds: ['u-1'] });
    expect(parseMessage(changeMessages({ all: true, policy: false })[0]!).trace).toEqual({});
    expect(parseMessage('{"userIds":["u-1"],"traceparent":42}').trace).toEqual({});
  });

  it('read anything unreadable as a change to everything (forgetting too much is safe, too little is not)', () => {
    for (const message of ['', 'not json', '{"userIds":[1,2]}', '{"userIds":"u-1"}', '[]', 'null']) {
      expect(parseChange(message)).toEqual({ all: true, policy: true });
    }
  });
});

describe('without REDIS_URL', () => {
  it('tells only this process, at once, and the cache stays trusted (the TTL bounds what others write)', async () => {
    const told: string[] = [];
    const feed = new ChangeFeed({ url: undefined, channel: 'test:account-changes', log: pino({ level: 'silent' }) });
    feed.subscribe({
      forget: (userIds) => told.push(`forget ${userIds.join(',')}`),
      forgetAll: () => told.push('forget all'),
      policyChanged: () => told.push('reload stages'),
    });
    await feed.announce({ userIds: ['u-1', 'u-2'] });
    await feed.announce({ all: true, policy: true });
    await feed.announce({ all: true, policy: false });
    expect(told).toEqual(['forget u-1,u-2', 'forget all', 'reload stages', 'forget all']);
    expect(feed.state()).toBe('off');
    expect(feed.cacheTrusted()).toBe(true);
    await feed.close();
  });
});
