/** The operator table is the transformer's one place of knowledge about RDD methods: it must cover them all. */
import { expect, test } from "vitest";
import { RDD } from "../../runtime/index.js";
import { OPERATORS, operatorOf } from "../../transformer/operators.js";

const methodsOfRdd = (): string[] => {
  const proto = RDD.prototype as unknown as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto)
    .filter((name) => name !== "constructor" && typeof Object.getOwnPropertyDescriptor(proto, name)?.value === "function")
    .sort();
};

test("the table has exactly one entry per method of class RDD", () => {
  expect(Object.keys(OPERATORS).sort()).toEqual(methodsOfRdd());
});

test("internal methods are never treated as RDD calls", () => {
  for (const name of ["iterator", "prepare", "combineWith"]) expect(operatorOf(name)).toBeUndefined();
  expect(operatorOf("hasOwnProperty")).toBeUndefined();
});

test("every shuffle has a backward rule, and joins name their type", () => {
  for (const [name, op] of Object.entries(OPERATORS)) {
    if (op.shuffle) expect(op.demand, name).toBeDefined();
    if (name.toLowerCase().endsWith("join")) expect(op.join, name).toBeDefined();
  }
});
