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
