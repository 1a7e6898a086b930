import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  applyEvent,
  applyStudents,
  cardView,
  displayName,
  emptyClass,
  formatSeconds,
  fromSnapshot,
  fullness,
  ordered,
  plural,
  progressText,
  sparklinePath,
  stuckReasons,
  toggleSpotlight,
} from '../../static/js/teach/cards.js';

const NOW = 1_800_000_000;
function student(over = {}) {
  return {
    student_id: 's1',
    number: 1,
    name: 'Ada',
    network_id: 'n1',
    layers: [2, 2, 1],
    weights: [],
    biases: [],
    updates: 0,
    loss: 0.5,
    losses: [],
    phase: 'idle',
    last_seen: NOW,
    answers: { total: 0, right: 0, revealed: 0, tried: 0, current: null },
    ...over,
  };
}

test('a student event adds or replaces that card only; the old state is left as it was', () => {
  const s0 = emptyClass();
  const s1 = applyEvent(s0, 'student', student());
  const s2 = applyEvent(s1, 'student', student({ student_id: 's2', number: 2, name: 'Bo' }));
  const s3 = applyEvent(s2, 'student', student({ updates: 4 }));
  assert.equal(s0.students.size, 0);
  assert.equal(s1.students.get('s1').updates, 0);
  assert.deepEqual(
    ordered(s3).map((s) => [s.name, s.updates]),
    [
      ['Ada', 4],
      ['Bo', 0],
    ],
  );
});

test('many cards at once: the same state as one event after another; the old one unchanged', () => {
  const s0 = applyEvent(emptyClass(), 'student', student());
  const cards = [
    student({ student_id: 's2', number: 2, name: 'Bo', updates: 1 }),
    student({ updates: 3 }),
    student({ student_id: 's2', number: 2, name: 'Bo', updates: 7 }), // a later card wins
  ];
  const together = applyStudents(s0, cards);
  const oneByOne = cards.reduce((s, c) => applyEvent(s, 'student', c), s0);
  assert.deepEqual(together, oneByOne);
  assert.deepEqual(
    ordered(together).map((s) => [s.name, s.updates]),
    [
      ['Ada', 3],
      ['Bo', 7],
    ],
  );
  assert.equal(s0.students.size, 1);
  assert.equal(s0.students.get('s1').updates, 0);
});

test('a class event sets pause, activity and spotlight; other events change nothing', () => {
  const s = applyEvent(emptyClass(), 'class', {
    paused: true,
    activity_number: 2,
    spotlight: ['s2'],
  });
  assert.deepEqual([s.paused, s.activity_number, s.spotlight], [true, 2, ['s2']]);
  assert.equal(applyEvent(s, 'message', {}), s);
});

test('a snapshot (GET /api/classes/{id}) gives the same state as the stream would', () => {
  const snap = {
    paused: false,
    activity_number: 1,
    spotlight: [],
    students: [student({ number: 2, student_id: 'b' }), student({ student_id: 'a' })],
  };
  assert.deepEqual(
    ordered(fromSnapshot(snap)).map((s) => s.student_id),
    ['a', 'b'],
  );
});

test('anonymized names are "Student N" by the student\'s number, not by position', () => {
  assert.equal(displayName(student({ number: 7, name: 'Ada' }), true), 'Student 7');
  assert.equal(displayName(student({ number: 7, name: 'Ada' }), false), 'Ada');
  assert.equal(displayName(student({ number: 3, name: '' }), false), 'Student 3');
});

test('idle: a minute without an action, not 59 s', () => {
  assert.deepEqual(stuckReasons(student({ last_seen: NOW - 59 }), NOW), []);
  assert.deepEqual(stuckReasons(student({ last_seen: NOW - 60 }), NOW), ['idle 1 min']);
  // a clock a little ahead of the teacher's never gives a negative age
  assert.equal(cardView(student({ last_seen: NOW + 5 }), { now: NOW }).idle, '0 s');
});

test('J not falling: less than 1 % down over the last twenty values', () => {
  const falling = Array.from({ length: 20 }, (_, n) => 1 - 0.04 * n);
  assert.deepEqual(stuckReasons(student({ losses: falling }), NOW), []);
  const flat = [0.9, ...Array(19).fill(0.5), 0.496];
  assert.deepEqual(stuckReasons(student({ losses: flat }), NOW), ['J not falling']); // 0.8 % down
  const rising = Array.from({ length: 20 }, (_, n) => 0.5 + 0.01 * n);
  assert.deepEqual(stuckReasons(student({ losses: rising }), NOW), ['J not falling']);
  // nineteen values are too few to tell; a J already near 0 has nothing left to fall
  assert.deepEqual(stuckReasons(student({ losses: rising.slice(1) }), NOW), []);
  assert.deepEqual(stuckReasons(student({ losses: Array(20).fill(0.0005) }), NOW), []);
});

