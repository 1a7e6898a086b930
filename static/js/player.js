// Play: keep training with one /step request in flight at most, several epochs per request,
// paced by requestAnimationFrame so the page draws between requests, and never more often
// than every MIN_WAIT ms. Play stops by itself when a stop condition (stop.js) is met.

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
