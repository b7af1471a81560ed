/**
 * Output helper shared by the adversarial programs (copied next to them in each workspace as `kit.ts`).
 *
 * Every named result prints one line, `RESULT <name>: <canonical value>`, or `ERROR <name>: <class>: <message>`
 * when computing it threw; the last line is `METRICS shuffleBytesWritten=<n>` (not a result). Rows are compared
 * as multisets: `rows` sorts the canonical rows; `ordered` keeps the order (for results whose order is the point).
 *
 * This file imports nothing from rddopt on purpose: programs call `collect()` themselves and hand over plain
 * arrays, so no RDD escapes into this module and the analysis of the programs is not weakened by the kit.
 */

/** The part of `Context` the kit needs. */
export interface Stoppable {
  readonly totals: { readonly shuffleBytesWritten: number };
  stop(): Promise<void>;
}

/**
 * A canonical text for any value: distinguishes -0 from 0, NaN, undefined from null, array holes from
 * undefined elements, absent from present-but-undefined properties; object keys are sorted.
 */
export function canon(value: unknown, seen: Set<object> = new Set()): string {
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "number":
      if (Object.is(value, -0)) return "-0";
      return String(value); // NaN, Infinity, -Infinity print as themselves
    case "bigint":
      return `${value}n`;
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return String(value);
    case "symbol":
      return `Symbol(${value.description ?? ""})`;
    case "function":
      return `function ${value.name}`;
    case "object":
      break;
  }
  if (value === null) return "null";
  const object: object = value as object;
  if (seen.has(object)) return "<cycle>";
  seen.add(object);
  try {
    if (Array.isArray(object)) {
      const items: string[] = [];
      for (let i = 0; i < object.length; i++) items.push(i in object ? canon(object[i], seen) : "<hole>");
      const extra = Object.keys(object).filter((k) => !/^(0|[1-9]\d*)$/.test(k));
      return `[${items.join(",")}${extra.length ? `;${props(object, extra, seen)}` : ""}]`;
    }
    if (object instanceof Map) {
      const entries = [...object].map(([k, v]) => `${canon(k, seen)}=>${canon(v, seen)}`).sort();
      return `Map{${entries.join(",")}}`;
    }
    if (object instanceof Set) return `Set{${[...object].map((v) => canon(v, seen)).sort().join(",")}}`;
    const proto: unknown = Object.getPrototypeOf(object);
    const ctor = proto === null ? "null-proto" : proto === Object.prototype ? "" : ((proto as { constructor?: { name?: string } }).constructor?.name ?? "?");
    return `${ctor}{${props(object, Object.keys(object).sort(), seen)}}`;
  } finally {
    seen.delete(object);
  }
}

function props(object: object, keys: string[], seen: Set<object>): string {
  const record = object as Record<string, unknown>;
  return keys.map((k) => `${JSON.stringify(k)}:${canon(record[k], seen)}`).join(",");
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.constructor.name}: ${e.message}`.replace(/\s*\n\s*/g, " ");
  return `thrown ${canon(e)}`;
}

type Source<T> = () => Promise<T> | T;

export class Report {
  constructor(private readonly ctx: Stoppable) {}

  private async line(name: string, source: Source<unknown>, format: (value: unknown) => string): Promise<void> {
    let text: string;
    try {
      text = `RESULT ${name}: ${format(await source())}`;
    } catch (e) {
      text = `ERROR ${name}: ${describeError(e)}`;
    }
    console.log(text);
  }

  /** A multiset of rows: canonical rows, sorted, equal rows as `<row> x<count>`. */
  rows(name: string, source: Source<readonly unknown[]>): Promise<void> {
    return this.line(name, source, (rows) => {
      const list = (rows as readonly unknown[]).map((r) => canon(r)).sort();
      const runs: { row: string; count: number }[] = [];
      for (const row of list) {
        const last = runs[runs.length - 1];
        if (last && last.row === row) last.count++;
        else runs.push({ row, count: 1 });
      }
      return `${list.length} [${runs.map((r) => (r.count > 1 ? `${r.row} x${r.count}` : r.row)).join(" | ")}]`;
    });
  }

  /** Rows in the order they came (take, first, glom: the order is what is being observed). */
  ordered(name: string, source: Source<readonly unknown[]>): Promise<void> {
    return this.line(name, source, (rows) => {
      const list = (rows as readonly unknown[]).map((r) => canon(r));
      return `${list.length} [${list.join(" | ")}]`;
    });
  }

  /** One value (a count, a counter of side effects, a scalar action's result). */
  value(name: string, source: Source<unknown>): Promise<void> {
    return this.line(name, source, (v) => canon(v));
  }

  /** Prints the METRICS line (not a result) and stops the context. */
  async done(): Promise<void> {
    console.log(`METRICS shuffleBytesWritten=${this.ctx.totals.shuffleBytesWritten}`);
    await this.ctx.stop();
  }
}