test('stuck on a question: three wrong tries with it still open', () => {
  const a = (tried, right = 0, revealed = 0, current = 1) =>
    student({ answers: { total: 3, right, revealed, tried, current } });
  assert.deepEqual(stuckReasons(a(3, 1, 0), NOW), []); // one of the three tries was right
  assert.deepEqual(stuckReasons(a(4, 1, 0), NOW), ['stuck on question 2']);
  assert.deepEqual(stuckReasons(a(9, 3, 0, null), NOW), []); // all done
});

test('the card view, and the reasons in one list', () => {
  const v = cardView(
    student({
      updates: 12,
      phase: 'step',
      last_seen: NOW - 75,
      answers: { total: 4, right: 2, revealed: 1, tried: 5, current: 3 },
    }),
    { now: NOW, anonymize: true, spotlight: ['s1'] },
  );
  assert.deepEqual(v, {
    id: 's1',
    name: 'Student 1',
    loss: 0.5,
    updates: 12,
    phase: 'Step',
    idle: '1 min',
    progress: '2 of 4 right · 1 revealed · 5 tries',
    reasons: ['idle 1 min'],
    stuck: true,
    spotlit: true,
  });
  assert.equal(progressText({ total: 0 }), '');
  assert.equal(progressText({ total: 1, right: 0, revealed: 0, tried: 1 }), '0 of 1 right · 1 try');
});

test('seconds, minutes, hours', () => {
  assert.deepEqual([0, 59, 60, 3599, 3600, 7300].map(formatSeconds), [
    '0 s',
    '59 s',
    '1 min',
    '59 min',
    '1 h',
    '2 h',
  ]);
});

test('sparkline: oldest left, largest J at the top, 0 at the bottom, inside the padding', () => {
  // 100 × 20 box, pad 2: x from 2 to 98, y from 2 (max J) to 18 (J = 0)
  assert.equal(sparklinePath([1, 0.5, 0], 100, 20), 'M2 2 L50 10 L98 18');
  assert.equal(sparklinePath([0.25, 0.75], 50, 10, 0), 'M0 6.67 L50 0');
  // a J that hardly moves is a flat line near the top, not a cliff
  assert.equal(sparklinePath([0.5249, 0.5247], 100, 20), 'M2 2 L98 2.01');
  assert.equal(sparklinePath([0.3, 0.3, 0.3], 100, 20), 'M2 2 L50 2 L98 2');
  assert.equal(sparklinePath([0, 0], 100, 20), 'M2 10 L98 10'); // all zero: the middle
  assert.equal(sparklinePath([0.4, null, NaN, 0.1], 100, 20), 'M2 2 L98 14'); // gaps dropped
  assert.equal(sparklinePath([1, -1], 100, 20), 'M2 2 L98 18'); // a negative J sets the bottom
  assert.equal(sparklinePath([0.3], 100, 20), '');
  assert.equal(sparklinePath(undefined, 100, 20), '');
});

test('spotlight: a toggle adds or removes; a third student drops the oldest', () => {
  assert.deepEqual(toggleSpotlight([], 'a'), ['a']);
  assert.deepEqual(toggleSpotlight(['a'], 'b'), ['a', 'b']);
  assert.deepEqual(toggleSpotlight(['a', 'b'], 'c'), ['b', 'c']);
  assert.deepEqual(toggleSpotlight(['a', 'b'], 'a'), ['b']);
});

test('one update, one student; every other count takes the plural', () => {
  assert.equal(plural(1, 'update'), 'update');
  for (const n of [0, 2, 11, 101]) assert.equal(plural(n, 'update'), 'updates');
  assert.equal(plural(1, 'student'), 'student');
});

test('the teacher is told when the class is full, and when a push no longer fits', () => {
  const student = (id, number) => ({ student_id: id, number, name: `S${number}` });
  let state = applyEvent(emptyClass(), 'class', { paused: false, networks_left: 5 });
  state = applyEvent(state, 'student', student('a', 1));
  state = applyEvent(state, 'student', student('b', 2));
  assert.equal(fullness(state), '');
  state = applyEvent(state, 'class', { paused: false, networks_left: 1 });
  assert.match(fullness(state), /No activity can be pushed: each of the 2 students/);
  assert.match(fullness(state), /room for 1 more/);
  state = applyEvent(state, 'class', { paused: false, networks_left: 0 });
  assert.match(fullness(state), /The class is full: nobody else can join/);
  // a class event without the field (an older server) keeps what was known
  assert.equal(applyEvent(state, 'class', { paused: true }).networks_left, 0);
  assert.equal(fullness(emptyClass()), '');
});
