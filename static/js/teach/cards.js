// The dashboard's model: the class and its students from the teacher's event stream, and what
// each card shows. Pure: no DOM, no clock (the caller passes `now`, in unix seconds).

/** An empty class, before the stream's first events. */
export function emptyClass() {
  return {
    paused: false,
    activity_number: 0,
    spotlight: [],
    networks_left: null,
    students: new Map(),
  };
}

/**
 * Apply one event of GET /api/classes/{id}/events to the class state (a new object; the
 * old one is left as it was). `student` replaces that student's card; `class` the flags.
 */
export function applyEvent(state, type, data) {
  if (type === 'student') return applyStudents(state, [data]);
  if (type === 'class') {
    const { paused, activity_number: activityNumber, spotlight, networks_left: left } = data;
    return {
      ...state,
      paused: Boolean(paused),
      activity_number: activityNumber ?? state.activity_number,
      spotlight: spotlight ?? [],
      networks_left: left ?? state.networks_left,
    };
  }
  return state;
}

/**
 * Apply many `student` events at once (in order: a later card of a student wins), copying
 * the class's students once, not once per card (a new object; the old one is left as it was).
 */
export function applyStudents(state, cards) {
  const students = new Map(state.students);
  for (const card of cards) students.set(card.student_id, card);
  return { ...state, students };
}

/**
 * What the teacher is told when the class is full (it holds one network per student and
 * activity, up to the server's BACKPROP_MAX_CLASS_NETWORKS), or '' while it is not.
 */
export function fullness(state) {
  const left = state.networks_left;
  if (left === null || left === undefined) return '';
  if (left === 0) {
    return 'The class is full: nobody else can join and no activity can be pushed (the server allows BACKPROP_MAX_CLASS_NETWORKS networks per class).';
  }
  const students = state.students.size;
  if (left < students) {
    return `No activity can be pushed: each of the ${students} students needs a new network and the class has room for ${left} more (BACKPROP_MAX_CLASS_NETWORKS).`;
  }
  return '';
}

/** The class from a GET /api/classes/{id} snapshot. */
export function fromSnapshot(snapshot) {
  let state = applyEvent(emptyClass(), 'class', snapshot);
  for (const s of snapshot.students || []) state = applyEvent(state, 'student', s);
  return state;
}

/** Students in join order (their number in the class). */
export function ordered(state) {
  return [...state.students.values()].sort((a, b) => a.number - b.number);
}

/** The name to show: "Student N" when anonymized (N the student's number in the class). */
export function displayName(student, anonymize) {
  return anonymize || !student.name ? `Student ${student.number}` : student.name;
}

export const IDLE_AFTER = 60; // seconds without an action
export const FLAT_WINDOW = 20; // J values the "not falling" test looks back over
export const FLAT_FRACTION = 0.01; // J must have fallen by 1 % over them
export const TRIES = 3; // wrong attempts at one question

/**
 * Why a student may need help, in words for the card (empty: fine). Idle: no action for a
 * minute. J not falling: over the last FLAT_WINDOW values, J fell by less than 1 % of where
 * it started (or rose). Stuck on a question: TRIES attempts or more with none right yet.
 */
export function stuckReasons(student, now) {
  const reasons = [];
  const idle = secondsSince(student.last_seen, now);
  if (idle >= IDLE_AFTER) reasons.push(`idle ${formatSeconds(idle)}`);
  const J = (student.losses || []).filter((v) => Number.isFinite(v));
  if (J.length >= FLAT_WINDOW) {
    const window = J.slice(-FLAT_WINDOW);
    const first = window[0];
    const last = window[window.length - 1];
    if (first - last < FLAT_FRACTION * Math.abs(first) && last > 1e-3)
      reasons.push('J not falling');
  }
  const a = student.answers;
  if (
    a &&
    a.current !== null &&
    a.current !== undefined &&
    a.tried - a.right - a.revealed >= TRIES
  ) {
    reasons.push(`stuck on question ${a.current + 1}`);
  }
  return reasons;
}

export function secondsSince(then, now) {
  return Math.max(0, Math.floor(now - then));
}

/** 5 s, 3 min, 2 h: the card's "last action" figure. */
export function formatSeconds(s) {
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h`;
}

/**
 * An SVG path ("M x y L x y …") of J over the last updates in a width × height box: oldest
 * left, newest right, the largest J at the top and 0 at the bottom (so a J that hardly moves
 * draws a flat line, whatever its size; a negative J, if a loss allows one, moves the bottom
 * down to it). Non-finite values are skipped. Empty string for fewer than two values.
 */
export function sparklinePath(losses, width, height, pad = 2) {
  const J = (losses || []).filter((v) => Number.isFinite(v));
  if (J.length < 2) return '';
  const lo = Math.min(0, ...J);
  const hi = Math.max(...J);
  const x = (i) => pad + (i * (width - 2 * pad)) / (J.length - 1);
  const y = (v) => (hi > lo ? pad + ((hi - v) * (height - 2 * pad)) / (hi - lo) : height / 2);
  const r = (v) => Number(v.toFixed(2));
  return J.map((v, i) => `${i ? 'L' : 'M'}${r(x(i))} ${r(y(v))}`).join(' ');
}

/** The word for `n` of a thing: "1 update", "0 updates", "2 updates". */
export function plural(n, word) {
  return n === 1 ? word : `${word}s`;
}

/** "2 of 5 right · 1 revealed · 7 tries", or '' without questions. */
export function progressText(answers) {
  if (!answers || !answers.total) return '';
  const parts = [`${answers.right} of ${answers.total} right`];
  if (answers.revealed) parts.push(`${answers.revealed} revealed`);
  parts.push(`${answers.tried} ${answers.tried === 1 ? 'try' : 'tries'}`);
  return parts.join(' · ');
}

const PHASES = {
  idle: 'seen',
  forward: 'Forward',
  backward: 'Backward',
  step: 'Step',
  edit: 'edited',
};

/** Everything a card shows, as text and numbers. */
export function cardView(student, { now, anonymize, spotlight = [] }) {
  const reasons = stuckReasons(student, now);
  return {
    id: student.student_id,
    name: displayName(student, anonymize),
    loss: student.loss,
    updates: student.updates,
    phase: PHASES[student.phase] || student.phase,
    idle: formatSeconds(secondsSince(student.last_seen, now)),
    progress: progressText(student.answers),
    reasons,
    stuck: reasons.length > 0,
    spotlit: spotlight.includes(student.student_id),
  };
}

/** The spotlight after a click on a student's toggle: at most two, the oldest dropped. */
export function toggleSpotlight(spotlight, id, max = 2) {
  if (spotlight.includes(id)) return spotlight.filter((s) => s !== id);
  return [...spotlight, id].slice(-max);
}
