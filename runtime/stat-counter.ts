/**
 * Summary statistics of numbers, as Spark's `StatCounter`: count, mean, variance (population and sample),
 * max, min and sum, updated one value at a time (Welford's method) and merged across partitions with the
 * numerically stable formula of Chan et al., exactly as Spark merges partial counters.
 */
export class StatCounter {
  private n = 0;
  private mu = 0;
  /** Sum of squared deviations from the mean. */
  private m2 = 0;
  private maxValue = Number.NEGATIVE_INFINITY;
  private minValue = Number.POSITIVE_INFINITY;

  /** A counter of the given values (none: an empty counter). */
  constructor(values: Iterable<number> = []) {
    for (const v of values) this.add(v);
  }

  /**
   * Adds one value. `NaN` makes mean, variance, max and min `NaN`, as in Spark (`Math.max` propagates it).
   * @example new StatCounter().add(1).add(3).mean // 2
   */
  add(value: number): this {
    const delta = value - this.mu;
    this.n += 1;
    this.mu += delta / this.n;
    this.m2 += delta * (value - this.mu);
    this.maxValue = Math.max(this.maxValue, value);
    this.minValue = Math.min(this.minValue, value);
    return this;
  }

  /**
   * Merges another counter (or one value, as `add`) into this one; the other is not changed. As Spark's
   * `merge(StatCounter)`: when one side is much larger, the mean moves by the small side's weighted
   * difference, which keeps it accurate.
   */
  merge(other: StatCounter | number): this {
    if (typeof other === "number") return this.add(other);
    if (other === this) return this.merge(other.copy());
    if (this.n === 0) {
      this.n = other.n;
      this.mu = other.mu;
      this.m2 = other.m2;
      this.maxValue = other.maxValue;
      this.minValue = other.minValue;
      return this;
    }
    if (other.n === 0) return this;
    const delta = other.mu - this.mu;
    const total = this.n + other.n;
    if (other.n * 10 < this.n) this.mu = this.mu + (delta * other.n) / total;
    else if (this.n * 10 < other.n) this.mu = other.mu - (delta * this.n) / total;
    else this.mu = (this.mu * this.n + other.mu * other.n) / total;
    this.m2 += other.m2 + (delta * delta * this.n * other.n) / total;
    this.n = total;
    this.maxValue = Math.max(this.maxValue, other.maxValue);
    this.minValue = Math.min(this.minValue, other.minValue);
    return this;
  }

  /** An independent counter with the same state. */
  copy(): StatCounter {
    const c = new StatCounter();
    c.n = this.n;
    c.mu = this.mu;
    c.m2 = this.m2;
    c.maxValue = this.maxValue;
    c.minValue = this.minValue;
    return c;
  }

  /** How many values were added. */
  get count(): number {
    return this.n;
  }

  /** The mean; `NaN` when no value was added. */
  get mean(): number {
    return this.n === 0 ? Number.NaN : this.mu;
  }

  /** The sum (`count * mean`, as Spark computes it); 0 when empty. */
  get sum(): number {
    return this.n * this.mu;
  }

  /** The largest value; `-Infinity` when empty (as Spark). */
  get max(): number {
    return this.maxValue;
  }

  /** The smallest value; `Infinity` when empty (as Spark). */
  get min(): number {
    return this.minValue;
  }

  /** The population variance (divides by `count`, as Spark's `variance`); `NaN` when empty. */
  get variance(): number {
    return this.n === 0 ? Number.NaN : this.m2 / this.n;
  }

  /** The population standard deviation (as Spark's `stdev`); `NaN` when empty. */
  get stdev(): number {
    return Math.sqrt(this.variance);
  }

  /** The sample variance (divides by `count - 1`); `NaN` for fewer than two values. */
  get sampleVariance(): number {
    return this.n <= 1 ? Number.NaN : this.m2 / (this.n - 1);
  }

  /** The sample standard deviation; `NaN` for fewer than two values. */
  get sampleStdev(): number {
    return Math.sqrt(this.sampleVariance);
  }

  /** Spark's format: `(count: 3, mean: 2, stdev: 0.816..., max: 3, min: 1)`. */
  toString(): string {
    return `(count: ${this.count}, mean: ${this.mean}, stdev: ${this.stdev}, max: ${this.max}, min: ${this.min})`;
  }

  /** The figures as a plain object (what `console.log` and `JSON.stringify` show). */
  toJSON(): { count: number; mean: number; stdev: number; variance: number; max: number; min: number; sum: number } {
    return { count: this.count, mean: this.mean, stdev: this.stdev, variance: this.variance, max: this.max, min: this.min, sum: this.sum };
  }
}
