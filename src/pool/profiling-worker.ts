// Worker side of out-of-band commands (profiling). Placeholder: the profiler
// (issue 6) fills this in; workers already call it at start.

/** Starts listening for commands on the pool's control channel. */
export function listenForControl(channel: string): void {
  void channel;
}
