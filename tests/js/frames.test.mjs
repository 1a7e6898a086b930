// Play in frames: batches of frames shown in order, the next batch asked for while one plays,
// Pause on the server's state, fewer epochs when the work bound refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  batchBody,
  batchPlan,
  FRAMES,
  FramePlayer,
  GRID,
  framesOf,
  halved,
  lossPoint,
  overWorkBound,
} from '../../static/js/frames.js';

test('a batch is FRAMES frames of the speed, fewer near an epoch limit', () => {
  assert.deepEqual(batchPlan(5, 5 * FRAMES), { epochs: 50, frames: 10 });
  assert.deepEqual(batchPlan(5, 12), { epochs: 10, frames: 2 });
  assert.deepEqual(batchPlan(5, 3), { epochs: 3, frames: 1 });
  assert.deepEqual(batchPlan(1, 1), { epochs: 1, frames: 1 });
  for (const [perFrame, allowed] of [
    [7, 1000],
    [3, 29],
    [100, 1],
  ]) {
    const plan = batchPlan(perFrame, allowed);
    assert.equal(plan.epochs % plan.frames, 0, 'the server takes equal frames only');
    assert.ok(plan.epochs <= allowed && plan.frames <= FRAMES);
  }
});

test('the body asks for the grid only when the page draws one', () => {
  const plan = { epochs: 20, frames: 10 };
  assert.deepEqual(batchBody({ mode: 'batch' }, plan, null), {
    mode: 'batch',
    epochs: 20,
    frames: 10,
  });
  const mini = batchBody({ mode: 'minibatch', batch_size: 3 }, plan, null);
  assert.deepEqual(mini, { mode: 'minibatch', batch_size: 3, epochs: 20, frames: 10 });
  assert.deepEqual(batchBody({ mode: 'online' }, plan, { hidden: true }), {
    mode: 'online',
    epochs: 20,
    frames: 10,
    grid: GRID,
    grid_hidden: true,
  });
});

test('a 409 naming epochs is the work bound: halve, down to one epoch a frame', () => {
  assert.ok(overWorkBound({ status: 409, errors: [{ field: 'epochs', message: '…' }] }));
  assert.ok(!overWorkBound({ status: 409, errors: [{ field: 'x', message: '…' }] }));
  assert.ok(!overWorkBound({ status: 422, errors: [{ field: 'epochs', message: '…' }] }));
  assert.equal(halved(100), 50);
  assert.equal(halved(5), 2);
  assert.equal(halved(1), null);
});

/** A server that trains by counting: frame f of a batch ends at update `updates + f·each`. */
function fakeServer({ refuseAbove = Infinity, hold = null } = {}) {
  const server = { updates: 0, bodies: [], inFlight: 0, most: 0 };
  server.fetch = async (body) => {
    server.bodies.push(body);
    server.inFlight += 1;
    server.most = Math.max(server.most, server.inFlight);
    try {
      await (hold ? hold() : Promise.resolve());
      if (body.epochs > refuseAbove)
        throw Object.assign(new Error('work'), {
          status: 409,
          errors: [{ field: 'epochs', message: 'over the limit' }],
        });
      const each = body.epochs / body.frames;
      const start = server.updates;
      server.updates += body.epochs;
      const frames = [...Array(body.frames)].map((_, f) => ({
        updates: start + (f + 1) * each,
        loss: 1 / (start + (f + 1) * each),
      }));
      return { frames, network: { updates: server.updates }, evaluation: null };
    } finally {
      server.inFlight -= 1;
    }
  };
  return server;
}

const tick = () =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

function player(server, extra = {}) {
  const seen = { shown: [], settled: [], errors: [], stopped: [] };
  const p = new FramePlayer(
    {
      fetch: server.fetch,
      body: (plan) => batchBody({ mode: 'batch' }, plan, null),
      show: (item) => seen.shown.push(item.frame.updates),
      settle: (answer) => seen.settled.push(answer.network.updates),
      onError: (err) => seen.errors.push(err),
      onChange: () => {},
      onStopped: (reason) => seen.stopped.push(reason),
      ...extra,
    },
    tick, // frames as fast as the test runs
  );
  return { p, seen };
}

async function until(condition) {
  for (let i = 0; i < 10000 && !condition(); i += 1) await tick();
  assert.ok(condition(), 'never happened');
}

