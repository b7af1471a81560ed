/**
 * The `n` smallest items under a comparator, kept in a max-heap of at most `n` items (Spark's
 * BoundedPriorityQueue): `takeOrdered` and `top` keep one per partition, so no partition is ever sorted
 * whole and only `n` items per partition reach the driver.
 */
export class BoundedHeap<T> {
  /** A max-heap: items[0] is the largest kept item, the first to go when a smaller one arrives. */
  private readonly items: T[] = [];

  constructor(
    private readonly limit: number,
    private readonly compare: (a: T, b: T) => number,
  ) {}

  offer(item: T): void {
    if (this.limit <= 0) return;
    const items = this.items;
    if (items.length < this.limit) {
      items.push(item);
      this.siftUp(items.length - 1);
    } else if (this.compare(item, items[0]!) < 0) {
      items[0] = item;
      this.siftDown(0);
    }
  }

  /** The kept items, smallest first. */
  sorted(): T[] {
    return stableSort(this.items, this.compare);
  }

  private siftUp(i: number): void {
    const items = this.items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[i]!, items[parent]!) <= 0) return;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const items = this.items;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let largest = i;
      if (left < items.length && this.compare(items[left]!, items[largest]!) > 0) largest = left;
      if (right < items.length && this.compare(items[right]!, items[largest]!) > 0) largest = right;
      if (largest === i) return;
      [items[i], items[largest]] = [items[largest]!, items[i]!];
      i = largest;
    }
  }
}

/** Sorts a copy, calling `compare` for every item (Array.prototype.sort moves `undefined` last without asking). */
export function stableSort<T>(items: readonly T[], compare: (a: T, b: T) => number): T[] {
  return items
    .map((value) => ({ value }))
    .sort((a, b) => compare(a.value, b.value))
    .map((boxed) => boxed.value);
}
