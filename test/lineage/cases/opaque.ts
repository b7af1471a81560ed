export function opaque(value: string): string {
  return value.toUpperCase();
}

export function enrich(value: unknown): { label: string } {
  return { label: String(value) };
}
