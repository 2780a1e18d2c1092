// Talks to worker.js: tagged requests, promises for answers, a fresh worker
// when the old one dies or must be cancelled.

/**
 * An error from the worker (or about it), with the core's error kind as
 * `name`; `payload`, when the worker sends one, is what it holds now (a view).
 */
export class EngineError extends Error {
  constructor(name, message, payload) {
    super(message);
    this.name = name;
    if (payload !== undefined) this.payload = payload;
  }
}

/**
 * @param {object} hooks
 * @param {(message: string, gaveUp: boolean) => void} hooks.onCrash  called when the worker died
 *   and was replaced (or, when it keeps dying, not)
 * @param {() => ({type: string, payload: object, transfer?: Transferable[]} | null)} [hooks.onStart]
 *   called as each worker starts: a request to send it first (e.g. its canvas)
 */
export function createEngine({ onCrash, onStart }) {
  let worker = null;
  let dead = null; // why the engine gave up, after repeated crashes
  let nextId = 1;
  /** id → {resolve, reject, onPartial} */
  const pending = new Map();

  function start() {
    worker = new Worker(new URL('../worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (event) => receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      crash(event.message || 'the worker failed to start or stopped');
    };
    worker.onmessageerror = () => crash('a message from the worker could not be read');
    const first = onStart && onStart();
    // Its answer is of no interest; a failure shows in the requests that follow.
    if (first) call(first.type, first.payload, { transfer: first.transfer }).catch(() => {});
  }

  function receive(msg) {
    const call = pending.get(msg.id);
    if (!call) return;
    if (msg.type === 'partial') {
      if (call.onPartial) call.onPartial(msg.payload);
      return;
    }
    pending.delete(msg.id);
    if (msg.type === 'result') {
      call.resolve(msg.payload);
    } else if (msg.name === 'crash') {
      call.reject(new EngineError('crash', msg.message));
      crash(msg.message);
    } else {
      call.reject(new EngineError(msg.name, msg.message, msg.payload));
    }
  }

  /** Ends the worker, fails what was pending with `name`, and starts a new one. */
  function replace(name, message) {
    if (worker) worker.terminate();
    worker = null;
    const calls = [...pending.values()];
    pending.clear();
    for (const call of calls) call.reject(new EngineError(name, message));
    start();
  }

  const crashes = [];

  /** Replaces a dead worker; gives up when it keeps dying (e.g. the module can't load). */
  function crash(message) {
    const now = Date.now();
    crashes.push(now);
    while (crashes.length && now - crashes[0] > 20_000) crashes.shift();
    if (crashes.length > 3) {
      if (worker) worker.terminate();
      worker = null;
      dead = message;
      const calls = [...pending.values()];
      pending.clear();
      for (const call of calls) call.reject(new EngineError('crash', message));
      onCrash(message, true);
      return;
    }
    replace('crash', message);
    onCrash(message, false);
  }

  /**
   * Sends a request. `transfer` lists buffers to move (not copy) to the worker.
   * `onPartial` receives early parts of the answer (the palette before its pixels).
   */
  function call(type, payload = {}, { transfer = [], onPartial } = {}) {
    if (dead) return Promise.reject(new EngineError('crash', `the color engine stopped: ${dead}`));
    if (!worker) start();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, onPartial });
      worker.postMessage({ id, type, payload }, transfer);
    });
  }

  /** Abandons everything in flight (its promises reject with `cancelled`) with a fresh worker. */
  function cancelAll() {
    replace('cancelled', 'cancelled for a newer request');
  }

  return { call, cancelAll };
}
