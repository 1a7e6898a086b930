// Play: keep training with one /step request in flight at most, several epochs per request,
// paced by requestAnimationFrame so the page draws between requests, and never more often
// than every MIN_WAIT ms. Play stops by itself when a stop condition (stop.js) is met.
//
// And the queue Play's ticks share with every press (ActionQueue): every action that asks the
// server to change the network, or shows the network's new state (Step and its animation,
// Update, Ctrl+Z, an edit, a Play tick), runs after those before it, so an answer is never
// shown over a state the server has already left, and a press during another action waits
// its turn instead of being dropped; the page shows what waits (queueText). No DOM here.

import { nextEpochs, stopReason } from './stop.js';

// A class shares one server: every speed waits at least MIN_WAIT ms between requests (at most
// 10 requests a second per student) and goes faster by asking for more epochs per request.
export const MIN_WAIT = 100;
export const SPEEDS = [
  { epochs: 1, wait: 400, label: '1 epoch per request, slow' },
  { epochs: 1, wait: MIN_WAIT, label: '1 epoch per request' },
  { epochs: 5, wait: MIN_WAIT, label: '5 epochs per request' },
  { epochs: 20, wait: MIN_WAIT, label: '20 epochs per request' },
  { epochs: 100, wait: MIN_WAIT, label: '100 epochs per request' },
];

const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class Player {
  /**
   * hooks: {train(epochs) → Promise of {loss, accuracy} after the request (null: nothing was
   * trained, Play stops), onError(err), onChange(playing), onStopped(reason)?}
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.playing = false;
    this.speed = 2;
    this.run = 0;
    this.conditions = { loss: null, accuracy: null, epochs: null };
    this.done = 0; // epochs trained since Play was pressed
  }

  toggle() {
    if (this.playing) this.stop();
    else this.start();
  }

  start() {
    if (this.playing) return;
    this.playing = true;
    this.run += 1;
    this.done = 0;
    this.hooks.onChange(true);
    this.loop(this.run);
  }

  stop() {
    if (!this.playing) return;
    this.playing = false;
    this.hooks.onChange(false);
  }

  async loop(run) {
    while (this.playing && run === this.run) {
      const { epochs, wait } = SPEEDS[this.speed];
      const started = performance.now();
      const asked = nextEpochs(epochs, this.conditions, this.done);
      let status;
      try {
        status = await this.hooks.train(asked);
      } catch (err) {
        this.stop();
        this.hooks.onError(err);
        return;
      }
      if (run !== this.run) return; // paused and played again meanwhile: that run counts
      if (status === null) {
        this.stop();
        return;
      }
      this.done += asked;
      const reason = stopReason(this.conditions, {
        loss: status?.loss,
        accuracy: status?.accuracy ?? null,
        epochs: this.done,
      });
      if (reason) {
        this.stop();
        this.hooks.onStopped?.(reason);
        return;
      }
      await frame();
      const left = wait - (performance.now() - started);
      if (left > 0) await sleep(left);
    }
  }
}

// -- one action at a time -------------------------------------------------------------
/** At most this many presses wait; one more is refused, and the page says so. */
export const MAX_WAITING = 10;

export class ActionQueue {
  /** onChange({running, waiting, refused}): after every change (names as given to run()). */
  constructor(onChange = () => {}, max = MAX_WAITING) {
    this.onChange = onChange;
    this.max = max;
    this.running = null;
    this.waiting = [];
    this.refused = null;
    this.tail = Promise.resolve();
  }

  /**
   * Run fn() once every action before it has finished. Resolves to fn's result (rejects with
   * its error); to null at once, without running it, when MAX_WAITING already wait.
   */
  run(name, fn) {
    if (this.waiting.length >= this.max) {
      this.refused = name;
      this.emit();
      return Promise.resolve(null);
    }
    this.refused = null;
    this.waiting.push(name);
    this.emit();
    const result = this.tail.then(async () => {
      this.waiting.shift();
      this.running = name;
      this.emit();
      try {
        return await fn();
      } finally {
        this.running = null;
        if (this.waiting.length === 0) this.refused = null; // said while it mattered
        this.emit();
      }
    });
    this.tail = result.catch(() => {});
    return result;
  }

  /** Whether nothing runs and nothing waits. */
  idle() {
    return this.running === null && this.waiting.length === 0;
  }

  emit() {
    this.onChange({ running: this.running, waiting: [...this.waiting], refused: this.refused });
  }
}

/**
 * What the page says about the queue: nothing while at most one action runs; how many presses
 * wait behind it; and a refused press, plainly.
 */
export function queueText({ running, waiting, refused }) {
  const parts = [];
  if (waiting.length) {
    const counts = new Map();
    for (const name of waiting) counts.set(name, (counts.get(name) || 0) + 1);
    const list = [...counts].map(([name, n]) => (n > 1 ? `${name} × ${n}` : name)).join(', ');
    parts.push(`${running ? `${running} running; ` : ''}waiting their turn: ${list}.`);
  }
  if (refused)
    parts.push(
      `${refused} was not queued: ${waiting.length} presses already wait. Press it again once they have run.`,
    );
  return parts.join(' ');
}
