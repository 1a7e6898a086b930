// The projector's view: the one or two students the teacher spotlit, side by side, live and
// read-only, filling the screen, every number large enough to read from the back of a room:
// w on the edges, and o, net and δ of the first example (the teacher's read of the
// student's network: it leaves the student's card alone). Or, when the dashboard puts a
// question on the projector (or the address says ?question=N), the class's answers to it
// as a dot plot, anonymous, read again after every answer (the stream's `diagnoses` event).

import { teacherApi } from '../api.js';
import { $, errorBox, h } from '../dom.js';
import { fmt } from '../format.js';
import { openStream } from '../stream.js';
import { applyEvent, displayName, fromSnapshot, plural } from './cards.js';
import { answerFigure } from './answerplot.js';
import { choice, preference, takeKey } from './key.js';
import { Stage } from './stagegraph.js';

const root = $('#spots');
const classId = root.dataset.classId;
const { key } = takeKey(classId);
const anonymize = preference(classId, 'anonymize');
const shown = new Map(); // student id → {el, stage, caption, numbers, asking, again}
let state = null;
let t = null;
const projected = choice(classId, 'question');
const fromAddress = new URLSearchParams(window.location.search).get('question');
const answers = { figure: null, asking: false, again: false, plot: null };

/** The question whose answers are on show (its index), or null: the spotlit students. */
function question() {
  const q = fromAddress ?? projected.get();
  return /^\d{1,4}$/.test(q) ? Number(q) : null;
}

const showError = errorBox($('#error'));

function figure(id) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'projection');
  svg.setAttribute('role', 'img');
  const caption = h('figcaption', {});
  return {
    el: h('figure', { class: 'panel spot', 'data-spot': id }, caption, svg),
    stage: new Stage(svg),
    svg,
    caption,
    numbers: null,
  };
}

function draw(item, s) {
  const name = displayName(s, anonymize.get());
  const j = s.loss === null || s.loss === undefined ? '' : ` · J = ${fmt(s.loss)}`;
  const example = item.numbers ? ' · example 1' : ''; // o, net and δ are of the first example
  item.caption.replaceChildren(
    h('strong', { text: name }),
    `${j} · ${s.updates} ${plural(s.updates, 'update')}${example}`,
  );
  item.svg.setAttribute('aria-label', `The network of ${name}, layers ${s.layers.join(', ')}`);
  item.stage.build(s.layers);
  item.stage.paint({
    networkId: s.network_id,
    weights: s.weights,
    biases: s.biases,
    numbers: item.numbers,
  });
}

/** Fetch the student's numbers again; one request at a time, the latest change last. */
async function ask(id) {
  const item = shown.get(id);
  if (!item) return;
  if (item.asking) {
    item.again = true;
    return;
  }
  item.asking = true;
  try {
    item.numbers = await t.projected(id);
  } catch {
    item.numbers = null; // no examples, or the network is gone: the weights alone
  }
  item.asking = false;
  if (item.again) {
    item.again = false;
    ask(id);
  } else if (shown.get(id) === item && state.students.has(id)) {
    draw(item, state.students.get(id));
  }
}

/** Read the plot again; one request at a time, the latest answers last. */
async function askAnswers() {
  if (answers.asking) {
    answers.again = true;
    return;
  }
  const q = question();
  answers.asking = true;
  try {
    answers.plot = q === null ? null : await t.answers(q);
    showError('');
  } catch (err) {
    answers.plot = null;
    showError(err.detail || String(err));
  }
  answers.asking = false;
  if (answers.again) {
    answers.again = false;
    askAnswers();
  } else if (answers.plot && answers.figure) answers.figure.draw(answers.plot);
}

/** The answers' plot in place of the spotlit students (or gone, when no question is on). */
function renderAnswers() {
  const on = question() !== null;
  if (!on) {
    answers.figure?.el.remove();
    answers.figure = null;
    return false;
  }
  for (const [id, item] of shown) {
    item.el.remove();
    shown.delete(id);
  }
  root.classList.remove('two');
  $('#no-spotlight').hidden = true;
  if (!answers.figure) {
    answers.figure = answerFigure();
    root.append(answers.figure.el);
    askAnswers();
  } else if (answers.plot) answers.figure.draw(answers.plot);
  return true;
}

function render(changed = null) {
  if (renderAnswers()) return;
  const ids = state.spotlight.filter((id) => state.students.get(id)?.layers.length > 1);
  for (const [id, item] of shown)
    if (!ids.includes(id)) {
      item.el.remove();
      shown.delete(id);
    }
  root.classList.toggle('two', ids.length === 2); // before drawing: it sets their size
  $('#no-spotlight').hidden = ids.length > 0;
  for (const id of ids) {
    let item = shown.get(id);
    const isNew = !item;
    if (isNew) {
      item = figure(id);
      shown.set(id, item);
    }
    root.append(item.el); // in spotlight order
    draw(item, state.students.get(id));
    if (isNew || id === changed) ask(id);
  }
}

async function init() {
  if (!key) {
    showError('This browser has no key for this class: open the dashboard first.');
    return;
  }
  t = teacherApi(classId, key);
  try {
    const snapshot = await t.get();
    $('#class-title').textContent = snapshot.title;
    $('#join-code').textContent = snapshot.join_code;
    $('#join-url').textContent = `${window.location.host}/join`;
    $('#join-small').hidden = false;
    state = fromSnapshot(snapshot);
    render();
  } catch (err) {
    showError(err.detail || String(err));
    return;
  }
  openStream(t.eventsUrl, {
    headers: t.headers,
    onEvent: (e) => {
      if (e.type === 'diagnoses' || e.type === 'class' || e.type === 'removed') {
        if (question() !== null) askAnswers(); // after answers, removals and a push
      }
      if (e.type !== 'student' && e.type !== 'class') return;
      const data = JSON.parse(e.data);
      state = applyEvent(state, e.type, data);
      render(e.type === 'student' ? data.student_id : null);
    },
    onState: (s, detail) => showError(s === 'refused' ? detail : ''),
  });
  window.addEventListener('storage', () => {
    // the dashboard's Anonymize switch, or the question it puts on the projector
    const before = answers.plot?.question ?? null;
    render();
    if (question() !== null && question() !== before) askAnswers();
  });
  window.addEventListener('resize', () => render());
}
init();
