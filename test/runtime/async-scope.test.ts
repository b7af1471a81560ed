/**
 * AsyncScope (runtime/scheduler/async-scope.ts): values scoped to the async call chain, one per scope, all in one
 * AsyncLocalStorage for the process (one per Context made every promise cost time in proportion to the Contexts
 * ever created). Each scope must behave as its own AsyncLocalStorage: independent of other scopes, inherited by
 * the chains it starts, and scoped exactly by run().
 */
import { describe, expect, it } from "vitest";
import { AsyncScope } from "../../runtime/scheduler/async-scope.js";
import { testContext, stopContexts } from "../helpers/context.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("AsyncScope", () => {
  it("keeps one value per scope, through awaits and the chains a run starts", async () => {
    const a = new AsyncScope<string>();
    const b = new AsyncScope<string>();
    expect(a.get()).toBeUndefined();
    await a.run("a1", async () => {
      await tick();
      expect([a.get(), b.get()]).toEqual(["a1", undefined]);
      await b.run("b1", async () => {
        await tick();
        expect([a.get(), b.get()]).toEqual(["a1", "b1"]);
        await a.run("a2", async () => {
          await tick();
          expect([a.get(), b.get()]).toEqual(["a2", "b1"]);
        });
        expect([a.get(), b.get()]).toEqual(["a1", "b1"]);
      });
      expect([a.get(), b.get()]).toEqual(["a1", undefined]);
      const started = (async () => {
        await tick();
        return a.get();
      })();
      expect(await started).toBe("a1");
    });
    expect([a.get(), b.get()]).toEqual([undefined, undefined]);
  });

  it("concurrent chains see their own values; enterWith sets the rest of the chain only", async () => {
    const a = new AsyncScope<number>();
    const seen = await Promise.all(
      [1, 2, 3].map((n) =>
        a.run(n, async () => {
          await tick();
          return a.get();
        }),
      ),
    );
    expect(seen).toEqual([1, 2, 3]);
    await (async () => {
      await tick();
      a.enterWith(7);
      await tick();
      expect(a.get()).toBe(7);
    })();
    expect(a.get()).toBeUndefined();
  });

  it("many Contexts share it: each job still sees its own Context's job and local properties", async () => {
    const contexts = Array.from({ length: 50 }, () => testContext());
    contexts.forEach((ctx, i) => ctx.setLocalProperty("tag", `c${i}`));
    const counts = await Promise.all(contexts.map((ctx, i) => ctx.parallelize(Array.from({ length: i + 1 }, (_, j) => j), 2).count()));
    expect(counts).toEqual(contexts.map((_, i) => i + 1));
    contexts.forEach((ctx, i) => expect(ctx.getLocalProperty("tag")).toBe(`c${i}`));
    await stopContexts();
  });
});
