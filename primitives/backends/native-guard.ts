/**
 * Native calls a thread termination must not cut. node-liblzma (node-addon-api, built without C++
 * exceptions) builds its result in JS after liblzma returns; on a thread being terminated those
 * napi calls fail, and the addon turns the failure into a fatal napi_throw that aborts the whole
 * process, not just the worker. So the evaluation pool does not terminate a worker inside such a
 * call: it asks the worker to enter no more of them, waits until it is outside, then terminates it.
 *
 * The guard is an Int32Array on shared memory: [IN_CALL] is 1 while the worker is inside a call,
 * [STOP] is 1 once the pool wants to terminate it. Both sides store their own flag, then read the
 * other's (sequentially consistent atomics), so at least one of them sees the other: either the
 * pool waits, or the worker does not enter.
 */
const IN_CALL = 0;
const STOP = 1;

/** Why a worker did not enter a native call: its thread is about to be terminated. */
export class StoppingError extends Error {
  constructor() {
    super("evaluation stopped (timeout)");
    this.name = "StoppingError";
  }
}

export const newNativeGuard = (): Int32Array => new Int32Array(new SharedArrayBuffer(8));

let current: Int32Array | undefined;

/** Worker side: the guard of the task it is running (none outside the evaluation workers). */
export const useNativeGuard = (guard: Int32Array | undefined): void => {
  current = guard;
};

/** Runs a native call the thread must not be terminated inside (a plain call when no guard is set). */
export const uninterruptible = <T>(call: () => T): T => {
  const guard = current;
  if (!guard) return call();
  Atomics.store(guard, IN_CALL, 1);
  try {
    if (Atomics.load(guard, STOP)) throw new StoppingError();
    return call();
  } finally {
    Atomics.store(guard, IN_CALL, 0);
    Atomics.notify(guard, IN_CALL);
  }
};

type WaitAsync = (a: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };
/** Atomics.waitAsync (Node 20 has it; its types do not). */
export const waitAsync: WaitAsync = (a, index, value) => (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(a, index, value);

/** Pool side: stops the worker entering native calls and resolves once it is outside any. */
export const whenTerminable = async (guard: Int32Array): Promise<void> => {
  Atomics.store(guard, STOP, 1);
  while (Atomics.load(guard, IN_CALL)) {
    const r = waitAsync(guard, IN_CALL, 1);
    if (r.async) await r.value;
  }
};
