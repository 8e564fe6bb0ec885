// Lowers the CPU priority of the calling thread (not the process) on Linux: the reader
// thread's dashboard queries then take what the thread accepting events leaves over,
// instead of an equal share of a 2-core VPS. Linux applies setpriority(PRIO_PROCESS, tid)
// to that one thread; raising one's own niceness needs no privilege. Elsewhere, or if
// libc cannot be opened, nothing changes and the reason is returned for the log.
import { dlopen, FFIType } from "bun:ffi";

const PRIO_PROCESS = 0;
const LIBC = "libc.so.6";

/** Niceness 0–19 for this thread; answers null when applied, else why not. */
export function niceThisThread(nice: number): string | null {
  if (process.platform !== "linux") return `thread priority is only lowered on Linux (${process.platform})`;
  try {
    const libc = dlopen(LIBC, {
      gettid: { args: [], returns: FFIType.i32 },
      setpriority: { args: [FFIType.i32, FFIType.u32, FFIType.i32], returns: FFIType.i32 },
    });
    try {
      const tid = libc.symbols.gettid();
      if (libc.symbols.setpriority(PRIO_PROCESS, tid, nice) !== 0) return `setpriority(${tid}, ${nice}) failed`;
      return null;
    } finally {
      libc.close();
    }
  } catch (err) {
    return `thread priority unchanged: ${err instanceof Error ? err.message : String(err)}`;
  }
}
