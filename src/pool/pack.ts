// A batch's inputs, and a worker's answers, packed for postMessage. Structured
// clone pays per object and per typed array, on both threads: a task's
// input {events: Uint32Array(1), k: 1} took 2.5 us per task to clone in a
// 13-task message here, a number 0.26 us. So a plain-object input (or
// result) crosses as flat values, not as an object: its shape once per
// message (a string naming its keys and the kind of each leaf), then its leaf
// values in a flat list; typed arrays under MOVE_MIN_BYTES go as an offset
// and a length into ONE buffer per message (the arena), copied there on send
// and transferred. The same message then took 0.75 us per task (build,
// clone and rebuild with views). The receiving side rebuilds each object in
// place before anything reads it: a task's input in the worker gets views
// into the arena; a result on the caller's thread gets its own copy of each
// array (a view would share one buffer among the batch's results: one
// result's buffer transferred away would detach the others').
//
// Nothing changes for what does not fit: a typed array of MOVE_MIN_BYTES or
// more still moves by transfer (transfer.ts), shared memory still passes by
// reference, and any other value (arrays, Maps, class instances, objects
// deeper than WIRE_DEPTH) is a leaf cloned as before. A task whose input is
// not a plain object, has over MAX_LEAVES leaves, or holds the same typed
// array twice (clone keeps that identity, copies would not) is sent whole.
//
// Wire (wire.ts): a message of n tasks has n x TASK_STRIDE entries, or one
// more, the trailer [arena or 0, shapes, values], where values is, per
// packed task, its entry's index, its shape's index, then its leaf values.
// unpack() rebuilds the packed entries and drops the trailer.
import { MOVE_MIN_BYTES, movable } from './transfer.js';

type Typed = Exclude<ArrayBufferView, DataView>;
type TypedCtor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => Typed;

const CTORS: TypedCtor[] = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array] as unknown as TypedCtor[];
/** Leaf kinds in a shape: 'a' + the index in CTORS for an arena array; VALUE for anything else. */
const VALUE = 'v';
const OPEN = '{';
const CLOSE = '}';
/** The same depth as registry.ts's wireOf: deeper objects are leaves, cloned whole. */
export const WIRE_DEPTH = 4;
/** More leaves than this: the task is sent whole (its shape string would outweigh the saving). */
const MAX_LEAVES = 64;
const ALIGN = 8;

/** Kind codes in a shape's trie, and their letters in its string. */
const K_VALUE = 11;
const K_OPEN = 12;
const K_CLOSE = 13;
const KIND_CHARS = 'abcdefghijk' + VALUE + OPEN + CLOSE;

/**
 * The shapes seen on this thread, as a trie over keys and kinds: a task's
 * shape is found by walking its keys (interned strings: cheap Map lookups),
 * with no string built per task. Each node keeps its shape string, made once.
 */
class ShapeNode {
  private keys: Map<string, ShapeNode> | undefined;
  private readonly kinds: (ShapeNode | undefined)[] = [];
  /** The Packer (its serial) that last listed this shape, and its index there. */
  stamp = 0;
  id = 0;
  constructor(readonly shape: string) {}

  key(k: string): ShapeNode {
    let n = (this.keys ??= new Map()).get(k);
    if (n === undefined) {
      n = new ShapeNode(`${this.shape}${k.length}:${k}`);
      this.keys.set(k, n);
      trieNodes++;
    }
    return n;
  }

  kind(c: number): ShapeNode {
    let n = this.kinds[c];
    if (n === undefined) {
      n = this.kinds[c] = new ShapeNode(this.shape + KIND_CHARS[c]);
      trieNodes++;
    }
    return n;
  }
}
/** Past this many nodes (inputs with ever-new keys) the trie starts over. */
const TRIE_NODES = 4096;
let trieNodes = 0;
let trie = new ShapeNode('');
let serials = 0;

function ctorIndex(a: Typed): number {
  switch (a.constructor) {
    case Int8Array: return 0;
    case Uint8Array: return 1;
    case Uint8ClampedArray: return 2;
    case Int16Array: return 3;
    case Uint16Array: return 4;
    case Int32Array: return 5;
    case Uint32Array: return 6;
    case Float32Array: return 7;
    case Float64Array: return 8;
    case BigInt64Array: return 9;
    case BigUint64Array: return 10;
    default: return -1; // a subclass: a leaf, cloned (as a plain typed array, as before)
  }
}

