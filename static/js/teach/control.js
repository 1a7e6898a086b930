// Joining under control, on the dashboard: close or open joining, make a teaching assistant's
// link (shown once), and what an assistant's dashboard hides. DOM glue over teacherApi.

import { $, h } from '../dom.js';

/** The Close joining / Open joining button, from the class's `joining`. */
export function joiningControl(t, guarded, joining) {
  const b = $('#joining');
  let open = joining;
  const show = () => {
    b.textContent = open ? 'Close joining' : 'Open joining';
    b.setAttribute('aria-pressed', String(!open));
    $('#joining-state').textContent = open ? '' : 'Joining is closed: the code admits no one new';
  };
  show();
  b.addEventListener('click', () =>
    guarded(async () => {
      open = (await t.joining(!open)).joining;
      show();
    }),
  );
}

/** Link for an assistant: a new key each time (the last stops working), shown once. */
export function assistantControl(t, guarded, classId) {
  $('#assistant-link').addEventListener('click', () =>
    guarded(async () => {
      const made = await t.assistantKey();
      const link = `${window.location.origin}/teach/${encodeURIComponent(classId)}#key=${encodeURIComponent(made.assistant_key)}`;
      $('#assistant-url').value = link;
      $('#assistant-notice').hidden = false;
      $('#assistant-url').select();
    }),
  );
}

/** An assistant's dashboard shows no control the assistant's key cannot use. */
export function applyRole(role) {
  document.body.classList.toggle('assistant-view', role === 'assistant');
  for (const el of document.querySelectorAll('[data-teacher-only]'))
    el.hidden = role === 'assistant';
}

/**
 * "On the projector": the spotlit students, or the class's answers to one question (the
 * projector's window follows through storage, as it does Anonymize). `questions` are the
 * current activity's; `projected` the choice('question') preference.
 */
export function projectorControl(box, questions, projected) {
  const picked = () => projected.get();
  const button = (value, text) =>
    h('button', {
      type: 'button',
      class: 'small',
      'data-project': value,
      'aria-pressed': String(picked() === value),
      text,
      onclick: () => {
        projected.set(value);
        for (const b of box.querySelectorAll('[data-project]'))
          b.setAttribute('aria-pressed', String(b.dataset.project === value));
      },
    });
  if (picked() !== '' && Number(picked()) >= questions.length) projected.set('');
  box.replaceChildren(
    h('span', { class: 'label', text: 'On the projector:' }),
    button('', 'The spotlit students'),
    ...questions.map((q, i) => button(String(i), `Answers to ${q.prompt || q.path}`)),
  );
  box.hidden = questions.length === 0;
}
