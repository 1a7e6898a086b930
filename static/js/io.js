// Networks in and out: open a new one (preset, import), export this one as JSON, read a file.

import { api, toCreateBody } from './api.js';
import { h } from './dom.js';
import { saved } from './saved.js';

/** Create a network and go to its page; its first weights are what Reset returns to there. */
export async function openNew(body) {
  const created = await api.create(body);
  saved(created.id).put('start', { weights: created.weights, biases: created.biases });
  window.location.assign(`/n/${encodeURIComponent(created.id)}`);
}

/** Download the network's create body (plus its update count) as a .json file. */
export async function exportJson(id) {
  const st = await api.get(id);
  const text = JSON.stringify({ ...toCreateBody(st), updates: st.updates }, null, 2);
  saveBlob(
    new Blob([text], { type: 'application/json' }),
    `${fileName(st.name || 'network')}.json`,
  );
}

/** A name safe for a file: letters, digits, - and _ only. */
export const fileName = (name) => name.replace(/[^\w-]+/g, '-');

/** Offer a Blob as a download under `name`. */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The create body in a file made by exportJson (or by hand, with the create fields). */
export async function readNetworkFile(file) {
  let body;
  try {
    body = JSON.parse(await file.text());
  } catch (err) {
    throw new Error(`${file.name} is not JSON: ${err.message}`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new Error(`${file.name} does not hold a network.`);
  return toCreateBody(body);
}
