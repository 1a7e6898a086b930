// One live event stream over fetch(): reads the body as it arrives, hands each event to
// `onEvent`, and reconnects with backoff (sending Last-Event-ID) until closed.

import { backoff, SseParser } from './sse.js';

/**
 * url: the stream; options: {headers, onEvent({type, data, id}), onState('open' | 'waiting'
 * | 'refused', detail)}. A 4xx answer (a wrong key, a deleted class) stops the stream:
 * trying again cannot help. Returns {close()}.
 */
export function openStream(url, { headers = {}, onEvent, onState = () => {} }) {
  let closed = false;
  let controller = null;
  let attempt = 0;
  let lastId = '';
  let timer = 0;

  async function connect() {
    controller = new AbortController();
    const parser = new SseParser();
    try {
      const h = { Accept: 'text/event-stream', ...headers };
      if (lastId) h['Last-Event-ID'] = lastId;
      const response = await fetch(url, {
        headers: h,
        signal: controller.signal,
        cache: 'no-store',
      });
      if (response.status >= 400 && response.status < 500 && response.status !== 429) {
        let detail = `${response.status}`;
        try {
          detail = (await response.json()).detail || detail;
        } catch {
          /* not JSON */
        }
        onState('refused', detail);
        return;
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      onState('open');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        attempt = 0; // the stream delivered: the next drop starts the backoff again
        for (const event of parser.feed(value)) {
          lastId = event.id || lastId;
          onEvent(event);
        }
      }
    } catch {
      // a dropped connection or a server that is down: wait and try again below
    }
    if (closed) return;
    onState('waiting');
    const delay = backoff(attempt, { base: parser.retry ?? 500 });
    attempt += 1;
    timer = setTimeout(connect, delay);
  }

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      if (controller) controller.abort();
    },
  };
}
