// "Join a class": the code (any case) and an optional name; POST /api/join, then the
// student's network. The student key is kept per code, so joining again is the same student.

import { api } from './api.js';
import { $, errorBox } from './dom.js';

const form = $('#join-form');
const codeInput = $('#join-code');
const storageKey = (code) => `backprop.student.${code}`;

function stored(code) {
  try {
    return window.localStorage.getItem(storageKey(code));
  } catch {
    return null;
  }
}

const showBox = errorBox($('#join-error'));
function showError(message) {
  showBox(message);
  codeInput.setAttribute('aria-invalid', String(Boolean(message)));
}

/** What a student types, as the server's codes are written: upper case, no spaces or dashes. */
export const normalizeCode = (text) => text.toUpperCase().replace(/[\s-]+/g, '');

codeInput.addEventListener('input', () => {
  const at = codeInput.selectionStart;
  codeInput.value = codeInput.value.toUpperCase();
  codeInput.setSelectionRange(at, at);
});
form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const code = normalizeCode(codeInput.value);
  if (!code) {
    showError('Type the code your teacher shows.');
    codeInput.focus();
    return;
  }
  showError('');
  const button = $('#join-submit');
  button.disabled = true;
  try {
    const name = $('#join-name').value.trim();
    const res = await api.join({ code, name: name || null, student_key: stored(code) });
    try {
      window.localStorage.setItem(storageKey(code), res.student_key);
    } catch {
      /* this tab only */
    }
    window.location.assign(`/n/${encodeURIComponent(res.network_id)}`);
  } catch (err) {
    showError(err.detail || String(err));
    button.disabled = false;
  }
});
if (codeInput.value) $('#join-name').focus();
else codeInput.focus();
