import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  activityStart,
  currentLoss,
  describe,
  indexOf,
  lossPoints,
  startEntry,
  undoTarget,
} from '../../static/js/timeline.js';

const entries = [
  { entry: 0, update: 0, kind: 'create', loss: 0.2983711087600026, branch: false },
  { entry: 1, update: 1, kind: 'step', loss: 0.2910277736935993, branch: false },
  { entry: 2, update: 1, kind: 'edit', loss: 0.25, branch: false },
  { entry: 3, update: 2, kind: 'step', loss: 0.2, branch: true },
];

test('the slider stands at the entry, found by its number', () => {
  assert.equal(indexOf(entries, 2), 2);
  assert.equal(indexOf(entries, 9), -1);
});

test('Ctrl+Z goes back one entry, an edit as well as a step, and stops at the first', () => {
  assert.equal(undoTarget(entries, 2).entry, 1);
  assert.equal(undoTarget(entries, 1).entry, 0);
  assert.equal(undoTarget(entries, 0), null);
  assert.equal(undoTarget(entries, 7), null);
});

test('Reset goes to the network before its first update, if its history is kept', () => {
  assert.equal(startEntry(entries).entry, 0);
  const edited = [
    entries[0],
    { entry: 1, update: 0, kind: 'edit', loss: 0.3, branch: false }, // new layers, say
    { entry: 2, update: 0, kind: 'edit', loss: 0.31, branch: false }, // weights from a seed
    { entry: 3, update: 1, kind: 'step', loss: 0.29, branch: false },
    { entry: 4, update: 0, kind: 'edit', loss: 0.32, branch: true }, // undone: not the start
  ];
  assert.equal(startEntry(edited).entry, 2);
  assert.equal(startEntry([{ ...entries[1], entry: 0 }]), null); // an older release's network
  const fork = [
    { entry: 0, update: 20, kind: 'create', loss: 0.25, branch: false }, // forked at update 20
    { entry: 1, update: 20, kind: 'edit', loss: 0.24, branch: false },
    { entry: 2, update: 30, kind: 'step', loss: 0.1, branch: false },
  ];
  assert.equal(startEntry(fork).entry, 1);
  assert.equal(startEntry([]), null);
});

test('the label says the update count, the change, J and where the network is', () => {
  assert.equal(describe(entries[0], 2), '0 updates · as created · J = 0.2984');
  assert.equal(describe(entries[2], 2), '1 update · after an edit · J = 0.25 · current');
  assert.equal(describe(entries[3], 2), '2 updates · after a step · J = 0.2 · undone');
  assert.equal(describe({ ...entries[1], loss: null }, 0), '1 update · after a step');
});

test('the loss chart from the history: the line up to the current entry, not the branch', () => {
  assert.deepEqual(lossPoints(entries), [
    { u: 0, J: 0.2983711087600026 },
    { u: 1, J: 0.2910277736935993 },
    { u: 1, J: 0.25 },
  ]);
  // nothing to draw before the first update, or without J
  assert.deepEqual(lossPoints(entries.slice(0, 1)), []);
  assert.deepEqual(lossPoints([{ ...entries[0] }, { ...entries[1], loss: null }]), []);
});

test('Start again (a class) goes to the last entry that made the network anew', () => {
  const reset = [
    ...entries.slice(0, 3),
    { entry: 4, update: 0, kind: 'create', loss: 0.3, branch: false }, // the teacher's reset
    { entry: 5, update: 1, kind: 'step', loss: 0.29, branch: false },
    { entry: 6, update: 0, kind: 'create', loss: 0.5, branch: true }, // undone: not the line
  ];
  assert.equal(activityStart(reset).entry, 4);
  assert.equal(activityStart([]), null);
});

test('J of the state the network is at: its history entry’s (after Ctrl+Z, say)', () => {
  assert.equal(currentLoss(entries, 1), 0.2910277736935993);
  assert.equal(currentLoss(entries, 9), null);
});
