// "Step by step": the toggle, Previous / Next step (← and →), the live region that says what
// each step computed, and the marks on the graph. The order and the words are microsteps.js's;
// this module holds the position and touches the DOM. A run belongs to one payload: once the
// page holds another (a new pass, an update, an edit), the run is over and everything shows.

import { $ } from './dom.js';
import { announcement, cardView, microSteps, shownTrace, subject, termsOf } from './microsteps.js';

export class Stepper {
  /**
   * hooks: {state() → the page state (network, trace, phase, i, selected),
   *   select(sel) → selects a unit or an edge and renders, render() → renders the page}
   */
  constructor(svg, hooks) {
    this.svg = svg;
    this.hooks = hooks;
    this.run = null; // {trace, phase, steps, n}
    this.toggle = $('#step-by-step');
    this.nextButton = $('#step-next');
    this.backButton = $('#step-back');
    this.say = $('#step-say');
    this.toggle.addEventListener('change', () => this.switched());
    this.nextButton.addEventListener('click', () => this.next());
    this.backButton.addEventListener('click', () => this.back());
    document.addEventListener('keydown', (e) => this.key(e));
    this.controls();
  }

  /** The run on the payload the page shows now, or null. */
  active() {
    const s = this.hooks.state();
    return this.run && this.run.trace === s.trace ? this.run : null;
  }

  /** After Forward or Backward: with the toggle on, begin a run at step 0. Returns whether. */
  start(phase) {
    const s = this.hooks.state();
    if (!this.toggle.checked || !s.trace || !['forward', 'backward'].includes(phase)) {
      this.run = null;
      this.controls();
      return false;
    }
    this.run = { trace: s.trace, phase, steps: microSteps(s.network.layers, phase), n: 0 };
    this.tell('start');
    return true;
  }

  switched() {
    const s = this.hooks.state();
    if (this.toggle.checked) this.start(s.phase);
    else {
      this.run = null;
      this.say.textContent = '';
      this.controls();
    }
    this.hooks.render();
  }

  next() {
    const run = this.active();
    if (run && run.n < run.steps.length) this.move(run, 1);
  }

  back() {
    const run = this.active();
    if (run && run.n > 0) this.move(run, -1);
  }

  move(run, by) {
    run.n += by;
    this.tell(by > 0 ? 'next' : 'back');
    const shown = run.n > 0 ? subject(run.steps[run.n - 1]) : null;
    if (shown) this.hooks.select(shown);
    else this.hooks.render();
  }

  key(e) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    if (e.ctrlKey || e.metaKey || e.altKey || e.shiftKey || !this.active()) return;
    // arrows keep their own meaning in text, lists, sliders and radio groups
    if (e.target.closest('textarea, select, input:not([type="checkbox"]), [contenteditable]'))
      return;
    e.preventDefault();
    if (e.key === 'ArrowRight') this.next();
    else this.back();
  }

  tell(how) {
    const run = this.run;
    const s = this.hooks.state();
    this.say.textContent = announcement(
      run.trace,
      run.phase,
      run.steps,
      run.n,
      s.i,
      s.network.layers,
      how,
    );
    this.controls();
  }

  controls() {
    const run = this.active();
    const on = this.toggle.checked;
    this.nextButton.hidden = !on;
    this.backButton.hidden = !on;
    this.nextButton.disabled = !run || run.n >= run.steps.length;
    this.backButton.disabled = !run || run.n <= 0;
    this.say.dataset.step = run ? String(run.n) : '';
    this.say.dataset.steps = run ? String(run.steps.length) : '';
  }

  /** The payload as the graph and the panels should show it now. */
  trace(s) {
    const run = this.active();
    return run ? shownTrace(s.trace, run.phase, run.steps, run.n) : s.trace;
  }

  /** The page state for the formula card: the selection's numbers once they are computed. */
  card(s) {
    const run = this.active();
    if (!run || !s.selected) return s;
    return { ...s, ...cardView(s.trace, run.phase, run.steps, run.n, s.selected) };
  }

  /** After the graph is drawn: data-current on what the last step computed, data-term on what it used. */
  mark() {
    for (const e of this.svg.querySelectorAll('[data-term], [data-current]')) {
      e.removeAttribute('data-term');
      e.removeAttribute('data-current');
    }
    const run = this.active();
    this.controls();
    if (!run || run.n === 0) return;
    const step = run.steps[run.n - 1];
    const terms = termsOf(step, this.hooks.state().network.layers);
    const find = (attr, id) => this.svg.querySelector(`[${attr}="${id}"]`);
    for (const id of terms.units) find('data-unit', id)?.setAttribute('data-term', '');
    for (const id of terms.weights) find('data-weight-id', id)?.setAttribute('data-term', '');
    for (const id of terms.biases) find('data-bias-id', id)?.setAttribute('data-term', '');
    const sel = subject(step);
    if (sel) {
      const attr = { unit: 'data-unit', edge: 'data-weight-id', bias: 'data-bias-id' }[sel.type];
      find(attr, sel.id)?.setAttribute('data-current', '');
    }
  }
}
