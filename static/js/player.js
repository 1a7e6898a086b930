// The queue Play's batches share with every press (ActionQueue): every action that asks the
// server to change the network, or shows the network's new state (Step and its animation,
// Update, Ctrl+Z, an edit, a batch of Play's frames, frames.js), runs after those before it,
// so an answer is never shown over a state the server has already left, and a press during
// another action waits its turn instead of being dropped; the page shows what waits
// (queueText). No DOM here.

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
