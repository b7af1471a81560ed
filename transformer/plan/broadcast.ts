/**
 * Joins written without a strategy get `strategy: "auto"` and a site id; explicit strategies stay as written.
 * `inPlace: true` goes beside "auto" where analyse/identity.ts proves the consumers cannot tell the streamed
 * values from copies, and `readOnly: true` where it proves they only read every value (both are asked only
 * when an edit is made: `inPlace()` runs the analysis). A join whose output more than one job may compute
 * stays as written (analyse/jobs.ts: a broadcast would recompute its streamed side where a shuffle reuses its
 * stored output).
 */
import { innerExpression, type FileContext } from "../context.js";
import type { RddCall } from "../find/rdd-calls.js";
import { operatorOf } from "../operators.js";
import type { Edit } from "./edits.js";
import type { IdentityVerdict } from "../analyse/identity.js";
import { severalJobsProblem } from "../analyse/jobs.js";

export function broadcastEdit(fc: FileContext, rdd: RddCall, site: string, inPlace: () => IdentityVerdict): { edit?: Edit; reason: string } {
  const { ts } = fc;
  if (operatorOf(rdd.method)?.join === "fullOuter") return { reason: "full outer joins cannot broadcast; strategy left as written" };
  const args = rdd.call.arguments;
  if (args.some((a) => ts.isSpreadElement(a))) return { reason: "arguments use spread; left as written" };
  if (args.length < 1 || args.length > 2) return { reason: "unexpected arguments; left as written" };
  const severalJobs = (): { reason: string } | undefined => {
    const problem = severalJobsProblem(fc, rdd);
    return problem ? { reason: `left as written (shuffle): ${problem}` } : undefined;
  };
  if (args.length === 1) {
    const kept = severalJobs();
    if (kept) return kept;
    const verdict = inPlace();
    return { edit: { kind: "joinOptions", site, withSite: true, inPlace: verdict.inPlace, readOnly: verdict.readOnly, placement: "only" }, reason: `no options: strategy "auto", site ${site}; ${verdict.reason}` };
  }
  const options = innerExpression(ts, args[1]);
  if (ts.isObjectLiteralExpression(options)) {
    const names = options.properties.map((p) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined));
    if (names.includes("strategy")) return { reason: "explicit strategy; left as written" };
    const kept = severalJobs();
    if (kept) return kept;
    // spreads or computed names may hold a strategy: ours go first so the user's values win
    const dynamic = options.properties.some((p) => !ts.isPropertyAssignment(p) && !ts.isShorthandPropertyAssignment(p)) || names.includes(undefined);
    const hasSite = names.includes("site");
    // a written `inPlace` or `readOnly` is the caller's: it stays, and ours are not added
    const verdict: IdentityVerdict = names.includes("inPlace") || names.includes("readOnly") ? { inPlace: false, readOnly: false, reason: "inPlace or readOnly as written" } : inPlace();
    return {
      edit: { kind: "joinOptions", site, withSite: !hasSite, inPlace: verdict.inPlace, readOnly: verdict.readOnly, placement: dynamic ? "before" : "after" },
      reason: `options without a written strategy: added strategy "auto"${hasSite ? "" : `, site ${site}`}${dynamic ? " before the spread (its values win)" : ""}; ${verdict.reason}`,
    };
  }
  const kept = severalJobs();
  if (kept) return kept;
  const verdict = inPlace();
  return {
    edit: { kind: "joinOptions", site, withSite: true, inPlace: verdict.inPlace, readOnly: verdict.readOnly, placement: "spread" },
    reason: `options given as an expression: strategy "auto" and site ${site} added before it (its own values win); ${verdict.reason}`,
  };
}