test('frames are shown in order, the next batch asked for while one plays', async () => {
  const server = fakeServer();
  const { p, seen } = player(server);
  p.speed = 2; // 5 epochs a frame
  p.start();
  await until(() => seen.shown.length >= 35);
  p.stop();
  assert.deepEqual(
    seen.shown.slice(0, 35),
    [...Array(35)].map((_, i) => 5 * (i + 1)),
  );
  assert.equal(server.most, 1, 'one request in flight at a time');
  assert.ok(server.bodies.every((b) => b.epochs === 50 && b.frames === FRAMES));
  // the second batch was asked for when the first began to play, not after it
  assert.ok(server.bodies.length >= 4);
  assert.equal(p.stats.starved, 0);
});

test('Pause shows the last frame computed: the server state, a batch in flight included', async () => {
  const server = fakeServer();
  const { p, seen } = player(server);
  p.start();
  await until(() => seen.shown.length >= 3);
  p.stop();
  await until(() => server.inFlight === 0 && seen.settled.length > 0);
  assert.deepEqual(seen.settled, [server.updates]);
  assert.ok(seen.shown.length < server.updates / 5, 'frames were computed ahead of the show');
  // held in flight at Pause: shown when it arrives
  let release = null;
  const slow = fakeServer({
    hold: () =>
      new Promise((resolve) => {
        release = resolve;
      }),
  });
  const other = player(slow);
  other.p.start();
  await until(() => release !== null);
  other.p.stop();
  assert.deepEqual(other.seen.settled, []);
  release();
  await until(() => other.seen.settled.length > 0);
  assert.deepEqual(other.seen.settled, [slow.updates]);
  assert.deepEqual(other.seen.shown, [], 'a paused batch is not animated');
});

test('the work bound halves the epochs a frame until a batch fits', async () => {
  const server = fakeServer({ refuseAbove: 300 });
  const { p, seen } = player(server);
  p.speed = 4; // 100 epochs a frame: 1,000 a batch
  p.start();
  await until(() => seen.shown.length >= 12);
  p.stop();
  const asked = server.bodies.map((b) => b.epochs);
  assert.deepEqual(asked.slice(0, 3), [1000, 500, 250]);
  assert.deepEqual(
    seen.shown.slice(0, 12),
    [...Array(12)].map((_, i) => 25 * (i + 1)),
  );
  assert.deepEqual(seen.errors, []);
});

test('an epoch limit: the last batch is cut to it, played to its end, then Play stops', async () => {
  const server = fakeServer();
  const { p, seen } = player(server);
  p.speed = 2;
  p.conditions = { loss: null, accuracy: null, epochs: 72 };
  p.start();
  await until(() => seen.stopped.length > 0);
  assert.deepEqual(
    server.bodies.map((b) => [b.epochs, b.frames]),
    [
      [50, 10],
      [20, 4],
      [2, 1],
    ],
  );
  assert.equal(seen.shown.at(-1), 72);
  assert.equal(seen.shown.length, 15);
  assert.match(seen.stopped[0], /72 epochs/);
  assert.equal(p.playing, false);
});

test('Play stops at a target J once the batch that reached it has played', async () => {
  const server = fakeServer();
  const { p, seen } = player(server);
  p.speed = 1; // 1 epoch a frame: J = 1/updates
  p.conditions = { loss: 1 / 15, accuracy: null, epochs: null };
  p.start();
  await until(() => seen.stopped.length > 0);
  assert.equal(server.bodies.length, 2, 'no batch asked for after the one that reached it');
  assert.deepEqual(
    seen.shown,
    [...Array(20)].map((_, i) => i + 1),
  );
  assert.match(seen.stopped[0], /J reached/);
});

test('a batch that trained nothing (the press refused by the queue) stops Play', async () => {
  const { p, seen } = player({ fetch: async () => null });
  p.start();
  await until(() => !p.playing);
  assert.deepEqual([seen.shown, seen.stopped, seen.errors], [[], [], []]);
});

test("a frame's loss point: J, and the test part's J at the frame's last epoch", () => {
  const answer = {
    frames: [
      { updates: 12, loss: 0.5 },
      { updates: 14, loss: 0.25 },
    ],
    test_losses: [0.9, 0.8, 0.7, 0.6],
  };
  const items = framesOf(answer);
  assert.deepEqual(items.map(lossPoint), [
    { u: 12, J: 0.5, T: 0.8 },
    { u: 14, J: 0.25, T: 0.6 },
  ]);
  assert.deepEqual(lossPoint({ ...items[0], answer: { ...answer, test_losses: null } }), {
    u: 12,
    J: 0.5,
  });
});
