// Tiny DOM helpers. Text always goes in through textContent, never as markup.

export function h(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k in e && typeof v !== 'string') e[k] = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return e;
}

export const $ = (sel, root = document) => root.querySelector(sel);

/**
 * Rebuild a panel with `build()` only when `key` changed; either way, focus stays on the
 * control that had it (found again by id or aria-label), so keyboard users keep their place.
 * Between rebuilds, `sync()` refreshes values in place.
 */
export function refresh(root, key, build, sync) {
  const active = document.activeElement;
  const inside = active && root.contains(active);
  if (root.dataset.key !== key) {
    const mark = inside
      ? active.id
        ? `#${CSS.escape(active.id)}`
        : active.getAttribute('aria-label')
      : null;
    build();
    root.dataset.key = key;
    if (mark) {
      const again = mark.startsWith('#')
        ? root.querySelector(mark)
        : [...root.querySelectorAll('[aria-label]')].find(
            (e) => e.getAttribute('aria-label') === mark,
          );
      if (again && !again.disabled) again.focus();
    }
  } else if (sync) {
    sync();
  }
}

/** show(message) for an error box: the text, and the box hidden when there is none. */
export function errorBox(box) {
  return (message) => {
    box.textContent = message || '';
    box.hidden = !message;
  };
}

/** Run fn; an error it throws (an ApiError's detail) goes to show(). Returns the error, or null. */
export async function guard(show, fn) {
  try {
    show('');
    await fn();
    return null;
  } catch (err) {
    show(err.detail || err.message || String(err));
    return err;
  }
}

/**
 * A panel in a <details>, built when the box first opens: `load()` imports its module and
 * makes it, so the module is not among those the first graph waits for. Until then each
 * method's last call is kept and made once the panel exists (a closed panel draws nothing;
 * those calls draw what it shows on opening). A failed import goes to `show()`; the next
 * opening tries again.
 */
export function whenOpened(box, load, show) {
  let panel = null;
  let loading = null;
  const calls = new Map();
  const build = () => {
    loading ??= load().then(
      (made) => {
        panel = made;
        for (const [name, args] of calls) panel[name](...args);
        if (calls.size === 0) box.dispatchEvent(new Event('toggle')); // its own opening
        calls.clear();
      },
      (err) => {
        loading = null;
        show(err.message || String(err));
      },
    );
  };
  box.addEventListener('toggle', () => box.open && build());
  if (box.open) build();
  const call =
    (name) =>
    (...args) => {
      if (panel) return panel[name](...args);
      calls.set(name, args);
      return undefined;
    };
  return new Proxy({}, { get: (_, name) => call(name) });
}