const isPlain = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * Packs one message's inputs (mode 'input': large arrays go through
 * movable(), honouring run()'s `transfer`) or one answer's results (mode
 * 'result': a large array spanning its own buffer moves, as resultBuffers did).
 */
export class Packer {
  private values: unknown[] = [];
  private shapes: string[] = [];
  private readonly serial = ++serials;
  private arrays: Typed[] = [];
  private offsets: number[] = [];
  private bytes = 0;
  // The task being packed.
  private node = trie;
  private leaves = 0;
  private failed = false;
  private transfer = true;
  private list: ArrayBuffer[] = [];

  /** `keep`: a buffer never to transfer back (the worker's input arena: results may view it). */
  constructor(private readonly mode: 'input' | 'result', readonly keep?: ArrayBuffer) {}

  /**
   * Packs `value` as the entry at `pos` (the caller then puts 0 there).
   * False: nothing was packed or moved; the caller sends `value` as before.
   */
  add(pos: number, value: unknown, transfer: boolean, list: ArrayBuffer[]): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const root = ArrayBuffer.isView(value);
    if (root ? !this.packable(value as Typed) : !isPlain(value)) return false;
    const v0 = this.values.length;
    const a0 = this.arrays.length;
    const b0 = this.bytes;
    const l0 = list.length;
    if (trieNodes > TRIE_NODES) {
      trie = new ShapeNode('');
      trieNodes = 0;
    }
    this.node = trie;
    this.leaves = 0;
    this.failed = false;
    this.transfer = transfer;
    this.list = list;
    this.values.push(pos, 0);
    if (root) this.leaf(value as Typed, a0);
    else this.object(value, 0, a0);
    if (this.failed || this.leaves > MAX_LEAVES) {
      this.values.length = v0;
      this.arrays.length = a0;
      this.offsets.length = a0;
      this.bytes = b0;
      list.length = l0;
      return false;
    }
    const node = this.node;
    if (node.stamp !== this.serial) {
      node.stamp = this.serial;
      node.id = this.shapes.length;
      this.shapes.push(node.shape);
    }
    this.values[v0 + 1] = node.id;
    return true;
  }

  private object(o: object, depth: number, a0: number): void {
    for (const key of Object.keys(o)) {
      // Assigned on the other side, this key would set the prototype.
      if (key === '__proto__') {
        this.failed = true;
        return;
      }
      const v = (o as Record<string, unknown>)[key];
      this.node = this.node.key(key);
      if (typeof v !== 'object' || v === null) {
        this.node = this.node.kind(K_VALUE);
        this.values.push(v);
        this.leaves++;
      } else if (ArrayBuffer.isView(v)) {
        this.leaf(v as Typed, a0);
      } else if (depth + 1 < WIRE_DEPTH && isPlain(v)) {
        this.node = this.node.kind(K_OPEN);
        this.object(v, depth + 1, a0);
        this.node = this.node.kind(K_CLOSE);
      } else {
        this.node = this.node.kind(K_VALUE);
        this.values.push(v);
        this.leaves++;
      }
      if (this.failed) return;
    }
  }

  /** Whether a typed array goes into the arena: small, not empty, not shared, not a DataView or a subclass. */
  private packable(a: Typed): boolean {
    return a.byteLength < MOVE_MIN_BYTES && a.byteLength > 0 && !(a.buffer instanceof SharedArrayBuffer) && !(a instanceof DataView) && ctorIndex(a) >= 0;
  }

  /** A typed array (or DataView) leaf: into the arena if small, else as before. */
  private leaf(a: Typed, a0: number): void {
    this.leaves++;
    if (!this.packable(a)) {
      // Empty (perhaps detached: postMessage then refuses it, as before),
      // large, shared, a DataView or a subclass: as the unpacked path sends it.
      this.node = this.node.kind(K_VALUE);
      this.values.push(a instanceof DataView || a.buffer instanceof SharedArrayBuffer ? a : this.large(a));
      return;
    }
    const k = ctorIndex(a);
    for (let i = a0; i < this.arrays.length; i++) {
      if (this.arrays[i] === a) {
        this.failed = true;
        return;
      }
    }
    this.node = this.node.kind(k);
    const at = this.bytes;
    this.arrays.push(a);
    this.offsets.push(at);
    this.bytes = at + ((a.byteLength + ALIGN - 1) & ~(ALIGN - 1));
    this.values.push(at, (a as Uint8Array).length);
  }

  private large(a: Typed): Typed {
    if (this.mode === 'input') return movable(a, this.transfer, this.list);
    const b = a.buffer as ArrayBuffer;
    if (a.byteLength >= MOVE_MIN_BYTES && a.byteOffset === 0 && a.byteLength === b.byteLength && b !== this.keep && !this.list.includes(b)) this.list.push(b);
    return a;
  }

  /** Whether anything was packed. */
  get empty(): boolean {
    return this.values.length === 0;
  }

  /** Appends the trailer (if anything was packed); the arena goes to `list`. */
  finish(message: unknown[], list: ArrayBuffer[]): void {
    if (this.values.length === 0) return;
    let arena: ArrayBuffer | 0 = 0;
    if (this.bytes > 0) {
      const buf = new ArrayBuffer(this.bytes);
      for (let i = 0; i < this.arrays.length; i++) {
        const a = this.arrays[i];
        (new (a.constructor as TypedCtor)(buf, this.offsets[i], (a as Uint8Array).length) as Uint8Array).set(a as Uint8Array);
      }
      // Moved when large; a small one is cheaper copied: a transfer's fixed
      // cost (about 2 us per message here) is that of copying ~16 KiB.
      if (this.bytes >= MOVE_MIN_BYTES) list.push(buf);
      arena = buf;
    }
    message.push([arena, this.shapes, this.values]);
  }
}

