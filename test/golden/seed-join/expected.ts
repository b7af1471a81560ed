import { Context } from "rddopt";
type Row = [
    number,
    number,
    number,
    number,
    number
];
export async function main(ctx: Context): Promise<number[]> {
    const rdd1 = ctx.parallelize<[
        number,
        Row
    ]>([[1, [1, 2, 3, 4, 5]]]);
    const rdd2 = ctx.parallelize<[
        number,
        Row
    ]>([[1, [6, 7, 8, 9, 10]]]);
    const result = rdd1.projectValues([0]).join(rdd2.projectValues([1])).mapValues(([left, right]) => left[0] + right[0]);
    return (await result.collect()).map(([, v]) => v);
}
