// Hand-written baselines more than one benchmark times against rddopt.

/** Per key of `rows` ([key, [c0, ...]]), sum(c0) and count(*): plain JS rows, a Map key -> group id, one fused loop. */
export function mapAggregate(rows) {
  const ids = new Map();
  const sums = [];
  const counts = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    let id = ids.get(row[0]);
    if (id === undefined) {
      id = sums.length;
      ids.set(row[0], id);
      sums.push(0);
      counts.push(0);
    }
    sums[id] += row[1][0];
    counts[id]++;
  }
  return { sums, counts };
}
