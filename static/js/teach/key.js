// The teacher's key in this browser: localStorage `backprop.teacher.<class_id>`. A dashboard
// link ends in #key=<key> once, after the class is made; the page moves the key into storage
// and takes it out of the address bar (and so out of the history and of screenshots).

const storageKey = (classId) => `backprop.teacher.${classId}`;

function read(name) {
  try {
    return window.localStorage.getItem(name);
  } catch {
    return null;
  }
}

function write(name, value) {
  try {
    window.localStorage.setItem(name, value);
  } catch {
    /* storage off: the key lives in this tab */
  }
}

/** {key, fresh}: fresh when the key came in the address just now (the page shows it once). */
export function takeKey(classId) {
  const m = /(?:^#|&)key=([^&]+)/.exec(window.location.hash);
  if (m) {
    const key = decodeURIComponent(m[1]);
    write(storageKey(classId), key);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    return { key, fresh: true };
  }
  return { key: read(storageKey(classId)), fresh: false };
}

/** Keep `key` as this browser's key of the class (the dashboard's "paste the link" form). */
export function keepKey(classId, key) {
  write(storageKey(classId), key);
}

/**
 * What a teacher pasted: a dashboard link (…/teach/<class id>#key=<key>) or the key alone.
 * {classId: the link's class, or null; key, or null when the text holds none}.
 */
export function keyFrom(text) {
  const s = String(text).trim();
  const link = /\/teach\/([A-Za-z0-9_-]+)[^#]*#(?:.*&)?key=([^&\s]+)/.exec(s);
  if (link) return { classId: link[1], key: decodeURIComponent(link[2]) };
  return { classId: null, key: /^[A-Za-z0-9_-]{16,200}$/.test(s) ? s : null };
}

/** The dashboard's preferences per class (anonymize, stuck first), kept in storage too. */
export function preference(classId, name) {
  const k = `backprop.teach.${classId}.${name}`;
  return { get: () => read(k) === '1', set: (on) => write(k, on ? '1' : '0') };
}

/**
 * A preference with a value (the question the projector shows: '' for none), kept in storage
 * so the dashboard sets what the projector's window shows (its `storage` event).
 */
export function choice(classId, name) {
  const k = `backprop.teach.${classId}.${name}`;
  return { get: () => read(k) || '', set: (value) => write(k, String(value)) };
}
