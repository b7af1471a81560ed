/**
 * Typed arrays that reduce tasks borrow for their tables and give back when done, so the tables of one job are
 * the memory of the last one: per job, a K = 1M reduceByKey of sums would otherwise allocate some 40 MiB of
 * columns, and V8 starts a full collection (marking the whole heap, the program's data included) whenever the
 * old generation, or external memory, grows by that much. At most {@link MAX_POOLED_BYTES} are kept, per thread.
 */
export const MAX_POOLED_BYTES = 64 * 2 ** 20;

type Kind = Float64ArrayConstructor | Int32ArrayConstructor;

const free = new Map<Kind, Map<number, (Float64Array | Int32Array)[]>>();
let pooledBytes = 0;

/** An array of `kind` of at least `length` elements (a power of two), its contents unspecified unless `zeroed`. */
export function borrow<K extends Kind>(kind: K, length: number, zeroed = false): InstanceType<K> {
  const size = 2 ** Math.ceil(Math.log2(Math.max(1024, length)));
  const spare = free.get(kind)?.get(size)?.pop();
  if (!spare) return new kind(size) as InstanceType<K>;
  pooledBytes -= spare.byteLength;
  if (zeroed) spare.fill(0);
  return spare as InstanceType<K>;
}

/** Gives `array` back for a later borrow (dropped when the pool is full). The caller must not use it again. */
export function giveBack(array: Float64Array | Int32Array): void {
  if (pooledBytes + array.byteLength > MAX_POOLED_BYTES) return;
  const kind = (array instanceof Float64Array ? Float64Array : Int32Array) as Kind;
  let bySize = free.get(kind);
  if (!bySize) free.set(kind, (bySize = new Map()));
  let list = bySize.get(array.length);
  if (!list) bySize.set(array.length, (list = []));
  list.push(array);
  pooledBytes += array.byteLength;
}
