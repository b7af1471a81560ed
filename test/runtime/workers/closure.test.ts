/** closure.ts: which plain functions may leave the main thread (acorn's proof), and rebuilding annotated ones. */
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { analyseFunctionSource, rebuildFunction, shipFunction, withClosure, type ClosureInfo } from "../../../runtime/closure.js";

const eligible = (src: string) => expect(analyseFunctionSource(src), src).toBeUndefined();
const rejected = (src: string, why: RegExp) => expect(analyseFunctionSource(src), src).toMatch(why);

async function rebuilt(fn: Function): Promise<Function> {
  const shipped = shipFunction(fn);
  if (!shipped.ok) throw new Error(shipped.reason);
  return rebuildFunction(shipped.fn, structuredClone(shipped.fn.values));
}

describe("plain functions: acorn proves them self-contained and effect-free", () => {
  it("accepts functions over their parameters, their locals and pure globals", () => {
    eligible("(x) => x * 2");
    eligible("([k, v]) => [k, { total: v.a + v.b }]");
    eligible("function (r) { let s = 0; for (let i = 0; i < r.length; i++) s += r[i]; return s; }");
    eligible("(r) => { const out = []; out[0] = 1; return Math.max(...r, 0); }".replace("out[0] = 1; ", ""));
    eligible("(s) => JSON.parse(s).items.map((it) => Number(it.price)).filter((p) => !isNaN(p))");
    eligible("(n) => { const fib = function f(k) { return k < 2 ? k : f(k - 1) + f(k - 2); }; return fib(n); }"); // a nested expression's own name
    eligible("(r) => { try { return JSON.parse(r); } catch (e) { return String(e); } }");
    eligible("function* (line) { for (const w of line.split(' ')) if (w) yield w; }");
    eligible("(a, b) => { var t = a; { let u = b; t = t + u; } return t; }");
    eligible("(r) => { switch (r.k) { case 1: { const z = 2; return z; } default: return 0; } }");
    eligible("(x, { y = x + 1 } = {}) => y");
  });

  it("rejects free variables, shadowing tricks, this and arguments", () => {
    rejected("(x) => x + offset", /reads offset/);
    rejected("(x) => { { let offset = 1; } return x + offset; }", /reads offset/); // a block's let does not reach outside it
    rejected("(x) => { if (x) { const Math = 1; } return total; }", /reads total/);
    rejected("function (x) { return this.base + x; }", /this/);
    rejected("(x) => arguments.length", /reads arguments/); // an arrow's arguments are its caller's
    rejected("function (x) { x = 2; return arguments[0]; }", /reads arguments/); // sloppy mode links it to x; strict does not
    rejected("(x) => console.log(x)", /reads console/);
    rejected("(x) => globalThis.y", /reads globalThis/);
    rejected("function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }", /reads fib/); // a declaration's name is the enclosing scope's variable
    rejected("(x) => eval('x')", /reads eval/);
    rejected("(x) => process.env.HOME", /reads process/);
    rejected("(x) => import('fs')", /imports/);
  });

  it("rejects writes to anything but its own locals, and mutating calls", () => {
    rejected("(x) => { count++; return x; }", /assigns to count/);
    rejected("(x) => (seen = x)", /assigns to seen/);
    rejected("(r) => { r.seen = true; return r; }", /writes a property/); // mutation of a parameter's field
    rejected("(r) => { r[0] += 1; return r; }", /writes a property/);
    rejected("(r) => { const o = r; o.x = 1; return o; }", /writes a property/);
    rejected("(r) => { [r.a] = [1]; return r; }", /writes a property/);
    rejected("(r) => { for (r.k of [1]) ; return r; }", /writes a property/);
    rejected("(r) => { delete r.a; return r; }", /deletes/);
    rejected("(r) => r.sort()", /\.sort/);
    rejected("(r) => { r.push(1); return r; }", /\.push/);
    rejected("(r) => r['splice'](0, 1)", /\.splice/);
    rejected("(r) => r[m](0)", /chosen at run time/);
    rejected("(r) => Object.assign(r, { a: 1 })", /\.assign/);
    rejected("(r) => Object.freeze(r)", /\.freeze/);
    rejected("(r) => [].push.call(r, 1)", /\.(push|call)/);
    rejected("(r) => r.constructor.constructor('return process')()", /\.constructor/);
    rejected("(x) => { Math = null; return x; }", /assigns to Math/);
  });

  it("rejects getters, classes and sources that are not function expressions", () => {
    rejected("(x) => ({ get v() { return x; } })", /getter/);
    rejected("(x) => new (class { })()", /class/);
    rejected("foo(x) { return x; }", /does not parse/);
    expect(shipFunction(Math.max)).toMatchObject({ ok: false, reason: /not an arrow function/ }); // native code
    expect(shipFunction(((x: number) => x).bind(null))).toMatchObject({ ok: false });
    const obj = { m(x: number) { return x; } };
    expect(shipFunction(obj.m)).toMatchObject({ ok: false, reason: /not an arrow function/ }); // method shorthand
    expect(shipFunction(class A {})).toMatchObject({ ok: false });
  });

  it("rebuilds an eligible plain function that computes the same", async () => {
    const f = (r: [number, { a: number }]) => [r[0], r[1].a * 2];
    expect((await rebuilt(f))([3, { a: 4 }])).toEqual([3, 8]);
    let captured = 1;
    const g = (x: number) => x + captured;
    expect(shipFunction(g)).toMatchObject({ ok: false, reason: /reads captured/ });
    captured++;
  });
});

