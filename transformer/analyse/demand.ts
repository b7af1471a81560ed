/**
 * The demand lattice: what a consumer can observe of a value.
 * `null` (nothing) < Fields (a map from tuple index / property name / "[]" for array elements to the demand on
 * that part; an empty map means "the value is needed, none of its parts") < All (the whole value, with why).
 * SLOT, one particular empty map, is what a pair method asks of a row's value: the row must stay a
 * [key, value] pair, but nothing observes the value itself (not even whether it is undefined), so a value
 * demanded as SLOT (or not at all) may be dropped to `undefined` (plan/shape.ts NONE).
 */
export class All {
  constructor(readonly reason: string) {}
}
export type Fields = ReadonlyMap<string, All | Fields>;
export type Demand = All | Fields | null;

export const ELEMENT = "[]";
export const PRESENT: Fields = new Map();
export const SLOT: Fields = new Map();

/** Whether nothing observes the value itself: it may be replaced by `undefined`. */
export const isUnobserved = (demand: Demand): boolean => demand === null || demand === SLOT;

export const all = (reason: string): All => new All(reason);
export const isAll = (demand: Demand): demand is All => demand instanceof All;

export function fields(entries: [string, Demand][]): Fields {
  const map = new Map<string, All | Fields>();
  for (const [key, demand] of entries) if (demand !== null) map.set(key, demand);
  return map;
}

/** The demand on a value when part `key` of it is demanded as `demand`. */
export function field(key: string, demand: Demand): Fields {
  return demand === null ? PRESENT : fields([[key, demand]]);
}

export function union(a: Demand, b: Demand): Demand {
  if (a === null) return b;
  if (b === null || (a === SLOT && b === SLOT)) return a;
  if (a instanceof All) return a;
  if (b instanceof All) return b;
  const map = new Map(a);
  for (const [key, demand] of b) map.set(key, union(map.get(key) ?? null, demand) as All | Fields);
  return map;
}

export function unionAll(demands: Iterable<Demand>): Demand {
  let result: Demand = null;
  for (const demand of demands) {
    result = union(result, demand);
    if (result instanceof All) return result;
  }
  return result;
}

/** The demand on part `key` of a value whose demand is `demand`. */
export function part(demand: Demand, key: string): Demand {
  if (demand === null || demand instanceof All) return demand;
  return demand.get(key) ?? null;
}

/**
 * What a demand on an array value asks of each element: indices and `[]` read an element, `length` reads
 * nothing of one; any other part of an array is not modelled and keeps elements whole.
 */
export function elementDemand(demand: Demand): Demand {
  if (demand === null || demand instanceof All) return demand;
  let result: Demand = null;
  for (const [key, child] of demand) {
    if (key === ELEMENT || /^(0|[1-9]\d*)$/.test(key)) result = union(result, child);
    else if (key !== "length") return all(`\`.${key}\` of an array is read`);
  }
  return result;
}

/** The first reason found anywhere inside a demand that keeps some part whole, for the report. */
export function firstReason(demand: Demand): string | undefined {
  if (demand === null) return undefined;
  if (demand instanceof All) return demand.reason;
  for (const child of demand.values()) {
    const reason = firstReason(child);
    if (reason) return reason;
  }
  return undefined;
}

export function describe(demand: Demand): string {
  if (demand === null || demand === SLOT) return "nothing";
  if (demand instanceof All) return "everything";
  if (demand.size === 0) return "presence only";
  return `{${[...demand].map(([k, d]) => (d instanceof All || d.size === 0 ? k : `${k}: ${describe(d)}`)).join(", ")}}`;
}
