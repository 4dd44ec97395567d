// One rule for every `hotpath` command: a usage error (unknown command or
// option, a bad or missing value, a file named on the command line that
// cannot be read) exits 2; a failure at run time exits 1. Either way the user
// gets one line naming the command and the cause, not a stack.

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

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
const FS_CAUSES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EMFILE: 'too many open files',
  ELOOP: 'too many symbolic links',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

const NET_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is it running?)',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
  UND_ERR_SOCKET: 'the connection closed early',
};

/** "no such file or directory" for an fs error, else its message; one line. */
export function fsCause(err: unknown): string {
  const e = err as { code?: string; message?: string } | null;
  if (e?.code !== undefined && FS_CAUSES[e.code] !== undefined) return `${FS_CAUSES[e.code]} (${e.code})`;
  return oneLine(e?.message ?? String(err));
}

/**
 * Why a request could not be made: undici's "fetch failed" says nothing,
 * the reason is in its cause (ECONNREFUSED, ENOTFOUND, ...).
 */
export function netCause(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { code?: string; message?: string } } | null;
  const code = e?.cause?.code ?? e?.code;
  if (code !== undefined && NET_CAUSES[code] !== undefined) return `${NET_CAUSES[code]} (${code})`;
  return oneLine(e?.cause?.message ?? e?.message ?? String(err));
}

/** The cause of any error, one line: fs and network errors in words. */
export function describeError(err: unknown): string {
  const e = err as { message?: string; code?: string; path?: string; syscall?: string } | null;
  if (e?.message === 'fetch failed' || (err instanceof TypeError && (err as { cause?: unknown }).cause !== undefined)) return netCause(err);
  if (e?.code !== undefined && FS_CAUSES[e.code] !== undefined) return e.path === undefined ? fsCause(err) : `${e.path}: ${fsCause(err)}`;
  if (e?.code !== undefined && NET_CAUSES[e.code] !== undefined) return netCause(err);
  return oneLine(e?.message ?? String(err));
}

/** parseArgs' messages, reworded, with where to look: one line. */
export function usageMessage(command: string, err: unknown): string {
  const e = err as { code?: string; message?: string };
  const message = e?.message ?? String(err);
  const help = `hotpath ${command} --help`;
  switch (e?.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const option = /Unknown option '([^']+)'/.exec(message)?.[1] ?? message;
      return `unknown option ${option} (${help} lists them)`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const missing = /Option '(-[^ ']+)(?: <value>)?' argument missing/.exec(message);
      if (missing !== null) return `${missing[1]} needs a value (${help})`;
      const noValue = /Option '(-[^']+)' does not take an argument/.exec(message);
      if (noValue !== null) return `${noValue[1]} takes no value (${help})`;
      return `${oneLine(message)} (${help})`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const arg = /Unexpected argument '([^']*)'/.exec(message)?.[1];
      return `unexpected argument '${arg ?? message}': it takes options only (${help})`;
    }
    default:
      return `${oneLine(message)} (${help})`;
  }
}

/**
 * Prints the one line for `err` and sets the exit code: 2 for a usage error,
 * 1 for anything else. HOTPATH_DEBUG=1 adds the stack of a failure.
 */
export function reportError(command: string, err: unknown): void {
  const prefix = command === '' ? 'hotpath' : `hotpath ${command}`;
  if (isUsageError(err)) {
    console.error(`${prefix}: ${usageMessage(command === '' ? '' : command, err)}`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  console.error(`${prefix}: ${describeError(err)}`);
  if (process.env.HOTPATH_DEBUG === '1' && (err as Error)?.stack !== undefined) console.error((err as Error).stack);
  process.exitCode = EXIT_FAILURE;
}

/** Like reportError, for an error known to be the caller's: always exit 2. */
export function reportUsage(command: string, err: unknown): void {
  console.error(`hotpath ${command}: ${usageMessage(command, err)}`);
  process.exitCode = EXIT_USAGE;
}

/** A message on one line: a multi-line one's lines joined, not cut (its later lines are hints). */
function oneLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
}
