/** A stable serialisation that keeps -0, NaN, undefined, holes, absent vs undefined properties and key order apart. */
export function serialise(v: unknown): string;
