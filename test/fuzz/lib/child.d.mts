/** A stable serialisation that keeps -0, NaN, undefined, holes, extra array properties, absent vs undefined properties, key order and prototypes apart. */
export function serialise(v: unknown): string;
/** An error's text as compared between builds (stage numbers, partitions, RDD ids and positions masked). */
export function normaliseError(text: string): string;
