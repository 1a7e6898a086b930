// Per-network memory in localStorage: the starting weights (for Reset), the loss history and
// the update mode. Failing storage (private mode, quota) only loses these conveniences.

export function saved(id) {
  const key = (name) => `backprop-lab:${id}:${name}`;
  return {
    get(name) {
      try {
        const v = window.localStorage.getItem(key(name));
        return v === null ? null : JSON.parse(v);
      } catch {
        return null;
      }
    },
    put(name, value) {
      try {
        window.localStorage.setItem(key(name), JSON.stringify(value));
      } catch {
        // storage is full or off: nothing else depends on it
      }
    },
  };
}