/** A shape, parsed: per key, its kind (VALUE, a CTORS index, or a nested shape). */
interface Plan {
  /** A root typed array (the whole input is one): its CTORS index, else -1. */
  root: number;
  keys: string[];
  kinds: (number | Plan)[];
}
const LEAF_VALUE = -1;

const plans = new Map<string, Plan>();
/** Shapes remembered across messages; past this many (inputs with ever-new keys) the cache starts over. */
const PLAN_CACHE = 256;

function planOf(shape: string): Plan {
  let plan = plans.get(shape);
  if (plan === undefined) {
    if (plans.size >= PLAN_CACHE) plans.clear();
    plan = parse(shape);
    plans.set(shape, plan);
  }
  return plan;
}

let at = 0;
function parse(shape: string): Plan {
  at = 0;
  if (shape.length === 1) return { root: shape.charCodeAt(0) - 97, keys: [], kinds: [] };
  return parseObject(shape);
}

function parseObject(s: string): Plan {
  const plan: Plan = { root: -1, keys: [], kinds: [] };
  while (at < s.length && s[at] !== CLOSE) {
    const colon = s.indexOf(':', at);
    const len = Number(s.slice(at, colon));
    plan.keys.push(s.slice(colon + 1, colon + 1 + len));
    at = colon + 1 + len;
    const kind = s[at++];
    if (kind === VALUE) plan.kinds.push(LEAF_VALUE);
    else if (kind === OPEN) {
      plan.kinds.push(parseObject(s));
      at++; // CLOSE
    } else plan.kinds.push(kind.charCodeAt(0) - 97);
  }
  return plan;
}

let cursor = 0;
let arena: ArrayBuffer;
let values: unknown[];
let copy = false;

function arrayAt(k: number): Typed {
  const view = new CTORS[k](arena, values[cursor] as number, values[cursor + 1] as number);
  cursor += 2;
  return copy ? (view as Uint8Array).slice() : view;
}

function build(plan: Plan): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const { keys, kinds } = plan;
  for (let i = 0; i < keys.length; i++) {
    const k = kinds[i];
    if (k === LEAF_VALUE) o[keys[i]] = values[cursor++];
    else if (typeof k === 'number') o[keys[i]] = arrayAt(k);
    else o[keys[i]] = build(k);
  }
  return o;
}

/**
 * Rebuilds the packed entries of a message or answer (`stride` entries per
 * task, the packed value at `field` of each) and drops its trailer. `own`:
 * each typed array gets its own buffer (a copy), else a view into the arena.
 * Returns the arena (or undefined: nothing was packed).
 */
export function unpack(message: unknown[], stride: number, field: number, own: boolean): ArrayBuffer | undefined {
  if (message.length % stride !== 1) return undefined;
  const [buf, shapes, vals] = message.pop() as [ArrayBuffer | 0, string[], unknown[]];
  arena = buf === 0 ? new ArrayBuffer(0) : buf;
  values = vals;
  copy = own;
  cursor = 0;
  while (cursor < vals.length) {
    const pos = vals[cursor] as number;
    const plan = planOf(shapes[vals[cursor + 1] as number]);
    cursor += 2;
    message[pos + field] = plan.root >= 0 ? arrayAt(plan.root) : build(plan);
  }
  values = [];
  return buf === 0 ? undefined : buf;
}
