// Errors in words for people: why a file could not be read or a host
// reached, in one line, and the error that says the caller asked for the
// impossible (the CLI exits 2 on it). Below every other folder of src/: the
// catalog, the profiler and the CLI all word their errors with it.

/** An error in how the command was called: exit 2. */
export class UsageError extends Error {
  readonly usage = true;
}

export function isUsageError(err: unknown): boolean {
  const e = err as { usage?: unknown; code?: unknown } | null;
  return e?.usage === true || (typeof e?.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS'));
}

// Node's fs errors say "ENOENT: no such file or directory, open 'x'": the
// path twice once callers prefix it. These name only the cause.
export const FS_CAUSES = new Map<string, string>(Object.entries({
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EMFILE: 'too many open files',
  ELOOP: 'too many symbolic links',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
}));

export const NET_CAUSES = new Map<string, string>(Object.entries({
  ECONNREFUSED: 'connection refused (is it running?)',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
  UND_ERR_SOCKET: 'the connection closed early',
}));

/** "no such file or directory" for an fs error, else its message; one line. */
export function fsCause(err: unknown): string {
  const e = err as { code?: string; message?: string; syscall?: string } | null;
  if (e?.code !== undefined && FS_CAUSES.has(e.code)) return `${FS_CAUSES.get(e.code)} (${e.code})`;
  // Another system error: its message without the code in front and the path behind.
  if (typeof e?.code === 'string' && e.syscall !== undefined && typeof e.message === 'string') {
    return `${oneLine(e.message).replace(/^[A-Z0-9_]+: /, '').replace(/, \w+ '.*'$/, '')} (${e.code})`;
  }
  return oneLine(e?.message ?? String(err));
}

/**
 * Why a request could not be made: undici's "fetch failed" says nothing,
 * the reason is in its cause (ECONNREFUSED, ENOTFOUND, ...).
 */
export function netCause(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { code?: string; message?: string } } | null;
  const code = e?.cause?.code ?? e?.code;
  if (code !== undefined && NET_CAUSES.has(code)) return `${NET_CAUSES.get(code)} (${code})`;
  return oneLine(e?.cause?.message ?? e?.message ?? String(err));
}

/** A message on one line: its lines trimmed and joined. */
export function oneLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
}
