import { RddError } from "../errors.js";

let nextBroadcastId = 0;

/**
 * A read-only value shared by every task (`ctx.broadcast(v)`). It is encoded
 * once when created, to check it can be shipped and to count its bytes; tasks
 * in this process read the value itself.
 */
export class Broadcast<T> {
  readonly id = nextBroadcastId++;
  private current: { value: T } | undefined;

  constructor(
    value: T,
    /** Encoded size in bytes. */
    readonly bytes: number,
  ) {
    this.current = { value };
  }

  get value(): T {
    if (!this.current) throw new RddError(`Broadcast ${this.id} was destroyed; create a new one with ctx.broadcast(value).`);
    return this.current.value;
  }

  /** Releases the value; reading it afterwards is an error. */
  destroy(): void {
    this.current = undefined;
  }

  unpersist(): void {
    // In-process executors hold no copies to drop.
  }
}
