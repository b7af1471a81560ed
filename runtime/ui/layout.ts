/**
 * Lays out a stage DAG for drawing as SVG: with @dagrejs/dagre when it can be
 * loaded, else with a plain layered layout (rank = longest path from a source),
 * so the page still draws a picture where dagre is not installed.
 */
export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}
export interface PlacedNode extends LayoutNode {
  /** Centre of the node. */
  x: number;
  y: number;
}
export interface LayoutEdge {
  from: string;
  to: string;
}
export interface PlacedEdge extends LayoutEdge {
  points: { x: number; y: number }[];
}
export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  engine: "dagre" | "layered";
}

type Dagre = typeof import("@dagrejs/dagre").default;
let dagre: Promise<Dagre | undefined> | undefined;

function loadDagre(): Promise<Dagre | undefined> {
  dagre ??= import("@dagrejs/dagre").then(
    (m) => (m as { default?: Dagre }).default ?? (m as unknown as Dagre),
    () => undefined,
  );
  return dagre;
}

const GAP_X = 30;
const GAP_Y = 50;
const MARGIN = 12;

export async function layoutDag(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): Promise<Layout> {
  const ids = new Set(nodes.map((n) => n.id));
  const kept = edges.filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to);
  const d = await loadDagre();
  return d ? withDagre(d, nodes, kept) : layeredLayout(nodes, kept);
}

function withDagre(d: Dagre, nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): Layout {
  const g = new d.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: GAP_X, ranksep: GAP_Y, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of edges) g.setEdge(e.from, e.to);
  d.layout(g);
  const graph = g.graph();
  return {
    width: graph.width ?? 0,
    height: graph.height ?? 0,
    nodes: nodes.map((n) => {
      const placed = g.node(n.id);
      return { ...n, x: placed.x, y: placed.y };
    }),
    edges: edges.map((e) => {
      const label = g.edge(e.from, e.to) as { points?: { x: number; y: number }[] } | undefined;
      return { ...e, points: (label?.points ?? []).map((p) => ({ x: p.x, y: p.y })) };
    }),
    engine: "dagre",
  };
}

/** The fallback: ranks by longest path from a source, each rank a centred row. */
export function layeredLayout(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): Layout {
  const rank = new Map<string, number>(nodes.map((n) => [n.id, 0]));
  for (let pass = 0; pass < nodes.length; pass++) {
    let changed = false;
    for (const e of edges) {
      const next = rank.get(e.from)! + 1;
      if (next > rank.get(e.to)! && next < nodes.length) {
        rank.set(e.to, next);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const rows = new Map<number, LayoutNode[]>();
  for (const n of nodes) rows.set(rank.get(n.id)!, [...(rows.get(rank.get(n.id)!) ?? []), n]);
  const rowHeight = Math.max(0, ...nodes.map((n) => n.height)) + GAP_Y;
  const width = Math.max(0, ...[...rows.values()].map((row) => row.reduce((w, n) => w + n.width + GAP_X, -GAP_X))) + 2 * MARGIN;
  const placed = new Map<string, PlacedNode>();
  for (const [r, row] of rows) {
    const rowWidth = row.reduce((w, n) => w + n.width + GAP_X, -GAP_X);
    let x = (width - rowWidth) / 2;
    for (const n of row) {
      placed.set(n.id, { ...n, x: x + n.width / 2, y: MARGIN + r * rowHeight + n.height / 2 });
      x += n.width + GAP_X;
    }
  }
  const height = MARGIN * 2 + rows.size * rowHeight - GAP_Y;
  return {
    width,
    height,
    nodes: nodes.map((n) => placed.get(n.id)!),
    edges: edges.map((e) => {
      const a = placed.get(e.from)!, b = placed.get(e.to)!;
      return { ...e, points: [{ x: a.x, y: a.y + a.height / 2 }, { x: b.x, y: b.y - b.height / 2 }] };
    }),
    engine: "layered",
  };
}
