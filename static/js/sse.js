// Server-Sent Events, read from a fetch() body (EventSource cannot send an Authorization
// header). Pure: the parser takes text chunks and returns whole events; no DOM, no network.
//
// The format (WHATWG HTML, "server-sent events"): lines end in \n, \r\n or \r; `field: value`
// (one space after the colon dropped); a line starting with ':' is a comment; a blank line ends
// the event. `data` lines join with \n; `event` defaults to "message"; `id` is remembered for
// the reconnect's Last-Event-ID; `retry` sets the reconnect delay in ms.

export class SseParser {
  constructor() {
    this.buffer = '';
    this.lastId = '';
    this.retry = null;
    this.pendingCR = false;
    this.reset();
  }

  reset() {
    this.type = '';
    this.data = [];
    this.id = null;
  }

  /** Feed a chunk of text; returns the events it completed: [{type, data, id}]. */
  feed(chunk) {
    let text = chunk;
    if (this.pendingCR && text.startsWith('\n')) text = text.slice(1); // the \n of a split \r\n
    this.pendingCR = false;
    this.buffer += text;
    const events = [];
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop(); // an unfinished line waits for the next chunk
    if (this.buffer === '' && text.endsWith('\r')) this.pendingCR = true;
    for (const line of lines) {
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  line(line) {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.type = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    return null;
  }

  dispatch() {
    if (this.id !== null) this.lastId = this.id;
    const event = this.data.length
      ? { type: this.type || 'message', data: this.data.join('\n'), id: this.lastId }
      : null;
    this.reset();
    return event;
  }
}

/**
 * How long to wait before reconnect attempt `n` (0 first): doubling from `base` ms up to
 * `max`, with up to a quarter of jitter (`random` in [0, 1)) so a class does not come back
 * all in the same millisecond after a server restart.
 */
export function backoff(n, { base = 500, max = 15000, random = Math.random } = {}) {
  const delay = Math.min(max, base * 2 ** Math.min(n, 20));
  return Math.round(delay * (1 - 0.25 * random()));
}
