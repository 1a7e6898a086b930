// The teacher inside a student's run, read-only: the student's network drawn as on their own
// page, a timeline through its recorded states, and their answers with every try. Every
// number comes from the class's read-only routes (GET …/students/{id}/run and
// …/history/{k}) with the teacher's or assistant's key; the page has no control that
// changes anything, and the key opens no route here that could. Live: the class's stream
// says when the student did something, and the run is read again.

import { teacherApi } from '../api.js';
import { $, errorBox, h } from '../dom.js';
import { Graph } from '../graph.js';
import { openStream } from '../stream.js';
import { describe, indexOf } from '../timeline.js';
import { outputRange } from '../view.js';
import { displayName } from './cards.js';
import { preference, takeKey } from './key.js';
import { questionHead, tryRows } from './tries.js';

const root = $('#run');
const classId = root.dataset.classId;
const studentId = root.dataset.studentId;
const { key } = takeKey(classId);
const anonymize = preference(classId, 'anonymize');
const showError = errorBox($('#error'));
const graph = new Graph($('#graph'), () => {});
const range = $('#run-range');
let t = null;
const LIVE = { open: 'Live', waiting: 'Connection lost: trying again…' };
let run = null; // GET …/run's answer
let shown = null; // the history entry on show, or null: the network as it is
let asked = 0; // only the newest recorded state asked for is drawn

let drawn = null; // the state drawn last (drawn again at a new size)

function draw(state) {
  drawn = state;
  const box = $('#graph-wrap').getBoundingClientRect();
  graph.setSize(box.width, box.height);
  graph.build(state.layers);
  const L = state.layers.length - 1;
  const y = state.dataset?.y;
  graph.render({
    networkId: state.id,
    weights: state.weights,
    biases: state.biases,
    units: new Map(),
    edges: null,
    edgeMode: 'gradient',
    selected: null,
    applied: false,
    rangeFor: (k) => outputRange(k === L ? state.output_activation : state.hidden_activation, y),
  });
  $('#graph').dataset.update = String(state.updates);
}

function drawTimeline() {
  const { entries, current } = run.history;
  const at = shown || entries[indexOf(entries, current)];
  range.max = String(Math.max(0, entries.length - 1));
  range.value = String(Math.max(0, indexOf(entries, at?.entry)));
  range.disabled = entries.length < 2;
  $('#run-label').textContent = at ? describe(at, current) : '';
}

async function show(entry) {
  if (!entry || entry.entry === run.history.current) {
    shown = null;
    asked += 1;
    drawTimeline();
    draw(run.network);
    return;
  }
  shown = entry;
  drawTimeline();
  const mine = ++asked;
  try {
    const state = await t.recorded(studentId, entry.update, entry.entry);
    if (mine === asked) draw(state);
  } catch (err) {
    showError(err.detail || String(err));
  }
}

function questionBlock(q, i) {
  const rows = tryRows(q);
  const head = h('h3', { text: questionHead(q) });
  if (!rows.length) return h('div', { class: 'run-question', 'data-question': String(i) }, head);
  const table = h(
    'table',
    { class: 'tries' },
    h(
      'thead',
      {},
      h('tr', {}, ...['Try', 'Time', 'Value', '', 'Mistake'].map((c) => h('th', { text: c }))),
    ),
    h(
      'tbody',
      {},
      ...rows.map((r, n) =>
        h(
          'tr',
          {
            'data-try': String(r.attempt),
            'data-value': String(q.tries[n].value),
            'data-diagnosis': q.tries[n].diagnosis?.code || '',
            class: r.verdict,
          },
          h('td', { text: String(r.attempt) }),
          h('td', { text: r.time }),
          h('td', { class: 'num', text: r.value }),
          h('td', { text: r.verdict }),
          h('td', { text: r.mistake, title: r.message }),
        ),
      ),
    ),
  );
  return h('div', { class: 'run-question', 'data-question': String(i) }, head, table);
}

function render() {
  const name = displayName(run.student, anonymize.get());
  document.title = `${name} · the run · Backprop Lab`;
  $('#run-title').textContent = `${name}: the run, read-only`;
  const title = run.activity_title ? `: ${run.activity_title}` : '';
  $('#run-activity').textContent = `Activity ${run.activity_number}${title}`;
  $('#no-questions').hidden = run.questions.length > 0;
  $('#run-questions').replaceChildren(...run.questions.map(questionBlock));
  drawTimeline();
  if (!shown) draw(run.network);
}

let reading = false;
let readAgain = false;
/** Read the run again (one request at a time); a past state on show stays on show. */
async function load() {
  if (reading) {
    readAgain = true;
    return;
  }
  reading = true;
  try {
    run = await t.run(studentId);
    if (shown && indexOf(run.history.entries, shown.entry) < 0) shown = null;
    render();
    showError('');
  } catch (err) {
    showError(err.detail || String(err));
  }
  reading = false;
  if (readAgain) {
    readAgain = false;
    load();
  }
}

async function init() {
  if (!key) {
    showError('This browser has no key for this class: open the dashboard first.');
    return;
  }
  t = teacherApi(classId, key);
  await load();
  range.addEventListener('input', () => show(run.history.entries[range.valueAsNumber]));
  openStream(t.eventsUrl, {
    headers: t.headers,
    onEvent: (e) => {
      const data = JSON.parse(e.data);
      if (e.type === 'student' && data.student_id === studentId) load();
      if (e.type === 'removed' && data.student_id === studentId)
        showError('The teacher removed this student: their run is gone.');
    },
    onState: (s, detail) => {
      $('#run-live').textContent =
        s === 'refused' ? `Not live (${detail}): reload to see what is new.` : LIVE[s] || '';
    },
  });
  window.addEventListener('resize', () => drawn && draw(drawn));
}
init();
