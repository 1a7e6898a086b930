// Play in frames: one /step request computes a batch of FRAMES frames (a second of Play), the
// page shows them one every frame interval, and asks for the next batch as soon as it starts
// playing the current one, so the animation does not wait for the server. The answer's grid
// (o over the input plane after the batch) draws the heatmap: no /predict while playing.
//
// Pause jumps to the last frame computed, which is the state the server holds (a batch in
// flight is shown to its end at once when it arrives). Play stops by itself when a stop
// condition (stop.js) holds after a batch: that batch is played to its end first. No DOM
// here: the page gives the hooks (main.js).

import { nextEpochs, stopReason } from './stop.js';

/** Frames one request computes: a second of Play at 10 frames a second. */
export const FRAMES = 10;
/** Points a side of the heatmap's grid (heatmap.js draws the same). */
export const GRID = 25;

export const SPEEDS = [
  { epochs: 1, every: 400, label: '1 epoch a frame, slow' },
  { epochs: 1, every: 100, label: '1 epoch a frame' },
  { epochs: 5, every: 100, label: '5 epochs a frame' },
  { epochs: 20, every: 100, label: '20 epochs a frame' },
  { epochs: 100, every: 100, label: '100 epochs a frame' },
];

/**
 * Epochs and frames of the next request: `perFrame` epochs a frame, FRAMES frames, but never
 * more epochs than `allowed` (an epoch limit): then fewer frames, or fewer epochs in one.
 */
export function batchPlan(perFrame, allowed) {
  const each = Math.max(1, Math.min(perFrame, allowed));
  const frames = Math.max(1, Math.min(FRAMES, Math.floor(allowed / each)));
  return { epochs: each * frames, frames };
}

/** The body of a batch request; `fields`: the update mode's ({mode}, and batch_size for
 * mini-batches); a grid (and hidden units' too) when the page draws one. */
export function batchBody(fields, plan, grid) {
  const body = { ...fields, epochs: plan.epochs, frames: plan.frames };
  if (grid) Object.assign(body, { grid: GRID, grid_hidden: grid.hidden });
  return body;
}

/** Whether an error is the server's work bound (409 naming epochs): ask for fewer epochs. */
export function overWorkBound(err) {
  return err?.status === 409 && (err.errors || []).some((e) => e.field === 'epochs');
}

/** Epochs a frame after the work bound refused `perFrame`: half, or null below one. */
export function halved(perFrame) {
  return perFrame > 1 ? Math.floor(perFrame / 2) : null;
}

/** The batch's frames as shown: each with its answer, its index and whether it ends it. */
export function framesOf(answer) {
  const frames = answer.frames || [];
  return frames.map((frame, i) => ({ frame, answer, i, last: i === frames.length - 1 }));
}

/** The loss chart's point of a frame: {u, J}, and T (J of the test part) when there is one. */
export function lossPoint({ frame, answer, i }) {
  const point = { u: frame.updates, J: frame.loss };
  const test = answer.test_losses;
  if (test) point.T = test[((i + 1) * test.length) / answer.frames.length - 1];
  return point;
}

const delay = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

export class FramePlayer {
  /**
   * hooks: {fetch(body) → Promise of the step's answer (null: nothing trained, Play stops),
   * body(plan) → the request's body, show(item) for each frame (framesOf), settle(answer) on
   * Pause (the server's state), onError(err), onChange(playing), onStopped(reason)?}.
   * wait(ms): the frame interval's timer (tests give their own).
   */
  constructor(hooks, wait = delay) {
    this.hooks = hooks;
    this.wait = wait;
    this.playing = false;
    this.speed = 2;
    this.run = 0;
    this.conditions = { loss: null, accuracy: null, epochs: null };
    this.stats = { batches: 0, starved: 0 };
    this.reset();
  }

  reset() {
    this.queued = []; // frames received, not shown yet
    this.asked = 0; // epochs asked for since Play was pressed
    this.inFlight = null;
    this.last = null; // the last answer received: the server's state
    this.ending = null; // why Play stops once the queued frames are shown
    this.cap = Infinity; // epochs a frame the work bound allows
  }

  /** Epochs a frame: the speed's, within what the work bound allowed. */
  get perFrame() {
    return Math.min(SPEEDS[this.speed].epochs, this.cap);
  }

  toggle() {
    if (this.playing) this.stop();
    else this.start();
  }

  start() {
    if (this.playing) return;
    this.playing = true;
    this.run += 1;
    this.reset();
    this.hooks.onChange(true);
    this.animate(this.run);
  }

  /** Pause: the last frame computed is shown (now, or when the batch in flight arrives). */
  stop() {
    if (!this.playing) return;
    this.playing = false;
    this.queued = [];
    this.hooks.onChange(false);
    if (!this.inFlight && this.last) this.hooks.settle(this.last);
  }

  /** Ask for the next batch unless one is in flight or the stop is decided. */
  fetchNext(run) {
    if (this.inFlight || this.ending || !this.playing) return;
    const allowed = nextEpochs(this.perFrame * FRAMES, this.conditions, this.asked);
    const plan = batchPlan(this.perFrame, allowed);
    this.asked += plan.epochs;
    this.inFlight = this.hooks
      .fetch(this.hooks.body(plan))
      .then((answer) => this.received(run, answer))
      .catch((err) => this.failed(run, plan, err))
      .finally(() => {
        this.inFlight = null;
      });
  }

  received(run, answer) {
    if (run !== this.run) return;
    if (answer === null) {
      this.ending = 'nothing to train';
      return;
    }
    this.last = answer;
    this.stats.batches += 1;
    if (!this.playing) {
      this.hooks.settle(answer); // paused meanwhile: the server holds this batch's end
      return;
    }
    this.queued.push(...framesOf(answer));
    const lastFrame = answer.frames[answer.frames.length - 1];
    const status = {
      loss: lastFrame.loss,
      accuracy: answer.evaluation?.train.accuracy ?? null,
      epochs: this.asked,
    };
    this.ending = stopReason(this.conditions, status);
  }

  failed(run, plan, err) {
    if (run !== this.run) return;
    this.asked -= plan.epochs;
    const fewer = overWorkBound(err) && halved(this.perFrame);
    if (fewer) {
      this.cap = fewer;
      return;
    }
    this.stop();
    this.hooks.onError(err);
  }

  /** One frame every interval; the next batch is asked for while this one plays. */
  async animate(run) {
    while (this.playing && run === this.run) {
      if (this.queued.length <= FRAMES) this.fetchNext(run);
      const item = this.queued.shift();
      if (item) this.hooks.show(item);
      else if (this.ending) {
        this.finish();
        return;
      }
      if (!item && this.inFlight) {
        if (this.last) this.stats.starved += 1; // a batch played out before the next came
        await this.inFlight;
      } else await this.wait(SPEEDS[this.speed].every);
    }
  }

  finish() {
    const reason = this.ending;
    this.stop();
    if (reason !== 'nothing to train') this.hooks.onStopped?.(reason);
  }
}
