// Small statistics helpers for timed runs.

export function median(xs) {
  if (!xs?.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const min = (xs) => (xs?.length ? Math.min(...xs) : NaN);
export const max = (xs) => (xs?.length ? Math.max(...xs) : NaN);

/** Fraction saved going from `before` to `after` (0.6 = 60% less; negative = worse). */
export const saved = (before, after) => (before > 0 ? 1 - after / before : 0);

/** Summary of one variant's timed runs. */
export function summarize(times) {
  return { median: median(times), min: min(times), max: max(times), runs: times.length };
}

/**
 * "Worse beyond noise" for times: the after median is more than `tolerance` above the before
 * median AND above the slowest before run, so run-to-run spread cannot explain it.
 */
export function worseBeyondNoise(before, after, tolerance = 0.05) {
  return after.median > before.median * (1 + tolerance) && after.median > before.max;
}
