// Runs side by side on the page: the Fork control ("try another η from here": POST …/fork,
// the fork opened in a new tab), the links to the other runs (GET …/forks), and their J
// curves for the loss chart (each run's GET …/history), read again every OVERLAY_EVERY ms
// while there is a linked run, so the overlay follows the other tab's Play. The logic is in
// forks.js; this module draws and listens.

import { api } from './api.js';
import { h } from './dom.js';
import { FORK_SETTINGS, describeChange, forkBody, linkedRuns, overlay, proposed } from './forks.js';

/** How often (ms) the linked runs' histories are read again: each read is one query a run. */
const OVERLAY_EVERY = 4000;

export class ForkPanel {
  /**
   * state(): the page state ({id, network}); on.changed(): the curves changed (draw the
   * chart); on.error(message); on.act(name, fn): run in the page's queue.
   */
  constructor(root, state, on) {
    Object.assign(this, { root, state, on });
    this.runs = [];
    this.curves = [];
    this.timer = 0;
    this.reads = 0;
    this.setting = h(
      'select',
      { id: 'fork-setting', onchange: () => this.propose() },
      FORK_SETTINGS.map((s) => h('option', { value: s.name, text: s.label })),
    );
    this.slot = h('span', { class: 'fork-value' });
    this.links = h('p', { class: 'note fork-links', id: 'fork-links', 'aria-live': 'polite' });
    root.replaceChildren(
      h(
        'div',
        { class: 'fork-controls', role: 'group', 'aria-label': 'Fork: try another setting' },
        h('label', { for: 'fork-setting', text: 'Try another' }),
        this.setting,
        h('label', { for: 'fork-value', text: '=' }),
        this.slot,
        h('button', {
          type: 'button',
          id: 'fork',
          text: 'Fork',
          title: 'A copy of the network as shown, with that setting, in a new tab',
          onclick: () => this.fork(),
        }),
      ),
      this.links,
    );
  }

  /** The value control for the chosen setting, with another value than the network's. */
  propose() {
    const net = this.state().network;
    if (!net) return;
    const setting = FORK_SETTINGS.find((s) => s.name === this.setting.value);
    const value = proposed(setting.name, net);
    this.input = setting.options
      ? h(
          'select',
          { id: 'fork-value' },
          setting.options.map((o) => h('option', { value: o, text: o, selected: o === value })),
        )
      : h('input', { id: 'fork-value', type: 'number', step: 'any', value, size: 6 });
    this.slot.replaceChildren(this.input);
  }

  /**
   * Fork the state shown (the network now, or the timeline's); the tab is opened on the
   * click itself, so no pop-up blocker stops it.
   */
  fork() {
    if (!this.state().network) return;
    const parsed = forkBody(this.setting.value, this.input.value);
    if (parsed.error) {
      this.on.error(parsed.error);
      return;
    }
    const tab = window.open('', '_blank');
    this.on.act('Fork', async () => {
      try {
        const { id, at } = this.state(); // the state the timeline shows, if any
        const made = await api.fork(id, parsed.body, at);
        const url = `/n/${encodeURIComponent(made.id)}`;
        if (tab) tab.location.href = url;
        else window.location.assign(url);
      } catch (err) {
        tab?.close();
        throw err;
      }
      await this.load();
    });
  }

  /** Read the links (on opening, after a fork) and the linked runs' curves. */
  async load() {
    if (!this.input) this.propose();
    try {
      const links = await api.forks(this.state().id);
      this.runs = linkedRuns(links);
      this.showLinks(links);
      await this.read();
    } catch (err) {
      this.on.error(err.detail || err.message || String(err));
    }
  }

  showLinks(links) {
    const link = (run, text) =>
      h('a', {
        href: `/n/${encodeURIComponent(run.id)}`,
        target: '_blank',
        'data-network-id': run.id,
        text,
      });
    const parts = [];
    if (links.origin) {
      const o = links.origin;
      parts.push(
        'A fork of ',
        link(o, 'this network'),
        ` at update ${o.update} (${describeChange(o.changed)} here). `,
      );
    }
    if (links.forks.length) {
      parts.push('Forks: ');
      links.forks.forEach((f, n) => {
        if (n > 0) parts.push(', ');
        parts.push(link(f, `${describeChange(f.changed)} from update ${f.update}`));
      });
      parts.push('. ');
    }
    if (parts.length) parts.push('Their J is drawn dotted on the chart.');
    this.links.replaceChildren(...parts);
  }

  /** The linked runs' J curves, from their histories; again in OVERLAY_EVERY ms. */
  async read() {
    clearTimeout(this.timer);
    if (this.runs.length === 0) {
      this.curves = [];
      this.on.changed();
      return;
    }
    const asked = ++this.reads;
    if (!document.hidden) {
      const found = await Promise.all(
        this.runs.map((run) => api.history(run.id).catch(() => null)),
      );
      if (asked !== this.reads) return; // a newer read is on its way
      this.curves = this.runs
        .map((run, n) => (found[n] ? overlay(run, found[n].entries, n) : null))
        .filter(Boolean);
      this.on.changed();
    }
    this.timer = setTimeout(() => this.read(), OVERLAY_EVERY);
  }
}
