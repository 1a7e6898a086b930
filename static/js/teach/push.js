// The "next activity" form: an example or the teacher's own network (exact weights), locks,
// per-student numbers and questions picked from the network's own numbers.

import { api, toCreateBody } from '../api.js';
import { $, h } from '../dom.js';
import { describe, questionChoices } from '../exercise.js';

/** The network id in what a teacher pastes: a page address (/n/<id>) or the id itself. */
export function networkIdFrom(text) {
  const s = String(text).trim();
  const m = /\/n\/([A-Za-z0-9_-]+)/.exec(s);
  if (m) return m[1];
  return /^[A-Za-z0-9_-]+$/.test(s) ? s : null;
}

/** form: #push-form; opts: {presets, activity (the class's current one), send(body)}. */
export function pushForm(form, { presets, activity, send }) {
  const presetSel = $('#push-preset', form);
  const networkIn = $('#push-network', form);
  const choice = $('#question-choice', form);
  const list = $('#question-list', form);
  let own = null; // the teacher's network state, once fetched
  let layers = null;
  const questions = [];

  presetSel.replaceChildren(
    ...presets.map((p) => h('option', { value: p.name, text: p.title || p.name })),
  );
  if (activity?.preset && presets.some((p) => p.name === activity.preset))
    presetSel.value = activity.preset;
  const source = () => form.querySelector('input[name="source"]:checked').value;

  function setLayers(next) {
    layers = next;
    choice.replaceChildren(
      ...(layers ? questionChoices(layers) : []).map((c) =>
        h('option', { value: c.path, text: c.label }),
      ),
    );
    choice.disabled = !layers;
    // questions that name units the new network lacks go
    const valid = new Set(layers ? questionChoices(layers).map((c) => c.path) : []);
    for (let n = questions.length - 1; n >= 0; n -= 1)
      if (!valid.has(questions[n].path)) questions.splice(n, 1);
    renderList();
  }

  const renderList = () => renderQuestionList(list, questions, layers);

  async function fromSource() {
    if (source() === 'preset') {
      setLayers(presets.find((p) => p.name === presetSel.value)?.layers || null);
      return;
    }
    own = null;
    own = await fetchOwn(networkIn);
    setLayers(own ? own.layers : null);
  }

  onSourceChange(form, fromSource);
  $('#add-question', form).addEventListener('click', () => {
    if (!choice.value || questions.some((q) => q.path === choice.value)) return;
    questions.push({ path: choice.value, prompt: describe(choice.value, layers) });
    renderList();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (source() === 'network' && !own) await fromSource();
    if (source() === 'network' && !own) return;
    const body = activityBody(form, source() === 'preset' ? null : own, questions);
    await send(body);
  });
  fromSource();
}

/** The questions picked so far, each with its wording to edit and a button to remove it. */
function renderQuestionList(list, questions, layers) {
  const rerender = () => renderQuestionList(list, questions, layers);
  list.replaceChildren(
    ...questions.map((q, n) =>
      h(
        'li',
        { 'data-path': q.path },
        h('span', { class: 'path', text: describe(q.path, layers || [1, 1]) }),
        h('input', {
          value: q.prompt,
          'aria-label': `Wording of question ${n + 1}`,
          maxlength: '200',
          oninput: (e) => {
            q.prompt = e.target.value;
          },
        }),
        h('button', {
          type: 'button',
          class: 'small',
          text: '×',
          'aria-label': `Remove question ${n + 1}`,
          onclick: () => {
            questions.splice(n, 1);
            rerender();
          },
        }),
      ),
    ),
  );
}

/** The activity the form describes: a preset (own is null) or the teacher's own network. */
function activityBody(form, own, questions) {
  const body = own ? toCreateBody(own) : { preset: $('#push-preset', form).value };
  const title = $('#push-title', form).value.trim();
  if (title) body.title = title;
  body.lock = [...form.querySelectorAll('input[name="push-lock"]:checked')].map((c) => c.value);
  const per = $('#push-per-student', form).value;
  if (per) body.per_student = per;
  if (questions.length)
    body.questions = questions.map((q) =>
      q.prompt.trim() ? { path: q.path, prompt: q.prompt.trim() } : { path: q.path },
    );
  return body;
}

/** Calls changed() when the source (a preset, or a network's address) changes. */
function onSourceChange(form, changed) {
  for (const radio of form.querySelectorAll('input[name="source"]'))
    radio.addEventListener('change', changed);
  $('#push-preset', form).addEventListener('change', () => {
    form.querySelector('#source-preset').checked = true;
    changed();
  });
  $('#push-network', form).addEventListener('change', () => {
    form.querySelector('#source-network').checked = true;
    changed();
  });
}

/** The network whose address (or id) the field holds, or null, said on the field. */
async function fetchOwn(networkIn) {
  const id = networkIdFrom(networkIn.value);
  if (!id) return null;
  try {
    const own = await api.get(id);
    networkIn.setCustomValidity('');
    return own;
  } catch (err) {
    networkIn.setCustomValidity(err.detail || 'No network at this address');
    networkIn.reportValidity();
    return null;
  }
}
