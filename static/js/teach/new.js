// "Open a class": a title, an example and the locks; POST /api/classes, then the dashboard
// with the key in the address's fragment (the dashboard moves it into storage).

import { api } from '../api.js';
import { $, errorBox, h } from '../dom.js';

const form = $('#new-class');
const select = $('#class-preset');
let presets = [];

const showError = errorBox($('#new-error'));

function describe() {
  $('#preset-description').textContent =
    presets.find((p) => p.name === select.value)?.description || '';
}

async function init() {
  try {
    const list = await api.presets();
    presets = list.presets || [];
    select.replaceChildren(
      ...presets.map((p) => h('option', { value: p.name, text: p.title || p.name })),
    );
    if (presets.some((p) => p.name === 'mazur')) select.value = 'mazur';
    describe();
  } catch (err) {
    showError(err.detail || String(err));
  }
}

select.addEventListener('change', describe);
form.addEventListener('submit', async (e) => {
  e.preventDefault();
  showError('');
  const button = $('#open-class');
  button.disabled = true;
  try {
    const lock = [...form.querySelectorAll('input[name="lock"]:checked')].map((c) => c.value);
    const body = {
      title: $('#class-title').value.trim(),
      activity: { preset: select.value, lock },
    };
    // asked for only when the server has a teacher password (the page then has the field)
    const password = document.querySelector('#teacher-password');
    if (password) body.teacher_password = password.value;
    const created = await api.createClass(body);
    window.location.assign(`${created.teach_url}#key=${encodeURIComponent(created.teacher_key)}`);
  } catch (err) {
    showError(err.detail || String(err));
    button.disabled = false;
  }
});
init();
