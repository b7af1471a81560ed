export function scale(x: number): number { return x * 2; }
export const RATE = 3;
export default function negate(x: number): number { return -x; }
