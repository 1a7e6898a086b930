// The teacher's dashboard: a card per student, live from the class's event stream; pause,
// anonymize, spotlight, reset, export, and the next activity. Talks to the server via api.js.

import { api, teacherApi } from '../api.js';
import { $, errorBox, guard, h } from '../dom.js';
import { fmt, full } from '../format.js';
import { fileName, saveBlob } from '../io.js';
import { openStream } from '../stream.js';
import {
  applyEvent,
  applyStudents,
  cardView,
  fromSnapshot,
  fullness,
  ordered,
  plural,
  sparklinePath,
  toggleSpotlight,
} from './cards.js';
import { applyRole, assistantControl, joiningControl, projectorControl } from './control.js';
import { masteryText, mistakeLines } from './diagnoses.js';
import { choice, keepKey, keyFrom, preference, takeKey } from './key.js';
import { drawMini } from './mini.js';
import { pushForm } from './push.js';

const root = $('#teach');
const classId = root.dataset.classId;
const { key, fresh } = takeKey(classId);
const anonymize = preference(classId, 'anonymize');
const stuckFirst = preference(classId, 'stuck-first');
const cards = new Map(); // student id → {el, parts}
let state = null;
// Cards arrive faster than a screen draws in a big class (a student in Play sends one a
// second): each student's latest card waits up to a frame's time, and the cards that
// changed are filled at once (docs/benchmarks.md, "The teacher's dashboard"). A timer, not
// requestAnimationFrame, which a window in the background never runs.
const waiting = new Map(); // student id → their latest card not yet drawn
const DRAW_EVERY = 16; // ms
let drawAsked = false;
let title = 'class';
let t = null;
let questions = []; // the current activity's, for the cards' mastery line
let role = 'teacher'; // or 'assistant': whose key this dashboard has

// "last action" ages compare the server's last_seen with this clock: a teacher's computer
// minutes off would make every student look idle, so the server's own time sets the offset
let skew = 0;
const now = () => Date.now() / 1000 + skew;

const showError = errorBox($('#error'));
const guarded = (fn) => guard(showError, fn);

// -- a card ----------------------------------------------------------------------------------
const SPARK_W = 120;
const SPARK_H = 28;

/** A card's buttons: spotlight, reset and remove (the teacher's), open (the run, read-only). */
function cardButtons(id) {
  return {
    spot: h('button', {
      type: 'button',
      class: 'small',
      'aria-pressed': 'false',
      text: 'Spotlight',
      onclick: () => spotlight(id),
    }),
    reset: h('button', {
      type: 'button',
      class: 'small',
      text: 'Reset',
      'data-teacher-only': true,
      onclick: () => reset(id),
    }),
    remove: h('button', {
      type: 'button',
      class: 'small',
      text: 'Remove',
      'data-teacher-only': true,
      onclick: () => remove(id),
    }),
    open: h('a', { class: 'button small', target: '_blank', rel: 'noopener', text: 'Open' }),
  };
}

function buildCard(id) {
  const svgNs = 'http://www.w3.org/2000/svg';
  const mini = document.createElementNS(svgNs, 'svg');
  mini.setAttribute('class', 'mini');
  mini.setAttribute('aria-hidden', 'true');
  const spark = document.createElementNS(svgNs, 'svg');
  spark.setAttribute('class', 'spark');
  spark.setAttribute('viewBox', `0 0 ${SPARK_W} ${SPARK_H}`);
  spark.setAttribute('aria-hidden', 'true');
  const line = document.createElementNS(svgNs, 'path');
  spark.append(line);
  const parts = {
    name: h('h3', { class: 'student-name', 'data-student-name': '' }),
    badge: h('p', { class: 'badge' }),
    loss: h('span', { class: 'big', 'data-student-loss': '' }),
    updates: h('span', { 'data-student-updates': '' }),
    updatesWord: h('span', {}),
    phase: h('span', { class: 'phase-name' }),
    idle: h('span', { 'data-student-idle': '' }),
    progress: h('p', { class: 'progress', 'data-student-progress': '' }),
    mastery: h('p', { class: 'progress', 'data-student-mastery': '' }),
    ...cardButtons(id),
    mini,
    line,
  };
  const el = h(
    'article',
    { class: 'panel student-card', 'data-student-card': id },
    h('header', {}, parts.name, parts.badge),
    mini,
    h('div', { class: 'loss-row' }, h('span', { class: 'label', text: 'J' }), parts.loss, spark),
    h(
      'p',
      { class: 'facts' },
      parts.updates,
      ' ',
      parts.updatesWord,
      ' · ',
      parts.phase,
      ' ',
      parts.idle,
      ' ago',
    ),
    parts.progress,
    parts.mastery,
    h('footer', {}, parts.spot, parts.reset, parts.remove, parts.open),
  );
  return { el, parts };
}