describe("annotated functions: the transformer's ClosureInfo", () => {
  it("binds captured values, by value", async () => {
    const factor = 3;
    const fn = withClosure((x: number) => x * factor + bias.b, { v: 1, values: () => ({ factor, bias }) });
    const bias = { b: 1 };
    expect((await rebuilt(fn))(2)).toBe(7);
  });

  it("binds imports: a named export, the default and the namespace", async () => {
    const fn = withClosure((p: string[]) => join(...p) + sep.length + String(typeof ns.basename) + String(typeof def.join), {
      v: 1,
      imports: {
        join: { from: "node:path", name: "join" },
        sep: { from: "node:path", name: "sep" },
        ns: { from: "node:path", name: "*" },
        def: { from: "node:path", name: "default" },
      },
    });
    const join = (...p: string[]) => p.join("/"), sep = "/", ns = { basename: () => "" }, def = { join };
    expect((await rebuilt(fn))(["a", "b"])).toBe("a/b1functionfunction");
  });

  it("flattens same-file functions transitively: recursion and mutual recursion work", async () => {
    function isEven(n: number): boolean {
      return n === 0 ? true : isOdd(n - 1);
    }
    function isOdd(n: number): boolean {
      return n === 0 ? false : isEven(n - 1);
    }
    function fact(n: number): number {
      return n <= 1 ? 1 : n * fact(n - 1) * unit;
    }
    const unit = 1;
    const evenInfo: ClosureInfo = { v: 1, functions: {} };
    const oddInfo: ClosureInfo = { v: 1, functions: { isEven: { fn: () => isEven, info: evenInfo } } };
    evenInfo.functions!.isOdd = { fn: () => isOdd, info: oddInfo };
    const factInfo: ClosureInfo = { v: 1, values: () => ({ unit }) };
    factInfo.functions = { fact: { fn: () => fact, info: factInfo } };
    const fn = withClosure((n: number) => [isEven(n), fact(n)], {
      v: 1,
      functions: { isEven: { fn: () => isEven, info: evenInfo }, fact: { fn: () => fact, info: factInfo } },
    });
    expect((await rebuilt(fn))(5)).toEqual([false, 120]);
  });

  it("keeps in process: inProcess anywhere, two functions or values with one name, unshippable values", () => {
    const reason = (fn: Function) => {
      const s = shipFunction(fn);
      return s.ok ? "shipped" : s.reason;
    };
    expect(reason(withClosure((x: number) => x, { v: 1, inProcess: "writes captured state (count++)" }))).toMatch(/count\+\+/);
    const helper = { v: 1, inProcess: "captures a changing let" } as ClosureInfo;
    expect(reason(withClosure((x: number) => x, { v: 1, functions: { h: { fn: () => (y: number) => y, info: helper } } }))).toMatch(/changing let/);
    const a = (y: number) => y, b = (y: number) => -y;
    const inner: ClosureInfo = { v: 1, functions: { h: { fn: () => b, info: { v: 1 } } } };
    expect(
      reason(withClosure((x: number) => x, { v: 1, functions: { h: { fn: () => a, info: { v: 1 } }, g: { fn: () => a, info: inner } } })),
    ).toMatch(/two different same-file functions are both named h/);
    expect(reason(withClosure((x: number) => x, { v: 1, values: () => ({ h: 1 }), functions: { h: { fn: () => a, info: { v: 1 } } } }))).toMatch(
      /two different captures are both named h/,
    );
    class Point {
      constructor(readonly x: number) {}
    }
    expect(reason(withClosure((x: number) => x, { v: 1, values: () => ({ p: new Point(1) }) }))).toMatch(/class instance/);
    expect(reason(withClosure((x: number) => x, { v: 1, values: () => ({ f: Math.abs }) }))).toMatch(/a function/);
    expect(reason(withClosure((x: number) => x, { v: 1, values: () => ({ o: { get x() { return 1; } } }) }))).toMatch(/getter/);
    expect(reason(withClosure((x: number) => x, { v: 1, values: () => { throw new Error("TDZ"); } }))).toMatch(/TDZ/);
    const obj = { m(x: number) { return x; } };
    expect(reason(withClosure(obj.m, { v: 1 }))).toMatch(/not an arrow function/);
  });

  it("keeps in process an import a worker cannot resolve as the main thread did", () => {
    const via = (from: string) => {
      const s = shipFunction(withClosure((x: number) => x, { v: 1, imports: { m: { from, name: "m" } } }));
      return s.ok ? "shipped" : s.reason;
    };
    expect(via("./util.js")).toMatch(/a path rather than a file: URL/);
    expect(via("/abs/util.js")).toMatch(/a path rather than a file: URL/);
    expect(via(pathToFileURL(process.argv[1]!).href)).toMatch(/entry script/);
    expect(via("node:path")).toBe("shipped");
    expect(via("file:///somewhere/util.js")).toBe("shipped");
    expect(via("lodash")).toBe("shipped");
  });

  it("an annotated function is not re-checked by acorn (the transformer's analysis stands)", async () => {
    const fn = withClosure((x: number[]) => [...x].sort(), { v: 1 });
    expect((await rebuilt(fn))([3, 1, 2])).toEqual([1, 2, 3]);
  });

  it("a missing import fails the rebuild (a worker then runs the task in process)", async () => {
    const fn = withClosure((x: number) => x, { v: 1, imports: { nope: { from: "node:path", name: "noSuchExport" } } });
    await expect(rebuilt(fn)).rejects.toThrow(/no export noSuchExport/);
  });

  it("parses each source once: functions built anew with the same text share one verdict, others keep their own", async () => {
    const shipped = (text: string) => shipFunction(withClosure(new Function(`return (${text});`)() as Function, { v: 1 }));
    // a job that builds its lambdas on every run: the same text, new function objects
    for (let run = 0; run < 3; run++) {
      expect(shipped("(v) => v * 2")).toMatchObject({ ok: true });
      expect(shipped("({ m(x) { return x; } }).m")).toMatchObject({ ok: false, reason: /not an arrow function/ });
    }
    // more distinct sources than the cache holds: each still gets its own verdict, the evicted ones again
    for (let i = 0; i < 600; i++) expect(shipped(`(v) => v + ${i}`), String(i)).toMatchObject({ ok: true, fn: { body: expect.stringContaining(`v + ${i})`) } });
    expect(shipped("(v) => v * 2")).toMatchObject({ ok: true, fn: { body: expect.stringContaining("v * 2") } });
    expect((await rebuilt(withClosure(new Function("return (v) => v + 599;")() as Function, { v: 1 })))(1)).toBe(600);
  });
});
