// One action at a time, in the order pressed: what keeps page and server showing one state.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ActionQueue, MAX_WAITING, queueText } from '../../static/js/player.js';

const later = () => new Promise((resolve) => setTimeout(resolve, 5));

test('actions run one at a time, in the order they were pressed, each to its end', async () => {
  const log = [];
  const queue = new ActionQueue();
  const action = (name) => async () => {
    log.push(`${name} starts`);
    await later();
    log.push(`${name} ends`);
    return name;
  };
  const results = await Promise.all(['Step', 'Undo', 'Step'].map((n) => queue.run(n, action(n))));
  assert.deepEqual(results, ['Step', 'Undo', 'Step']);
  assert.deepEqual(log, [
    'Step starts',
    'Step ends',
    'Undo starts',
    'Undo ends',
    'Step starts',
    'Step ends',
  ]);
  assert.ok(queue.idle());
});

test('a failing action rejects its own promise and the next one still runs', async () => {
  const queue = new ActionQueue();
  const failed = queue.run('Edit', async () => {
    throw new Error('refused');
  });
  const next = queue.run('Step', async () => 'ran');
  await assert.rejects(failed, /refused/);
  assert.equal(await next, 'ran');
});

test('what waits is told; a press beyond MAX_WAITING is refused, said so, and never runs', async () => {
  const seen = [];
  const queue = new ActionQueue((status) => seen.push(status));
  let release;
  const first = queue.run('Step', () => new Promise((resolve) => (release = resolve)));
  await later(); // the first one runs
  let ran = 0;
  const waiting = [];
  for (let n = 0; n < MAX_WAITING; n += 1) waiting.push(queue.run('Step', async () => (ran += 1)));
  assert.equal(queueText(seen.at(-1)), `Step running; waiting their turn: Step × ${MAX_WAITING}.`);
  assert.equal(await queue.run('Step', async () => (ran += 100)), null);
  const refused = seen.at(-1);
  assert.equal(refused.refused, 'Step');
  assert.match(queueText(refused), /Step was not queued: 10 presses already wait/);
  release();
  await Promise.all([first, ...waiting]);
  assert.equal(ran, MAX_WAITING, 'every queued press ran once, the refused one never');
  assert.equal(queueText(seen.at(-1)), '');
});

test('names are counted: different presses are listed in order', () => {
  const text = queueText({ running: 'Step', waiting: ['Step', 'Undo', 'Step'], refused: null });
  assert.equal(text, 'Step running; waiting their turn: Step × 2, Undo.');
  assert.equal(queueText({ running: 'Step', waiting: [], refused: null }), '');
});
