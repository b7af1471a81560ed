import { Context, type RDD } from "rddopt";
import { enrich } from "./opaque.js";

type Row = [id: number, score: number, note: string];

const ctx = new Context();
const rows = ctx.parallelize<Row>([[1, 2, "x"]]);

// an opaque function sees the whole row: every field it returns depends on every input field
export const enriched = await rows.map((r) => enrich(r)).collect();

// only the opaque call's argument is whole: the other field is still exact
export const mixed = await rows.map((r): [number, string] => [r[0], enrich(r[2]).label]).collect();

// an RDD from a parameter is a dataset of its own
export async function fromParameter(input: RDD<Row>): Promise<[number, number][]> {
  return input.map((r): [number, number] => [r[0], r[1]]).collect();
}
