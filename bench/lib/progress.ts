// A run takes minutes: the user must see it move. On a terminal, one live
// line (a bar, the case being measured and its last number) redrawn in
// place on stderr; elsewhere (CI logs, pipes) a plain line at most every 5 s
// so a log is not 300 lines of progress. stdout stays for the tables.

export interface ProgressSink {
  write(text: string): void;
  isTTY?: boolean;
}

const WIDTH = 24;
const PLAIN_EVERY_MS = 5000;

export class Progress {
  private total = 0;
  private done = 0;
  private suite = '';
  private lastPlain = 0;
  private readonly t0 = performance.now();

  constructor(private readonly sink: ProgressSink | null) {}

  /** Starts a suite of `steps` samples. */
  begin(suite: string, steps: number): void {
    this.clear();
    this.suite = suite;
    this.total = Math.max(1, steps);
    this.done = 0;
    this.lastPlain = 0;
    this.sink?.write(`${suite}: ${steps} samples\n`);
  }

  /** One sample taken: `what` names the case, `value` is its number (e.g. '1.82 ms/op'). */
  step(what: string, value = ''): void {
    this.done = Math.min(this.total, this.done + 1);
    if (this.sink === null) return;
    const secs = ((performance.now() - this.t0) / 1000).toFixed(0);
    if (this.sink.isTTY === true) {
      const fill = Math.round((this.done / this.total) * WIDTH);
      const bar = `${'#'.repeat(fill)}${'.'.repeat(WIDTH - fill)}`;
      const cols = (process.stderr.columns ?? 100) - 1;
      const line = `  ${this.suite} [${bar}] ${this.done}/${this.total} ${secs}s  ${what}  ${value}`;
      this.sink.write(`\r${line.slice(0, cols).padEnd(Math.min(cols, 80))}`);
      return;
    }
    const now = performance.now();
    if (now - this.lastPlain >= PLAIN_EVERY_MS || this.done === this.total) {
      this.lastPlain = now;
      this.sink.write(`  ${this.suite} ${this.done}/${this.total} (${secs}s) ${what} ${value}\n`);
    }
  }

  /** A line that must stay (a skipped suite, a warning). */
  note(text: string): void {
    this.clear();
    this.sink?.write(`${text}\n`);
  }

  /** Erases the live line. */
  clear(): void {
    if (this.sink?.isTTY === true) this.sink.write(`\r${' '.repeat(Math.min((process.stderr.columns ?? 100) - 1, 120))}\r`);
  }
}

/** The terminal's stderr, or null when `quiet`. */
export function stderrProgress(quiet: boolean): Progress {
  if (quiet) return new Progress(null);
  return new Progress({ write: (t) => process.stderr.write(t), isTTY: process.stderr.isTTY === true });
}
