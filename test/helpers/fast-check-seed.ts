/**
 * One fast-check seed for the whole suite, so that `npm test` (and CI) is repeatable: a property that fails
 * fails on every run, with the same counterexample. `FC_SEED=random npm test` draws new seeds (how two
 * -0 bugs were found); `FC_SEED=<n>` replays a run.
 */
import fc from "fast-check";

const chosen = process.env.FC_SEED;
if (chosen !== "random") fc.configureGlobal({ seed: chosen === undefined || chosen === "" ? 20261201 : Number(chosen) });
