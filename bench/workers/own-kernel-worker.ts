// Piscina's worker for `hotpath bench --kernels`: the user's kernel run by
// plain Piscina, beside hotpath's placements. It imports the kernel's module
// (workerData.url), finds the export by name as hotpath's workers do, and
// runs kernel.run on args the main thread already validated, with a minimal
// context: never cancelled, no flag, no catalog.
import { workerData } from 'piscina';
import { isKernel, type AnyKernel, type KernelContext } from '../../src/kernels/define.js';

const { url, name } = workerData as { url: string; name: string };
const mod = (await import(url)) as Record<string, unknown>;
const found = Object.values(mod).find((v) => isKernel(v) && v.name === name) as AnyKernel | undefined;
if (found === undefined) throw new Error(`${url} exports no kernel named ${name}`);
const kernel: AnyKernel = found;

const ctx: KernelContext = {
  catalog: undefined,
  flag: undefined,
  cancelled: () => false,
  throwIfCancelled: () => {},
};

export default function run(args: unknown): unknown {
  return kernel.run(args, ctx);
}
