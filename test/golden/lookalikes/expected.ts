import { Context as Engine } from "rddopt";
declare const ctx: Engine;
// a user class with RDD-like method names: never touched
class Table<T> {
    constructor(readonly rows: T[]) { }
    join<U>(other: Table<U>): Table<[
        T,
        U
    ]> {
        return new Table(this.rows.map((r, i): [
            T,
            U
        ] => [r, other.rows[i]]));
    }
    mapValues<U>(f: (row: T) => U): Table<U> {
        return new Table(this.rows.map(f));
    }
}
const left = new Table<[
    number,
    number,
    number
]>([[1, 2, 3]]);
const right = new Table<[
    string,
    string
]>([["a", "b"]]);
export const tables = left.join(right).mapValues(([l, r]) => l[0] + r[1]);
// the real thing, through an aliased import and a shadowing local name
const join = ctx.parallelize<[
    number,
    [
        number,
        number,
        number
    ]
]>([]);
const other = ctx.parallelize<[
    number,
    [
        string,
        string
    ]
]>([]);
export const rdds = join.projectValues([0]).join(other.projectValues([1])).mapValues(([l, r]) => l[0] + r[0]);
