/**
 * The buffers to move (not copy) to another thread with a message, for views the sender is done with: only
 * buffers a view covers whole. A view into a larger buffer (a pooled small Buffer, a block cut from one
 * encoded batch, a codec's reused scratch space) is copied by the structured clone instead, since moving
 * its buffer would detach memory that other values may still use.
 */
export function transferablesOf(views: readonly (Uint8Array | undefined)[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const v of views) {
    if (!v) continue;
    const buffer = v.buffer;
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength === 0) continue; // a SharedArrayBuffer is shared, not moved
    if (v.byteOffset === 0 && v.byteLength === buffer.byteLength) out.add(buffer);
  }
  return [...out];
}
