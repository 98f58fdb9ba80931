/**
 * Reads a request body up to `limit` bytes. Past the limit it stops reading and reports the body as
 * truncated: the beginning is kept (it is evidence), the rest is never buffered.
 */
export async function readLimitedBody(
  request: Request,
  limit: number,
): Promise<{ body: Uint8Array; truncated: boolean }> {
  if (!request.body) return { body: new Uint8Array(0), truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.byteLength > limit) {
        chunks.push(value.subarray(0, limit - size));
        size = limit;
        await reader.cancel();
        return { body: concat(chunks, size), truncated: true };
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    reader.releaseLock();
  }
  return { body: concat(chunks, size), truncated: false };
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
