// The teacher's view of every network: list, delete, export all. It calls /api/admin/* with
// the token the teacher types, kept in sessionStorage (this tab only). Names are students'
// text: they go in through textContent only.
import { $, h } from './dom.js';

const KEY = 'backprop-admin-token';
const table = $('#networks');
const status = $('#status');
const error = $('#error');

async function call(path, method = 'GET') {
  const response = await fetch(path, {
    method,
    headers: { Authorization: `Bearer ${sessionStorage.getItem(KEY) || ''}` },
  });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      detail = (await response.json()).detail || detail;
    } catch {
      /* not JSON */
    }
    throw new Error(detail);
  }
  return response;
}

function showError(err) {
  error.textContent = err ? err.message : '';
  error.hidden = !err;
}

const when = (iso) => new Date(iso).toLocaleString();

function row(n) {
  const remove = h('button', {
    type: 'button',
    class: 'small',
    text: 'Delete',
    'aria-label': `Delete ${n.id}`,
  });
  remove.addEventListener('click', () =>
    guarded(async () => {
      if (!window.confirm(`Delete the network ${n.name || n.id}? This cannot be undone.`)) return;
      await call(`/api/admin/networks/${encodeURIComponent(n.id)}`, 'DELETE');
      await load();
    }),
  );
  return h(
    'tr',
    { 'data-id': n.id },
    h('td', { text: n.name || '—' }),
    h('td', {}, h('a', { href: `/n/${encodeURIComponent(n.id)}`, text: n.id })),
    h('td', { text: n.layers.join('-') }),
    h('td', { text: String(n.updates) }),
    h('td', { text: when(n.created_at) }),
    h('td', { text: when(n.last_used) }),
    h('td', {}, remove),
  );
}

async function load() {
  const data = await (await call('/api/admin/networks')).json();
  const cap = data.max_networks ? `at most ${data.max_networks}` : 'no cap';
  const expiry = data.expire_after_days
    ? `unused ones are deleted after ${data.expire_after_days} days`
    : 'none expires';
  status.textContent = `${data.count} networks (${cap}; ${expiry}).`;
  table.tBodies[0].replaceChildren(...data.networks.map(row));
  table.hidden = false;
  $('#export-all').disabled = false;
}

async function guarded(fn) {
  try {
    showError(null);
    await fn();
  } catch (err) {
    showError(err);
  }
}

async function exportAll() {
  const response = await call('/api/admin/export');
  const blob = await response.blob();
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') || '')?.[1];
  const a = h('a', { href: URL.createObjectURL(blob), download: name || 'backprop-networks.json' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

$('#token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY, $('#token').value);
  guarded(load);
});
$('#export-all').addEventListener('click', () => guarded(exportAll));
if (sessionStorage.getItem(KEY)) guarded(load);
