export function enrich(value: unknown): { label: string } {
  return { label: String(value) };
}
