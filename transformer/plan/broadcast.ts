/** Joins written without a strategy get `strategy: "auto"` and a site id; explicit strategies stay as written. */
import type * as ts from "typescript";
import { innerExpression, type FileContext } from "../context.js";
import type { RddCall } from "../find/rdd-calls.js";
import type { Edit } from "./forward.js";

export function broadcastEdit(fc: FileContext, rdd: RddCall, site: string): { edit?: Edit; reason: string } {
  const { ts } = fc;
  const { factory } = ts;
  if (rdd.method === "fullOuterJoin") return { reason: "full outer joins cannot broadcast; strategy left as written" };
  const args = rdd.call.arguments;
  if (args.some((a) => ts.isSpreadElement(a))) return { reason: "arguments use spread; left as written" };
  if (args.length < 1 || args.length > 2) return { reason: "unexpected arguments; left as written" };
  const strategy = (): ts.PropertyAssignment => factory.createPropertyAssignment("strategy", factory.createStringLiteral("auto"));
  const siteProperty = (): ts.PropertyAssignment => factory.createPropertyAssignment("site", factory.createStringLiteral(site));
  const withOptions = (build: (visitedOptions: ts.Expression | undefined) => ts.Expression): Edit => ({
    key: "broadcast",
    layer: 1,
    apply: (visited) => {
      const call = visited as ts.CallExpression;
      const options = build(call.arguments[1]);
      return factory.updateCallExpression(call, call.expression, call.typeArguments, [call.arguments[0], options]);
    },
  });
  if (args.length === 1) {
    return {
      edit: withOptions(() => factory.createObjectLiteralExpression([strategy(), siteProperty()], false)),
      reason: `no options: strategy "auto", site ${site}`,
    };
  }
  const options = innerExpression(ts, args[1]);
  if (ts.isObjectLiteralExpression(options)) {
    const names = options.properties.map((p) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined));
    if (names.includes("strategy")) return { reason: "explicit strategy; left as written" };
    const dynamic = options.properties.some((p) => !ts.isPropertyAssignment(p) && !ts.isShorthandPropertyAssignment(p)) || names.includes(undefined);
    const hasSite = names.includes("site");
    return {
      edit: withOptions((visited) => {
        const literal = innerExpression(ts, visited!) as ts.ObjectLiteralExpression;
        const ours = hasSite ? [strategy()] : [strategy(), siteProperty()];
        // spreads or computed names may hold a strategy: ours go first so the user's values win
        const properties = dynamic ? [...ours, ...literal.properties] : [...literal.properties, ...ours];
        return ts.setTextRange(factory.updateObjectLiteralExpression(literal, properties), literal);
      }),
      reason: `options without a written strategy: added strategy "auto"${hasSite ? "" : `, site ${site}`}${dynamic ? " before the spread (its values win)" : ""}`,
    };
  }
  return {
    edit: withOptions((visited) =>
      ts.setTextRange(factory.createObjectLiteralExpression([strategy(), siteProperty(), factory.createSpreadAssignment(visited!)], false), visited!),
    ),
    reason: `options given as an expression: strategy "auto" and site ${site} added before it (its own values win)`,
  };
}
