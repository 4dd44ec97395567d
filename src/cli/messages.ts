// One rule for every `hotpath` command: a usage error (unknown command or
// option, a bad or missing value, a file named on the command line that
// cannot be read) exits 2; a failure at run time exits 1. Either way the user
// gets one line naming the command and the cause, not a stack.

import { FS_CAUSES, fsCause, isUsageError, NET_CAUSES, netCause, oneLine } from '../causes.js';

export { fsCause, isUsageError, netCause, UsageError } from '../causes.js';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The cause of any error, one line: fs and network errors in words. */
export function describeError(err: unknown): string {
  const e = err as { message?: string; code?: string; path?: string; syscall?: string } | null;
  if (e?.message === 'fetch failed' || (err instanceof TypeError && (err as { cause?: unknown }).cause !== undefined)) return netCause(err);
  if (e?.code !== undefined && FS_CAUSES.has(e.code)) return e.path === undefined ? fsCause(err) : `${e.path}: ${fsCause(err)}`;
  if (e?.code !== undefined && NET_CAUSES.has(e.code)) return netCause(err);
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
