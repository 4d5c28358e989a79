/**
 * The helper thread of {@link HeapHelperPool} (`wasm-heap-helpers.ts`): the JavaScript a Node
 * `worker_threads.Worker` runs from source (`eval: true`), so that no file path has to survive
 * bundling. It instantiates our kernel modules on the backend's shared memory and runs one
 * chunk of a kernel call at a time, woken and answered through a small shared control block
 * (`Atomics.wait` / `Atomics.notify`), never through the event loop: the main thread waits for
 * it synchronously inside a tfjs kernel.
 */

/** Int32 slots of the control block. */
export const CONTROL = {
  /** Bumped by the main thread to post a job. */
  sequence: 0,
  /** Set by the helper to the job's sequence number when it has finished. */
  done: 1,
  /** The function to run: an id from a `function` message, or {@link CLOSE_JOB}. */
  functionId: 2,
  /** How many arguments follow in the float64 slots from {@link CONTROL_ARGUMENTS}. */
  argumentCount: 3,
  /** 0 when the job ran, 1 when it threw (the message is in the text slots). */
  status: 4,
  /** Bytes of UTF-8 in the text slots. */
  textBytes: 5,
  /**
   * Microseconds the helper keeps polling for the next job before it sleeps in `Atomics.wait`
   * (0: it sleeps at once). Set by `HeapHelperPool.spinMicroseconds`.
   */
  spin: 6,
} as const;

/** The function id that ends the helper's loop. */
export const CLOSE_JOB = -1;

/** Float64 index of the job's return value (a kernel that returns nothing gives 0). */
export const CONTROL_RESULT = 8;

/** Float64 index of the first argument. */
export const CONTROL_ARGUMENTS = 9;

/** The most arguments a job can take (the widest kernel, Adam, takes 16). */
export const CONTROL_MAX_ARGUMENTS = 32;

/** Byte offset and length of the text slots (an error message from the helper). */
export const CONTROL_TEXT_OFFSET = (CONTROL_ARGUMENTS + CONTROL_MAX_ARGUMENTS) * 8;
export const CONTROL_TEXT_BYTES = 1024;

/** Bytes of one helper's control block. */
export const CONTROL_BYTES = CONTROL_TEXT_OFFSET + CONTROL_TEXT_BYTES;

/**
 * Messages on the helper's port, read synchronously (`receiveMessageOnPort`) before each job:
 * `{ kind: 'module', id, bytes }` instantiates a module on the memory, and
 * `{ kind: 'function', id, moduleId, name }` names one of its exports.
 */
export const HELPER_WORKER_SOURCE = `
'use strict';
const { workerData, parentPort, receiveMessageOnPort } = require('node:worker_threads');
const { memory, control, port } = workerData;
const words = new Int32Array(control);
const numbers = new Float64Array(control);
const text = new Uint8Array(control, ${CONTROL_TEXT_OFFSET}, ${CONTROL_TEXT_BYTES});
const instances = new Map();
const functions = new Map();
function readMessages() {
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const message = m.message;
    if (message.kind === 'module') {
      const module = new WebAssembly.Module(message.bytes);
      instances.set(message.id, new WebAssembly.Instance(module, { env: { memory } }).exports);
    } else if (message.kind === 'function') {
      const fn = instances.get(message.moduleId)?.[message.name];
      if (typeof fn !== 'function') throw new Error('no export ' + message.name);
      functions.set(message.id, fn);
    }
  }
}
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  const spin = Atomics.load(words, ${CONTROL.spin});
  if (spin > 0) {
    const until = performance.now() + spin / 1000;
    while (Atomics.load(words, ${CONTROL.sequence}) === seen && performance.now() < until) {}
  }
  Atomics.wait(words, ${CONTROL.sequence}, seen);
  const sequence = Atomics.load(words, ${CONTROL.sequence});
  if (sequence === seen) continue;
  seen = sequence;
  const id = words[${CONTROL.functionId}];
  if (id === ${CLOSE_JOB}) break;
  let status = 0;
  try {
    readMessages();
    const fn = functions.get(id);
    if (fn === undefined) throw new Error('unknown kernel function ' + id);
    const count = words[${CONTROL.argumentCount}];
    const args = Array.from(numbers.subarray(${CONTROL_ARGUMENTS}, ${CONTROL_ARGUMENTS} + count));
    const result = fn(...args);
    numbers[${CONTROL_RESULT}] = typeof result === 'number' ? result : 0;
  } catch (error) {
    status = 1;
    const written = new TextEncoder().encodeInto(String(error && error.message || error), text);
    words[${CONTROL.textBytes}] = written.written;
  }
  Atomics.store(words, ${CONTROL.status}, status);
  Atomics.store(words, ${CONTROL.done}, sequence);
  Atomics.notify(words, ${CONTROL.done});
}
`;
