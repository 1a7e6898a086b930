// The timeline under the loss chart: drag it to see the network as it was after any recorded
// update (nothing changes on the server), "Continue from here" rewinds to it, Ctrl+Z undoes
// the last update or edit. Both changes run through the page's queue (on.act), after every
// action pressed before them. The logic is in timeline.js; this module draws and listens.

import { api } from './api.js';
import { h } from './dom.js';
import {
  activityStart,
  currentLoss,
  describe,
  indexOf,
  startEntry,
  undoTarget,
} from './timeline.js';

export class Timeline {
  /**
   * on.show(state, entry): show a past state (or the network's own: `null`) without keeping it;
   * on.rewound(state): the network after a rewind; on.loaded(entries): the history, read
   * again; on.error(err); on.act(name, fn): run a change in the page's turn (Ctrl+Z, Continue).
   */
  constructor(root, networkId, on) {
    this.id = networkId;
    this.on = on;
    this.entries = [];
    this.current = null;
    this.shown = null; // the entry on show while dragging, or null
    this.asked = 0; // drops answers to all but the newest request while dragging
    this.refreshes = 0; // the same for the history itself
    this.askedAt = -Infinity;
    this.range = h('input', { type: 'range', id: 'timeline-range', min: '0', max: '0' });
    this.range.setAttribute('aria-label', 'Update to show');
    this.label = h('output', { id: 'timeline-label' });
    this.go = h('button', { type: 'button', id: 'continue', text: 'Continue from here' });
    this.go.hidden = true;
    root.replaceChildren(this.range, this.label, this.go);
    this.range.addEventListener('input', () =>
      this.preview(this.entries[this.range.valueAsNumber]),
    );
    this.go.addEventListener('click', () => {
      const entry = this.shown;
      if (entry) on.act('Continue from here', () => this.rewind(entry));
    });
    document.addEventListener('keydown', (e) => {
      if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== 'z' || e.shiftKey) return;
      if (e.target.closest('textarea, input:not([type="range"]), select')) return; // the field's own undo
      e.preventDefault();
      on.act('Undo', () => this.undo());
    });
  }

  /** J of the state the network is at, from its history (null when unknown). */
  loss() {
    return currentLoss(this.entries, this.current);
  }

  /** Milliseconds since the history was last asked for. */
  age() {
    return performance.now() - this.askedAt;
  }

  async refresh() {
    const asked = ++this.refreshes;
    this.askedAt = performance.now();
    try {
      const found = await api.history(this.id);
      if (asked !== this.refreshes) return; // a newer one is on its way
      this.entries = found.entries;
      this.current = found.current;
      this.leave(false);
      this.on.loaded?.(this.entries);
    } catch (err) {
      this.on.error(err);
    }
  }

  draw() {
    const at = this.shown ? this.shown : this.entries[indexOf(this.entries, this.current)];
    this.range.max = String(Math.max(0, this.entries.length - 1));
    this.range.value = String(Math.max(0, indexOf(this.entries, at?.entry)));
    this.range.disabled = this.entries.length < 2;
    this.label.textContent = at ? describe(at, this.current) : '';
    this.go.hidden = !this.shown;
  }

  async preview(entry) {
    if (!entry) return;
    if (entry.entry === this.current) {
      this.leave();
      return;
    }
    this.shown = entry;
    this.draw();
    const asked = ++this.asked;
    try {
      const state = await api.recorded(this.id, entry.update, entry.entry);
      if (asked === this.asked && this.shown === entry) this.on.show(state, entry);
    } catch (err) {
      this.on.error(err);
    }
  }

  /** Back to showing the network as it is (after any change, or a drag back to it). */
  leave(show = true) {
    const was = this.shown;
    this.shown = null;
    this.asked++;
    this.draw();
    if (was && show) this.on.show(null);
  }

  async rewind(entry) {
    try {
      const state = await api.rewind(this.id, { update: entry.update, entry: entry.entry });
      this.shown = null;
      this.on.rewound(state);
      await this.refresh();
    } catch (err) {
      this.on.error(err);
    }
  }

  /** Back one entry from where the server's history says the network is now. */
  async undo() {
    await this.refresh(); // the page may not have read the history since the last change
    const target = undoTarget(this.entries, this.current);
    if (target) await this.rewind(target);
  }

  /** A class network back to the activity's start (activityStart); false when there is none. */
  async startAgain() {
    await this.refresh();
    const start = activityStart(this.entries);
    if (!start) return false;
    await this.rewind(start);
    return true;
  }

  /**
   * Reset: back to the network before its first update (startEntry), if that state is kept
   * and has the present layers (`layers`); false otherwise.
   */
  async reset(layers) {
    await this.refresh();
    const start = startEntry(this.entries);
    if (!start) return false;
    const then = await api.recorded(this.id, start.update, start.entry);
    if (JSON.stringify(then.layers) !== JSON.stringify(layers)) return false;
    await this.rewind(start);
    return true;
  }
}
