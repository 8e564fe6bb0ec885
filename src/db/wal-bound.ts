// The size each database's WAL is kept under. Reached in a long drain, the WAL of a
// busy writer would otherwise grow without end (a checkpoint that runs beside the
// writer never catches up with it): the checkpoint thread then waits for a moment
// between two runs and resets it (checkpoint-entry.ts). journal_size_limit makes
// each reset truncate the file back to the bound, since a WAL is reused, never shrunk.
export const WAL_BOUND_BYTES = 64 * 1024 * 1024;
/** Above this, checkpoints stop being passive: they wait for writers and reset the WAL. */
export const WAL_RESET_BYTES = WAL_BOUND_BYTES / 2;
