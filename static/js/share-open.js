// /share#…: make the network a share link describes, then go to its page. The data stays in the
// fragment (the server never sees it); the server checks the create body as it checks any other.

import { api } from './api.js';
import { $ } from './dom.js';
import { saved } from './saved.js';
import { decodeSetup, networkPath, readLink, ShareError } from './share.js';
import { MODES, parseBatchSize } from './updatemode.js';

const status = $('#share-status');
const problem = $('#share-error');

async function open() {
  const { data, hide } = readLink(window.location.search, window.location.hash);
  const setup = await decodeSetup(data);
  const created = await api.create(setup.network);
  const store = saved(created.id);
  store.put('start', { weights: created.weights, biases: created.biases });
  if (setup.page && MODES.some(([m]) => m === setup.page.mode)) store.put('mode', setup.page.mode);
  const b = parseBatchSize(setup.page?.batch_size);
  if (b !== null) store.put('batchSize', b);
  window.location.replace(networkPath(created.id, hide)); // Back does not make another one
}

open().catch((err) => {
  status.hidden = true;
  const reason = err instanceof ShareError ? err.message : err.detail || err.message || String(err);
  const server = err instanceof ShareError ? '' : 'The server refused the network in this link: ';
  problem.textContent = server + reason;
  problem.hidden = false;
  $('#share-retry').hidden = false;
});

// another link pasted into this tab changes only the fragment: open that one
window.addEventListener('hashchange', () => window.location.reload());
