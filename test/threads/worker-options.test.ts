/** extra.runInWorker / extra.sessionWorkers and env.wasm.proxy: which session runs where. */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/index.js';
import { sessionWorkerCount, withoutWorkerOptions } from '../../src/runtime/threads/worker-options.js';

describe('sessionWorkerCount', () => {
  it('is 0 (the calling thread) unless asked, by the option or by env.wasm.proxy', () => {
    expect(sessionWorkerCount({}, undefined)).toBe(0);
    expect(sessionWorkerCount({}, false)).toBe(0);
    expect(sessionWorkerCount({}, true)).toBe(1);
    expect(sessionWorkerCount({ extra: { runInWorker: true } }, undefined)).toBe(1);
    expect(sessionWorkerCount({ extra: { runInWorker: false } }, true)).toBe(0);
    expect(sessionWorkerCount({ extra: { runInWorker: true, sessionWorkers: 3 } }, undefined)).toBe(3);
    expect(sessionWorkerCount({ extra: { sessionWorkers: 3 } }, undefined)).toBe(0);
  });

  it.each([
    [{ runInWorker: 'yes' }, /runInWorker must be true or false/],
    [{ runInWorker: true, sessionWorkers: 0 }, /sessionWorkers must be a positive integer/],
    [{ runInWorker: true, sessionWorkers: 1.5 }, /sessionWorkers must be a positive integer/],
  ])('rejects extra %j', (extra, message) => {
    expect(() => sessionWorkerCount({ extra }, undefined)).toThrow(InvalidArgumentError);
    expect(() => sessionWorkerCount({ extra }, undefined)).toThrow(message);
  });
});

describe('withoutWorkerOptions', () => {
  it('keeps every other option and pins the worker session to its own thread', () => {
    const options = { intraOpNumThreads: 2, extra: { runInWorker: true, sessionWorkers: 2, other: 'kept' } };
    expect(withoutWorkerOptions(options)).toEqual({ intraOpNumThreads: 2, extra: { other: 'kept', runInWorker: false } });
    expect(options.extra.sessionWorkers).toBe(2);
    expect(sessionWorkerCount(withoutWorkerOptions(options), true)).toBe(0);
  });
});