function fillCard(card, student) {
  const v = cardView(student, {
    now: now(),
    anonymize: anonymize.get(),
    spotlight: state.spotlight,
  });
  const p = card.parts;
  p.name.textContent = v.name;
  p.loss.textContent = v.loss === null || v.loss === undefined ? '—' : fmt(v.loss);
  p.loss.dataset.value = v.loss === null || v.loss === undefined ? '' : full(v.loss);
  p.updates.textContent = String(v.updates);
  p.updatesWord.textContent = plural(v.updates, 'update');
  p.phase.textContent = v.phase;
  p.progress.textContent = v.progress;
  p.progress.hidden = !v.progress;
  p.mastery.textContent = masteryText(student.answers, questions);
  p.mastery.hidden = !p.mastery.textContent;
  p.spot.setAttribute('aria-pressed', String(v.spotlit));
  p.spot.setAttribute('aria-label', `Spotlight ${v.name}`);
  p.reset.setAttribute('aria-label', `Reset the network of ${v.name}`);
  p.remove.setAttribute('aria-label', `Remove ${v.name} from the class`);
  p.reset.hidden = p.remove.hidden = role === 'assistant';
  card.el.dataset.networkId = student.network_id; // whose card this is, by their network
  p.open.href = `/teach/${encodeURIComponent(classId)}/students/${encodeURIComponent(student.student_id)}`;
  p.open.setAttribute('aria-label', `Open the run of ${v.name}, read-only`);
  p.line.setAttribute('d', sparklinePath(student.losses, SPARK_W, SPARK_H));
  drawMini(p.mini, student);
  tickCard(card, student);
}

