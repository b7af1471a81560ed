/** The one bound for the runtime's caches of generated or parsed code, which live as long as the thread. */
const MAX_ENTRIES = 512;

/**
 * `cache`'s entry for `key`, made by `make` the first time. Bounded: cleared when full, so a program that makes
 * new keys at run time (projections, shapes, function sources) cannot grow it without limit.
 */
export function cachedOnce<V>(cache: Map<string, V>, key: string, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= MAX_ENTRIES) cache.clear();
    value = make();
    cache.set(key, value);
  }
  return value;
}
