// An rddopt job whose static lineage (rddopt lineage --json) the runtime attaches to its events.
import { Context, type OpenLineageDataset } from "../../../runtime/index.js";

export async function sums(file: string, columnLineage: OpenLineageDataset[]): Promise<number[]> {
  const ctx = new Context({ progress: false, lineage: { file, columnLineage } });
  const pairs = ctx.parallelize<[number, number, string]>([[1, 2, "a"], [3, 4, "b"]]);
  const out = await pairs
    .filter(([, , tag]) => tag !== "")
    .map(([a, b]) => a + b)
    .collect();
  await ctx.stop();
  return out;
}
