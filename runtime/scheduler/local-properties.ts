/**
 * Context-local properties, as Spark's `setLocalProperty`: scoped to the async
 * call chain (AsyncScope, an AsyncLocalStorage) instead of a thread, so concurrent code paths
 * can set different values. The map is copied on every change, so a chain that
 * inherited it never sees a sibling's later changes.
 */
import { AsyncScope } from "./async-scope.js";

export class LocalProperties {
  private readonly store = new AsyncScope<ReadonlyMap<string, string>>();

  get(key: string): string | undefined {
    return this.store.get()?.get(key);
  }

  /**
   * Sets `key` for the rest of the current async call chain and what it starts
   * from now on (`undefined` removes it). As with Spark's thread-local, it also
   * stays set in the caller's chain when called inside a function that was not
   * awaited in its own scope; `run` scopes a value exactly.
   */
  set(key: string, value: string | undefined): void {
    this.store.enterWith(this.with(key, value));
  }

  /** Runs `fn` with `key` set to `value`; the value is gone when `fn`'s chain ends. */
  run<T>(key: string, value: string | undefined, fn: () => T): T {
    return this.store.run(this.with(key, value), fn);
  }

  private with(key: string, value: string | undefined): ReadonlyMap<string, string> {
    const next = new Map(this.store.get());
    if (value === undefined) next.delete(key);
    else next.set(key, value);
    return next;
  }
}
