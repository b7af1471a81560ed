/**
 * One instance of each hot runtime class, kept for the life of the thread. V8's optimised code checks the
 * hidden classes ("maps") of the objects it handles, and a full collection frees a map once no object has it:
 * between two jobs, the job's key tables, hash tables and partitioners are all garbage. The next job's objects
 * then get new maps, and every optimised function that handled the old ones is thrown away ("weak objects" in
 * `node --trace-deopt`) and compiled again while the job runs. Measured on the pruning grid's 100k-row cells
 * with a collection between jobs: about 50 functions discarded per job, 461 over 40 jobs, 62 with the
 * specimens; tuples C=5,U=5 (pruned) 60 -> 40 ms. A specimen keeps each map alive; it costs a few hundred bytes.
 */
const specimens: object[] = [];

/** Keeps `specimen` (and so its hidden class) alive; returns it. */
export function keepShapeOf<T extends object>(specimen: T): T {
  specimens.push(specimen);
  return specimen;
}
