// Play must not flood the server: one request in flight, and at least MIN_WAIT ms between starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';

globalThis.requestAnimationFrame ??= (callback) => setTimeout(() => callback(performance.now()), 0);
const { Player, SPEEDS, MIN_WAIT } = await import('../../static/js/player.js');

test('every speed waits at least MIN_WAIT between requests', () => {
  assert.ok(MIN_WAIT >= 100);
  for (const speed of SPEEDS) assert.ok(speed.wait >= MIN_WAIT, speed.label);
});

test('playing for 600 ms against an instant server sends at most 7 requests, one at a time', async () => {
  const starts = [];
  let inFlight = 0;
  let most = 0;
  const player = new Player({
    train: async (epochs) => {
      starts.push({ at: performance.now(), epochs });
      inFlight += 1;
      most = Math.max(most, inFlight);
      await Promise.resolve();
      inFlight -= 1;
    },
    onError: (err) => {
      throw err;
    },
    onChange: () => {},
  });
  player.speed = 4;
  player.start();
  await new Promise((resolve) => setTimeout(resolve, 600));
  player.stop();
  assert.ok(starts.length >= 2, `only ${starts.length} requests`);
  assert.ok(starts.length <= 7, `${starts.length} requests in 600 ms`);
  assert.equal(most, 1);
  assert.ok(starts.every((s) => s.epochs === SPEEDS[4].epochs));
  for (let i = 1; i < starts.length; i += 1) {
    assert.ok(
      starts[i].at - starts[i - 1].at >= MIN_WAIT - 5,
      `gap ${starts[i].at - starts[i - 1].at}`,
    );
  }
});

test('Play stops by itself after a number of epochs, never asking for more', async () => {
  const asked = [];
  let stopped = null;
  const player = new Player({
    train: async (epochs) => {
      asked.push(epochs);
      return { loss: 1, accuracy: 0.5 };
    },
    onError: (err) => {
      throw err;
    },
    onChange: () => {},
    onStopped: (reason) => {
      stopped = reason;
    },
  });
  player.speed = 3; // 20 epochs per request
  player.conditions = { loss: null, accuracy: null, epochs: 50 };
  player.start();
  while (player.playing) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(asked, [20, 20, 10]);
  assert.equal(stopped, '50 epochs done');
});

test('Play stops at a target J and at a target accuracy', async () => {
  for (const [conditions, expected] of [
    [{ loss: 0.1, accuracy: null, epochs: null }, 'J reached 0.1 or less'],
    [{ loss: null, accuracy: 0.9, epochs: null }, 'accuracy reached 90 % or more'],
  ]) {
    const statuses = [
      { loss: 0.5, accuracy: 0.5 },
      { loss: 0.2, accuracy: 0.75 },
      { loss: 0.05, accuracy: 0.95 },
      { loss: 0.01, accuracy: 1 },
    ];
    let calls = 0;
    let stopped = null;
    const player = new Player({
      train: async () => statuses[calls++],
      onError: (err) => {
        throw err;
      },
      onChange: () => {},
      onStopped: (reason) => {
        stopped = reason;
      },
    });
    player.speed = 4;
    player.conditions = conditions;
    player.start();
    while (player.playing) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(calls, 3, expected);
    assert.equal(stopped, expected);
  }
});

test('a tick that trained nothing (its press refused by the queue) stops Play', async () => {
  let changes = 0;
  const player = new Player({
    train: async () => null,
    onError: (err) => {
      throw err;
    },
    onChange: () => (changes += 1),
  });
  player.start();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(player.playing, false);
  assert.equal(changes, 2);
});