/** What changes with the clock alone: the idle time and the "needs help" badge. */
function tickCard(card, student) {
  const v = cardView(student, { now: now(), anonymize: false, spotlight: [] });
  // every card, every second: write only what changed (a write costs the page a restyle)
  setText(card.parts.idle, v.idle);
  setText(card.parts.badge, v.reasons.join(' · '));
  if (card.parts.badge.hidden === v.stuck) card.parts.badge.hidden = !v.stuck;
  if (card.el.dataset.stuck !== String(v.stuck)) {
    card.el.classList.toggle('stuck', v.stuck);
    card.el.dataset.stuck = String(v.stuck);
  }
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** The cards in order (every student of `state` has one: renderStudent made it first). */
function placeCards() {
  let list = ordered(state).map((s) => cards.get(s.student_id));
  if (stuckFirst.get())
    list = [
      ...list.filter((c) => c.el.classList.contains('stuck')),
      ...list.filter((c) => !c.el.classList.contains('stuck')),
    ];
  const grid = $('#cards');
  for (const c of list) grid.append(c.el); // moves, in order
  $('#no-students').hidden = list.length > 0;
  $('#student-count').textContent = String(list.length);
  $('#students-word').textContent = plural(list.length, 'student');
}

/** Fill the student's card, making it first if new; `place`: put a new card in its place. */
function renderStudent(student, place = true) {
  let card = cards.get(student.student_id);
  const isNew = !card;
  if (isNew) {
    card = buildCard(student.student_id);
    cards.set(student.student_id, card);
  }
  fillCard(card, student);
  if (isNew && place) placeCards();
}

function renderClass() {
  const b = $('#pause');
  b.setAttribute('aria-pressed', String(state.paused));
  b.textContent = state.paused ? 'Resume the class' : 'Pause the class';
  document.body.classList.toggle('class-paused', state.paused);
  $('#paused-label').hidden = !state.paused;
  const full = fullness(state);
  $('#class-full').textContent = full;
  $('#class-full').hidden = !full;
  $('#activity-number').textContent = String(state.activity_number);
  const names = state.spotlight
    .map((id) => state.students.get(id))
    .filter(Boolean)
    .map((s) => cardView(s, { now: now(), anonymize: anonymize.get() }).name);
  $('#spotlight-state').textContent = names.length ? `Spotlight: ${names.join(' and ')}` : '';
  for (const s of state.students.values()) {
    const card = cards.get(s.student_id);
    if (card)
      card.parts.spot.setAttribute('aria-pressed', String(state.spotlight.includes(s.student_id)));
  }
}

/** The mistakes panel: per question, how many students made which mistake. */
function renderMistakes(diagnoses) {
  const questions = mistakeLines(diagnoses);
  $('#no-mistakes').hidden = questions.length > 0;
  $('#mistake-list').replaceChildren(
    ...questions.map((q) =>
      h(
        'div',
        { class: 'mistake-question', 'data-mistakes': q.question },
        h('h3', { text: q.question }),
        h('ul', {}, ...q.lines.map((line) => h('li', { text: line }))),
      ),
    ),
  );
}

/** The class as GET /api/classes/{id} (or a push) gives it: every card and panel. */
function showSnapshot(snapshot) {
  questions = snapshot.activity.questions || [];
  projectorControl($('#project-question'), questions, choice(classId, 'question'));
  role = snapshot.role || 'teacher';
  waiting.clear(); // older than the snapshot
  state = fromSnapshot(snapshot);
  renderAll();
  renderMistakes(snapshot.diagnoses);
}

function renderAll() {
  // every card exists before any is placed: placing reads them all
  for (const s of state.students.values()) renderStudent(s, false);
  placeCards();
  renderClass();
}

// -- the teacher's commands ------------------------------------------------------------------
function spotlight(id) {
  return guarded(async () => {
    const res = await t.spotlight(toggleSpotlight(state.spotlight, id));
    state = { ...state, spotlight: res.spotlight };
    renderClass();
  });
}

const armed = new Map(); // student id → timer: Reset asks once more before it acts
function reset(id) {
  const card = cards.get(id);
  if (!armed.has(id)) {
    card.parts.reset.textContent = 'Really reset?';
    armed.set(
      id,
      setTimeout(() => {
        armed.delete(id);
        card.parts.reset.textContent = 'Reset';
      }, 4000),
    );
    return undefined;
  }
  clearTimeout(armed.get(id));
  armed.delete(id);
  card.parts.reset.textContent = 'Reset';
  return guarded(async () => {
    const student = await t.reset(id);
    waiting.delete(id); // a card from before the reset must not be drawn over it
    state = applyEvent(state, 'student', student);
    renderStudent(student);
  });
}

const removing = new Set(); // Remove asks once more before it acts
function remove(id) {
  const button = cards.get(id).parts.remove;
  if (!removing.has(id)) {
    removing.add(id);
    button.textContent = 'Really remove?';
    setTimeout(() => {
      removing.delete(id);
      button.textContent = 'Remove';
    }, 4000);
    return undefined;
  }
  removing.delete(id);
  return guarded(async () => {
    await t.remove(id);
    dropStudent(id);
  });
}

/** A removed student's card goes. */
function dropStudent(id) {
  cards.get(id)?.el.remove();
  cards.delete(id);
  const students = new Map(state.students);
  students.delete(id);
  state = { ...state, students };
  placeCards();
}

function togglePause() {
  return guarded(async () => {
    const res = await (state.paused ? t.resume() : t.pause());
    state = { ...state, paused: res.paused };
    renderClass();
  });
}

function download(name, ext) {
  return guarded(async () => saveBlob(await t.download(name), `${fileName(title)}.${ext}`));
}

function showKeyOnce() {
  if (!fresh) return;
  const link = `${window.location.origin}/teach/${encodeURIComponent(classId)}#key=${encodeURIComponent(key)}`;
  $('#teacher-link').value = link;
  $('#key-notice').hidden = false;
  $('#copy-link').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(link);
      $('#copy-link').textContent = 'Copied';
    } catch {
      $('#teacher-link').select(); // no clipboard permission: selected, for Ctrl+C
      $('#copy-link').textContent = 'Press Ctrl+C';
    }
  });
  $('#dismiss-key').addEventListener('click', () => {
    $('#key-notice').hidden = true;
  });
}

