// The student's page in a class: the banner, the teacher's pause and locks, the move to each
// new activity, and the exercise's questions (one at a time, the asked numbers hidden on the
// page until answered). The rules live in exercise.js; this module only touches the DOM.

import { api } from './api.js';
import { $, h } from './dom.js';
import { fmt } from './format.js';
import {
  applyAnswer,
  masteryNote,
  describe,
  disabledSelectors,
  maskedUnits,
  maskStrings,
  maskText,
  progress,
  readNumber,
  target,
} from './exercise.js';
import { openStream } from './stream.js';

/**
 * hooks: {state() → the page state (network, trace, before), show(sel, i) → selects a unit or
 * an edge for the formula card, backward() → runs Backward, stop() → stops Play, reload() →
 * fetches the network again (the teacher reset it)}.
 */
export async function joinClassroom(id, hooks) {
  if (document.body.dataset.inClass !== '1') return; // the server says so with the page
  let info;
  try {
    info = await api.classroom(id);
  } catch (err) {
    $('#error').textContent = `The class did not answer: ${err.detail || err}`;
    $('#error').hidden = false;
    return;
  }
  const isCurrent = info.current_network_id === id;
  let questions = info.questions || [];
  const live = { paused: info.paused, lock: info.lock || [] };
  const masker = new Masker(
    ['#card', '#graph', '#loss-now', '#data', '#step-say', '#numbers-tables'],
    () => {
      const s = hooks.state();
      // without a pass shown, J may still show: the history's, of the state the network is at
      const trace = s.trace || (s.historyLoss != null ? { loss: s.historyLoss } : null);
      return { strings: maskStrings(questions, trace, s.before), units: maskedUnits(questions) };
    },
  );

  renderBanner(id, info);
  const controls = new Disabler(hooks);
  controls.apply(live.paused, live.lock);
  showPaused(live.paused);
  showLock(live.lock);
  blockShortcuts();

  const box = $('#question-box');
  const typed = new Map(); // path → what the student typed: a wrong answer stays, to correct
  async function answer(path, body) {
    try {
      const res = await api.answer(id, { path, ...body });
      questions = applyAnswer(questions, res);
      renderQuestions();
      masker.update();
      if (res.correct || res.revealed) await revealCard(path, hooks);
      return res;
    } catch (err) {
      const state = box.querySelector('[data-question-feedback]');
      if (state) state.textContent = err.detail || String(err);
      return null;
    }
  }
  function renderQuestions() {
    box.hidden = questions.length === 0;
    if (!questions.length) return;
    const layers = hooks.state().network?.layers || [];
    renderQuestionBox(box, questions, layers, answer, typed);
    if (isCurrent) box.append(freshRow(questions, info.mastery, () => newNumbers(id, box, hooks)));
    controls.apply(live.paused, live.lock); // the new inputs, too
  }
  renderQuestions();
  masker.update();

  followClass(id, { info, live, isCurrent, hooks, controls });
}

/**
 * The class's live events: the teacher moved the class on (the page follows, or the banner's
 * link does), paused, locked, or reset this network (the page fetches it again).
 */
function followClass(id, c) {
  let first = true; // the stream's first event says what the page already knows
  openStream(`/api/networks/${encodeURIComponent(id)}/classroom/events`, {
    onEvent: (e) => {
      if (e.type !== 'class') return;
      const data = JSON.parse(e.data);
      const news = !first;
      first = false;
      const moved = data.current_network_id;
      if (c.isCurrent && moved && moved !== id) {
        c.hooks.stop();
        window.location.assign(`/n/${encodeURIComponent(moved)}`);
        return;
      }
      if (!c.isCurrent && moved && moved !== c.info.current_network_id) {
        c.info = { ...c.info, current_network_id: moved }; // the banner's link follows
        renderBanner(id, c.info);
      }
      // the locks sent are the current activity's; an earlier network keeps its own
      const lock = c.isCurrent ? data.lock || [] : c.live.lock;
      const changed =
        data.paused !== c.live.paused || JSON.stringify(lock) !== JSON.stringify(c.live.lock);
      c.live.paused = Boolean(data.paused);
      c.live.lock = lock;
      c.controls.apply(c.live.paused, c.live.lock);
      showPaused(c.live.paused);
      showLock(c.live.lock);
      if (news && !changed) c.hooks.reload(); // neither pause nor lock: the teacher reset this network
    },
  });
}

