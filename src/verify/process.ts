/**
 * Child processes the referee starts: each in its own process group, so stopping one kills
 * everything it spawned. Live groups are also killed when Node exits or gets SIGINT/SIGTERM, so
 * a referee that fails or is interrupted leaves no orphan server behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";

const live = new Set<number>();
let exitOnSignal = true;
/**
 * For a program that handles SIGINT/SIGTERM itself by interrupting the referee (whose scope then
 * stops its servers): no exit on those signals from here; live groups are still killed at exit.
 */
export const leaveSignalsToCaller = (): void => {
  exitOnSignal = false;
};
const killAll = (): void => {
  for (const pgid of live) killGroup(pgid, "SIGKILL");
};
const onSignal = (signal: NodeJS.Signals): void => {
  killAll();
  process.exit(signal === "SIGINT" ? 130 : 143);
};
const track = (pgid: number): void => {
  if (live.size === 0) {
    process.on("exit", killAll);
    if (exitOnSignal) {
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
    }
  }
  live.add(pgid);
};
const untrack = (pgid: number): void => {
  if (!live.delete(pgid) || live.size > 0) return;
  process.off("exit", killAll);
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
};

const killGroup = (pgid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone
  }
};

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Seconds from spawn to exit. */
  readonly seconds: number;
}

export interface GroupChild {
  readonly proc: ChildProcess;
  /** Resolves when the process exits (never rejects; a spawn error reads as exit code null). */
  readonly exited: Promise<Exit>;
  readonly hasExited: () => boolean;
  /** The last few KiB the process wrote to stderr (and stdout), for error messages. */
  readonly output: () => string;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the leader is gone. */
  readonly stop: (graceMs?: number) => Promise<void>;
}

const TAIL = 4096;

export const spawnGroup = (command: string, args: readonly string[], cwd?: string): GroupChild => {
  const start = performance.now();
  const proc = spawn(command, args, { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-TAIL);
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  let done: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (done) return;
      done = { code, signal, seconds: (performance.now() - start) / 1000 };
      if (proc.pid !== undefined) {
        killGroup(proc.pid, "SIGKILL"); // anything the leader left behind
        untrack(proc.pid);
      }
      resolve(done);
    };
    proc.on("exit", finish);
    proc.on("error", (e) => {
      keep(Buffer.from(`${e.message}\n`));
      finish(null, null);
    });
  });
  if (proc.pid !== undefined) track(proc.pid);
  const stop = async (graceMs = 3000): Promise<void> => {
    if (done || proc.pid === undefined) return;
    killGroup(proc.pid, "SIGTERM");
    const timer = setTimeout(() => proc.pid !== undefined && killGroup(proc.pid, "SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { proc, exited, hasExited: () => done !== undefined, output: () => tail.trim(), stop };
};

/** Runs a command to completion (killing its group after `timeoutMs`), timing it from spawn to exit. */
export const runTimed = async (command: string, args: readonly string[], timeoutMs: number): Promise<Exit & { readonly output: string; readonly timedOut: boolean }> => {
  const child = spawnGroup(command, args);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void child.stop(500);
  }, timeoutMs);
  const exit = await child.exited;
  clearTimeout(timer);
  return { ...exit, output: child.output(), timedOut };
};

/** The last line of a process's output, for one-line messages. */
export const lastLine = (output: string): string => output.split("\n").filter((l) => l.trim()).pop()?.trim() ?? "";
