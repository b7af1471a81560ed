// A class whose `b` is a counting getter, seen by the program only through the `Money` interface.
export interface Money {
  a: number;
  b: number;
}

let reads = 0;
export function getterReads(): number {
  return reads;
}

export class Account implements Money {
  constructor(
    readonly a: number,
    private readonly bonus: number,
  ) {}
  get b(): number {
    reads++;
    return this.bonus;
  }
}
