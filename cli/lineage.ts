/** `rddopt lineage`: static column lineage of every pipeline of a project, as text or OpenLineage JSON. */
import type * as ts from "typescript";
import { lineageOfProgram, toOpenLineageOutputs, type InputField, type PipelineLineage, type Transformation } from "../transformer/lineage/index.js";
import type { DatasetRef } from "../transformer/lineage/types.js";

export interface LineageReport {
  pipelines: PipelineLineage[];
  /** Files left out, with why (printed on stderr). */
  skipped?: { file: string; reason: string }[];
}

export function lineageReport(tsi: typeof import("typescript"), program: ts.Program, files: readonly string[]): LineageReport {
  const skipped: { file: string; reason: string }[] = [];
  const pipelines = lineageOfProgram(tsi, program, files, skipped);
  return skipped.length ? { pipelines, skipped } : { pipelines };
}

/** The JSON form: OpenLineage output datasets, each with its `columnLineage` facet, plus the inputs. */
export function lineageJson(report: LineageReport): string {
  return JSON.stringify({ outputs: toOpenLineageOutputs(report.pipelines) }, null, 2) + "\n";
}

const datasetText = (d: DatasetRef): string => (d.namespace === "file" ? `file:${d.name}` : d.name);

function transformationText(t: Transformation): string {
  return `${t.type} ${t.subtype}${t.description ? ` (${t.description})` : ""}`;
}

function inputLines(target: string, inputs: readonly InputField[], width: number): string[] {
  if (inputs.length === 0) return [`    ${target.padEnd(width)}  <- (no input field)`];
  return inputs.map((input, i) => {
    const head = i === 0 ? target.padEnd(width) : " ".repeat(width);
    return `    ${head}  <- ${input.field} of ${datasetText(input)}: ${input.transformations.map(transformationText).join("; ")}`;
  });
}

/** Per pipeline: the action and its output, what it reads, then output field <- input fields, with how. */
export function renderLineageText(report: LineageReport): string {
  if (report.pipelines.length === 0) return "rddopt: no pipelines (no RDD actions) found.\n";
  const blocks = report.pipelines.map((p) => {
    const width = Math.max(6, ...p.fields.map((f) => f.name.length));
    const lines = [
      `${p.action} at ${p.site} -> ${datasetText(p.output)}`,
      `  reads ${p.inputs.length ? p.inputs.map(datasetText).join(", ") : "(nothing)"}`,
      ...(p.fields.length ? ["  fields:"] : []),
      ...p.fields.flatMap((f) => inputLines(f.name, f.inputFields, width)),
      ...(p.dataset.length ? ["  every row depends on:", ...inputLines("(rows)", p.dataset, width)] : []),
    ];
    return lines.join("\n");
  });
  const count = report.pipelines.length;
  return `${blocks.join("\n\n")}\n\n${count} pipeline${count === 1 ? "" : "s"}.\n`;
}
