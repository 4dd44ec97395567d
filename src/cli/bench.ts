// hotpath bench [options]: the benchmark suites side by side (docs/bench.md).
// The bench lives in bench/ (compiled to dist/bench); loaded only when asked for.
export async function main(argv: string[]): Promise<void> {
  const { benchMain } = await import('../../bench/cli.js');
  await benchMain(argv);
}
