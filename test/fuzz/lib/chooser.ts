/**
 * Decisions of the program generator come from a list of numbers (a "choice
 * sequence", as in Hypothesis). fast-check generates and shrinks the list;
 * the generator reads it front to back. A missing or zero entry always means
 * the simplest option, so shrinking the list (shorter, smaller numbers)
 * shrinks the program.
 */
export class Chooser {
  private at = 0;

  constructor(private readonly choices: readonly number[]) {}

  /** An option in [0, n); 0 is the simplest. */
  int(n: number): number {
    if (n <= 1) return 0;
    const c = this.choices[this.at++];
    return c === undefined ? 0 : c % n;
  }

  /** True with roughly `percent`% chance (false when the choices run out). */
  chance(percent: number): boolean {
    return this.int(100) >= 100 - percent;
  }

  pick<T>(options: readonly T[]): T {
    return options[this.int(options.length)]!;
  }

  /** Whether every choice was read (generation ran out and fell back to simplest options). */
  get exhausted(): boolean {
    return this.at >= this.choices.length;
  }
}
