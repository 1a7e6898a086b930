import assert from 'node:assert/strict';
import { test } from 'node:test';

import { backoff, SseParser } from '../../static/js/sse.js';

test('an event is complete at the blank line: type, data and id', () => {
  const p = new SseParser();
  assert.deepEqual(p.feed('id: 7\nevent: student\ndata: {"a": 1}\n'), []);
  assert.deepEqual(p.feed('\n'), [{ type: 'student', data: '{"a": 1}', id: '7' }]);
});

test('comments (the server\'s ": ping") and unknown fields produce nothing', () => {
  const p = new SseParser();
  assert.deepEqual(p.feed(': ping\n\n'), []);
  assert.deepEqual(p.feed('foo: bar\n\n'), []);
});

test('a line split across chunks, and an event split across three', () => {
  const p = new SseParser();
  assert.deepEqual(p.feed('event: cl'), []);
  assert.deepEqual(p.feed('ass\ndata: {"paused"'), []);
  assert.deepEqual(p.feed(': true}\n\nevent: student\ndata: 1\n\n'), [
    { type: 'class', data: '{"paused": true}', id: '' },
    { type: 'student', data: '1', id: '' },
  ]);
});

test('CRLF and CR line ends, a \\r\\n split between chunks', () => {
  const p = new SseParser();
  assert.deepEqual(p.feed('data: a\r\ndata: b\r'), []);
  assert.deepEqual(p.feed('\n\r\n'), [{ type: 'message', data: 'a\nb', id: '' }]);
  assert.deepEqual(p.feed('data: c\r\r'), [{ type: 'message', data: 'c', id: '' }]);
});

test('data lines join with \\n; one leading space is dropped, not two; no colon means empty', () => {
  const p = new SseParser();
  assert.deepEqual(p.feed('data:x\ndata:  y\ndata\n\n'), [
    { type: 'message', data: 'x\n y\n', id: '' },
  ]);
});

test('the last id carries over to later events and is what a reconnect resumes from', () => {
  const p = new SseParser();
  p.feed('id: 3\ndata: a\n\ndata: b\n\n');
  assert.equal(p.lastId, '3');
  const [e] = p.feed('data: c\n\n');
  assert.equal(e.id, '3');
  p.feed('retry: 2500\n\n');
  assert.equal(p.retry, 2500);
  p.feed('retry: soon\n\n');
  assert.equal(p.retry, 2500);
});

test('an event without data is not dispatched', () => {
  const p = new SseParser();
  assert.deepEqual(p.feed('event: class\n\n'), []);
  // and its type does not leak into the next event
  assert.deepEqual(p.feed('data: 1\n\n'), [{ type: 'message', data: '1', id: '' }]);
});

test('backoff doubles from 500 ms to 15 s, with up to a quarter of jitter off', () => {
  const none = { random: () => 0 };
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 30].map((n) => backoff(n, none)),
    [500, 1000, 2000, 4000, 8000, 15000, 15000, 15000],
  );
  assert.equal(backoff(0, { random: () => 0.999999 }), 375);
  assert.equal(backoff(2, { base: 3000, random: () => 0.5 }), 10500);
});