function renderBanner(id, info) {
  const banner = $('#class-banner');
  const parts = [h('strong', { class: 'class-title', text: info.class_title })];
  if (info.activity_title) parts.push(h('span', { text: ` · ${info.activity_title}` }));
  if (info.student_name) parts.push(h('span', { class: 'note', text: ` · ${info.student_name}` }));
  const links = [];
  if (info.current_network_id !== id) {
    links.push(
      h('a', {
        class: 'button small current-link',
        href: `/n/${encodeURIComponent(info.current_network_id)}`,
        text: 'The class has moved on: go to the current activity',
      }),
    );
  }
  const earlier = (info.earlier_network_ids || []).filter((n) => n !== id);
  if (earlier.length) {
    links.push(
      h(
        'span',
        { class: 'earlier' },
        'Earlier activities: ',
        ...earlier.map((n, k) =>
          h('a', {
            href: `/n/${encodeURIComponent(n)}`,
            text: String(k + 1),
            'aria-label': `Earlier activity ${k + 1}`,
          }),
        ),
      ),
    );
  }
  banner.replaceChildren(h('p', { class: 'banner-text' }, ...parts), ...links);
  banner.hidden = false;
  document.body.classList.add('in-class');
}

/** The teacher's locks on the body (data-lock="settings data"), for what the page sends. */
function showLock(lock) {
  document.body.dataset.lock = lock.join(' ');
}

function showPaused(paused) {
  $('#paused-notice').hidden = !paused;
  document.body.classList.toggle('class-paused', paused);
}

/** Keeps the teacher's pause and locks on the controls, across the panels' rebuilds. */
class Disabler {
  constructor(hooks) {
    this.hooks = hooks;
    this.selectors = [];
    this.observer = new MutationObserver(() => this.enforce());
    this.observer.observe(document.body, { childList: true, subtree: true });
  }

  apply(paused, lock) {
    if (paused && $('#play')?.getAttribute('aria-pressed') === 'true') this.hooks.stop();
    this.selectors = disabledSelectors(paused, lock);
    for (const e of document.querySelectorAll('[data-class-disabled]')) {
      if (!this.selectors.some((s) => e.matches(s))) {
        e.disabled = false;
        delete e.dataset.classDisabled;
      }
    }
    this.enforce();
  }

  enforce() {
    if (!this.selectors.length) return;
    for (const e of document.querySelectorAll(this.selectors.join(', '))) {
      if (e.disabled) continue;
      e.disabled = true;
      e.dataset.classDisabled = '1';
    }
  }
}

/** Shortcut keys do what their buttons do: nothing while the button is disabled. */
function blockShortcuts() {
  const KEYS = { f: '#forward', b: '#backward', u: '#update', s: '#step', ' ': '#play' };
  window.addEventListener(
    'keydown',
    (e) => {
      const sel = KEYS[e.key.toLowerCase()];
      const typing = e.target.closest?.('textarea, select, input, button, [role="button"], a');
      if (sel && !typing && $(sel)?.disabled) e.stopImmediatePropagation();
    },
    true,
  );
}

/** Hides the texts an open question asks for, wherever the page writes them; restores them after. */
class Masker {
  constructor(roots, strings) {
    this.roots = roots;
    this.strings = strings;
    this.originals = new Map(); // text node → {text: its own, masked: what it shows}
    this.observer = new MutationObserver(() => this.update());
    for (const sel of roots) {
      const root = $(sel);
      if (root)
        this.observer.observe(root, { childList: true, subtree: true, characterData: true });
    }
  }

  update() {
    const { strings: hide, units } = this.strings();
    // a unit's fill shows its o, its ring the sign and size of δ: plain while asked for
    for (const e of document.querySelectorAll('#graph .masked-o, #graph .masked-delta'))
      e.classList.remove('masked-o', 'masked-delta');
    for (const [id, cls] of units) $(`#graph [data-unit="${id}"]`)?.classList.add(cls);
    for (const [node, { text, masked }] of this.originals) {
      if (node.nodeValue === masked) node.nodeValue = text; // unless the page rewrote it since
    }
    this.originals.clear();
    if (hide.size) {
      for (const sel of this.roots) {
        const root = $(sel);
        if (!root) continue;
        const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walk.nextNode(); node; node = walk.nextNode()) {
          const masked = maskText(node.nodeValue, hide);
          if (masked !== node.nodeValue) {
            this.originals.set(node, { text: node.nodeValue, masked });
            node.nodeValue = masked;
          }
        }
      }
    }
    this.observer.takeRecords(); // its own changes are not news
  }
}

