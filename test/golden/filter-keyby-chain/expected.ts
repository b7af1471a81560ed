import { Context } from "rddopt";
declare const ctx: Context;
type Event = [
    user: number,
    kind: string,
    value: number,
    payload: string
];
declare const events: Event[];
const profiles = ctx.parallelize<[
    number,
    {
        age: number;
        bio: string;
    }
]>([]);
export const out = ctx
    .parallelize(events)
    .keyBy((e) => e[0])
    .filter(([, e]) => e[1] === "click").projectValues([2])
    .join(profiles.projectValues({ age: true }))
    .filter(([, [, p]]) => p.age > 18)
    .mapValues(([e]) => e[0])
    .reduceByKey((x, y) => x + y);
