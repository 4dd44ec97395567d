// The worker's end of its channel (channels.ts): opened when the worker
// module loads, it takes messages straight from the pool, without Piscina's
// per-task wrapping, and answers each one in order.
import { MessageChannel, parentPort, threadId } from 'node:worker_threads';
import { toWire } from '../../errors.js';
import { HELLO, type Hello, type WireAnswer, type WireMessage } from '../dispatch/wire.js';

/** Runs a message's tasks and returns their answer. */
export type MessageHandler = (message: WireMessage) => WireAnswer;

/** Opens this worker's channel and answers every message on it with `handle`. */
export function serve(handle: MessageHandler): void {
  const { port1, port2 } = new MessageChannel();
  const hello: Hello = { [HELLO]: threadId, port: port2 };
  parentPort!.postMessage(hello, [port2]);
  port1.on('message', (message: WireMessage) => {
    let answer: WireAnswer | ReturnType<typeof toWire>;
    try {
      answer = handle(message);
    } catch (err) {
      // Kernels' errors are answered per task (worker/run.ts); this is a
      // throw outside them. The thread lives on, the message is lost: its
      // answer is the error alone (channels.ts fails or resends its tasks).
      answer = toWire(err);
    }
    port1.postMessage(answer);
  });
}