/** After a right answer (or a reveal): the formula card of what was asked, numbers filled in. */
async function revealCard(path, hooks) {
  const t = target(path);
  if (!t || !t.sel) return;
  if (!hooks.state().trace?.deltas) await hooks.backward();
  hooks.show(t.sel, t.i);
}

const tries = (n) => `${n} ${n === 1 ? 'try' : 'tries'}`;

/** A question answered or revealed: its prompt and the expected number. */
function closedQuestion(li, q, prompt) {
  const how = q.state === 'right' ? 'Right' : 'Answer shown';
  li.append(
    h('span', { class: 'prompt', text: prompt }),
    h('span', { class: 'verdict', text: `${how}: ${fmt(q.expected)}` }),
  );
}

/**
 * An open question: a field (it keeps what was typed, a wrong answer too, to be corrected),
 * Check and Show the answer. After a wrong answer the box is drawn again: its feedback and
 * the focus go to the new field.
 */
function openQuestion(li, q, n, prompt, { box, answer, typed }) {
  const inputId = `answer-${n}`;
  const input = h('input', {
    id: inputId,
    inputmode: 'decimal',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'your number',
    oninput: (e) => typed.set(q.path, e.target.value),
  });
  input.value = typed.get(q.path) || '';
  const feedback = h('p', {
    class: 'feedback',
    'data-question-feedback': '',
    'aria-live': 'polite',
    text: q.attempts ? `${tries(q.attempts)} so far.` : '',
  });
  const check = async (e) => {
    e.preventDefault();
    const value = readNumber(input.value);
    if (value === null) {
      feedback.textContent = 'Type a number, e.g. −0.1385 or 1.2e-3.';
      return;
    }
    const res = await answer(q.path, { value });
    if (!res || res.correct) return;
    const again = box.querySelector(`[data-question="${n}"]`);
    const fb = again?.querySelector('[data-question-feedback]');
    if (fb) {
      const named = res.diagnosis ? ` ${res.diagnosis.message}` : '';
      fb.textContent = `Not quite: ${fmt(value)} is not it.${named} Try again (${tries(res.attempts)}).`;
      fb.classList.add('wrong');
    }
    again?.setAttribute('data-question-result', 'wrong');
    again?.querySelector('input')?.focus();
  };
  li.append(
    h(
      'form',
      { class: 'answer', onsubmit: check },
      h('label', { for: inputId, class: 'prompt', text: prompt }),
      h(
        'div',
        { class: 'row' },
        input,
        h('button', { type: 'submit', class: 'primary', text: 'Check' }),
        h('button', {
          type: 'button',
          class: 'reveal',
          text: 'Show the answer',
          onclick: () => answer(q.path, { reveal: true }),
        }),
      ),
    ),
    feedback,
  );
}

/** The exercise: a heading with the progress, and the questions, the open ones one at a time. */
/** New numbers for this network: the page loads again (network, questions, masks). */
async function newNumbers(id, box, hooks) {
  try {
    await api.newNumbers(id);
    hooks.stop();
    window.location.reload();
  } catch (err) {
    const state = box.querySelector('[data-question-feedback]');
    if (state) state.textContent = err.detail || String(err);
  }
}

/** Mastery so far, and New numbers: the same questions on numbers of the student's own. */
function freshRow(questions, mastery, newNumbers) {
  return h(
    'div',
    { class: 'row fresh-numbers' },
    h('p', { class: 'note', 'data-mastery': '', text: masteryNote(questions, mastery) }),
    h('button', {
      type: 'button',
      id: 'new-numbers',
      class: 'small',
      text: 'New numbers',
      onclick: newNumbers,
    }),
  );
}

function renderQuestionBox(box, questions, layers, answer, typed) {
  const p = progress(questions);
  const heading = h('h2', {
    text: p.done
      ? `Exercise done: ${p.right} of ${p.total} right`
      : `Question ${p.current + 1} of ${p.total}`,
  });
  const items = questions.map((q, n) => {
    const prompt = q.prompt || describe(q.path, layers);
    const li = h('li', {
      'data-question': String(n),
      'data-question-path': q.path,
      'data-question-state': q.state,
      class: `question ${q.state}`,
    });
    if (q.state !== 'open') closedQuestion(li, q, prompt);
    else {
      li.hidden = n !== p.current; // one at a time
      openQuestion(li, q, n, prompt, { box, answer, typed });
    }
    return li;
  });
  const focused = document.activeElement && box.contains(document.activeElement);
  box.replaceChildren(heading, h('ol', { class: 'questions' }, items));
  if (focused) box.querySelector('li:not([hidden]) input')?.focus();
}
