import { expect, test } from "vitest";
import { ELEMENT, PRESENT, all, describe as describeDemand, field, fields, firstReason, isAll, part, union, unionAll } from "../../transformer/analyse/demand.js";

test("union of field demands merges paths to any depth", () => {
  const a = field("0", field("1", PRESENT));
  const b = fields([["0", field("2", PRESENT)], ["3", PRESENT]]);
  expect(describeDemand(union(a, b))).toBe("{0: {1, 2}, 3}");
});

test("All absorbs everything and keeps its reason", () => {
  const whole = all("spread");
  const merged = unionAll([field("0", PRESENT), whole, field("1", PRESENT)]);
  expect(isAll(merged)).toBe(true);
  expect(firstReason(merged)).toBe("spread");
  expect(part(merged, "7")).toBe(merged);
});

test("nothing (null) is the bottom; presence is not nothing", () => {
  expect(union(null, PRESENT)).toBe(PRESENT);
  expect(part(null, "0")).toBeNull();
  expect(part(PRESENT, "0")).toBeNull();
  expect(describeDemand(field(ELEMENT, field("2", PRESENT)))).toBe("{[]: {2}}");
  expect(firstReason(fields([["0", PRESENT], ["1", field("x", all("dynamic index"))]]))).toBe("dynamic index");
});
