/** What a referee measures for one solution on one file, and how files compare. */
export interface FileRun {
  readonly file: string;
  readonly originalBytes: number;
  /** Size of what compression returned; null when the task failed. */
  readonly compressedBytes: number | null;
  readonly compressSec: number;
  readonly decompressSec: number;
  readonly bitExact: boolean;
  /** How the file failed, if it did: the solution reported an error, or its round trip changed the data. */
  readonly failure?: "task-failed" | "not-bit-exact";
  /** Why (one line). */
  readonly error?: string;
}

/** Index of the first differing byte, or -1 when equal. */
export const firstDifference = (a: Uint8Array, b: Uint8Array): number => {
  const n = Math.min(a.length, b.length);
  if (a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0)
    return -1;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
};

export const differenceMessage = (got: Uint8Array, want: Uint8Array): string | undefined => {
  const at = firstDifference(got, want);
  if (at < 0) return undefined;
  return got.length !== want.length && at === Math.min(got.length, want.length)
    ? `round trip returned ${got.length} bytes, expected ${want.length}`
    : `round trip differs at byte ${at} of ${want.length} (got ${got[at]}, expected ${want[at]})`;
};