/** Fill the cards that arrived since the last time. */
function drawWaiting() {
  drawAsked = false;
  if (!waiting.size) return;
  const arrived = [...waiting.values()];
  waiting.clear();
  state = applyStudents(state, arrived);
  const joined = arrived.some((student) => !cards.has(student.student_id));
  for (const student of arrived) renderStudent(student, false);
  if (joined) placeCards(); // once every new card is made
}

/** One event of the class's stream. */
function onEvent(e) {
  const data = JSON.parse(e.data);
  if (e.type === 'student') {
    waiting.set(data.student_id, data);
    if (!drawAsked) {
      drawAsked = true;
      setTimeout(drawWaiting, DRAW_EVERY);
    }
    return;
  }
  drawWaiting(); // what came before this event is drawn before it acts
  if (e.type === 'diagnoses') renderMistakes(data);
  if (e.type === 'removed') dropStudent(data.student_id);
  if (e.type !== 'class') return;
  state = applyEvent(state, e.type, data);
  renderClass();
}

const STREAM_TEXT = { open: 'Live', waiting: 'Connection lost: trying again…' };

/** No key, or not this class's: say what is needed and take the link; nothing else shows. */
function askForKey() {
  $('#no-key').hidden = false;
  $('#key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('#key-link').value;
    const pasted = keyFrom(text);
    if (!pasted.key) {
      $('#key-error').textContent =
        'This is not a dashboard link: paste the whole address that ends in #key=….';
      $('#key-error').hidden = false;
      return;
    }
    if (pasted.classId && pasted.classId !== classId) {
      window.location.assign(text.trim()); // another class's dashboard: open that one
      return;
    }
    keepKey(classId, pasted.key);
    window.location.reload();
  });
}

/** The class's own controls, once the server took the key. */
function showClass() {
  showKeyOnce(); // a key the server refused is not worth keeping
  $('#class-view').hidden = false;
  $('#class-actions').hidden = false;
}

async function init() {
  if (!key) {
    askForKey();
    return;
  }
  t = teacherApi(classId, key);
  const server = await api.serverTime();
  if (server !== null) skew = Math.round(server - Date.now() / 1000); // whole seconds: Date has no more
  const refused = await guarded(async () => {
    const snapshot = await t.get();
    title = snapshot.title;
    document.title = `${snapshot.title} · Class dashboard · Backprop Lab`;
    $('#class-title').textContent = snapshot.title;
    $('#join-code').textContent = snapshot.join_code;
    $('#join-url').textContent = `${window.location.host}/join`;
    showSnapshot(snapshot);
    showClass();
    applyRole(role);
    joiningControl(t, guarded, snapshot.joining !== false);
    assistantControl(t, guarded, classId);
    const presets = await api.presets().catch(() => ({ presets: [] }));
    pushForm($('#push-form'), {
      presets: presets.presets || [],
      activity: snapshot.activity,
      send: (body) =>
        guarded(async () => {
          const res = await t.activity(body);
          showSnapshot(res);
          $('#push').open = false;
        }),
    });
    openStream(t.eventsUrl, {
      headers: t.headers,
      onEvent,
      onState: (s, detail) => {
        $('#stream-state').textContent =
          s === 'refused' ? `The server refused the live view: ${detail}` : STREAM_TEXT[s];
        $('#stream-state').dataset.state = s;
      },
    });
  });
  if (refused?.status === 401 || refused?.status === 403) {
    // a key of another class, or a mistyped one
    showError('');
    askForKey();
  }
  if (!state) return;
  setInterval(() => {
    for (const s of state.students.values()) tickCard(cards.get(s.student_id), s);
    if (stuckFirst.get()) placeCards();
  }, 1000);
}

$('#pause').addEventListener('click', togglePause);
$('#anonymize').checked = anonymize.get();
$('#anonymize').addEventListener('change', (e) => {
  anonymize.set(e.target.checked);
  if (state) renderAll();
});
$('#stuck-first').checked = stuckFirst.get();
$('#stuck-first').addEventListener('change', (e) => {
  stuckFirst.set(e.target.checked);
  if (state) placeCards();
});
$('#export-csv').addEventListener('click', () => download('export.csv', 'csv'));
$('#export-json').addEventListener('click', () => download('export.json', 'json'));
$('#export-tries-csv').addEventListener('click', () => download('tries.csv', 'tries.csv'));
$('#export-tries-json').addEventListener('click', () => download('tries.json', 'tries.json'));
init();
