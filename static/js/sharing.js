// The page's side of share links (the format is share.js's): the Share button, which puts the
// link in the clipboard and in the box beside it, and hide=, which hides panels for an exercise.

import { api, toCreateBody } from './api.js';
import { $ } from './dom.js';
import { encodeSetup, readLink, shareUrl } from './share.js';

/** What each hide= name hides: one or more elements of the page. */
const PANEL_SELECTORS = {
  build: ['#build'],
  data: ['#data'],
  card: ['#card'],
  charts: ['section.charts'],
  file: ['nav.file-actions'],
  class: ['form.join-class'],
};

/** Hide the panels this page's address names; returns a message for names that are no panel. */
export function applyHide(location = window.location) {
  const { hide, unknown } = readLink(location.search, '');
  for (const name of hide)
    for (const sel of PANEL_SELECTORS[name])
      for (const e of document.querySelectorAll(sel)) e.hidden = true;
  document.body.dataset.hide = hide.join(',');
  return {
    hide,
    message: unknown.length
      ? `hide=: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a panel; ` +
        `the panels are ${Object.keys(PANEL_SELECTORS).join(', ')}.`
      : '',
  };
}

/**
 * The Share button: encode the network as the server holds it now (its exact weights) and the
 * page's update mode, show the link and copy it. The panels hidden here stay hidden there.
 */
export function wireShare({ button, box, output, id, page, hide }) {
  button.addEventListener('click', async () => {
    output.textContent = 'Making the link…';
    box.hidden = false;
    try {
      const state = await api.get(id);
      const data = await encodeSetup({ network: toCreateBody(state), page: page() });
      const url = shareUrl(window.location.origin, data, hide);
      const field = $('input', box);
      field.value = url;
      field.dataset.shareUrl = url;
      let copied = false;
      try {
        await navigator.clipboard.writeText(url);
        copied = true;
      } catch {
        // no clipboard here (permission, insecure origin): the box still holds the link
      }
      output.textContent = `${copied ? 'Copied: ' : 'Copy this link: '}it makes a new network, the same as this one (${url.length.toLocaleString('en')} characters).`;
      field.select();
    } catch (err) {
      output.textContent = `No link: ${err.detail || err.message || err}`;
    }
  });
}
