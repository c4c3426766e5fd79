/**
 * A GEMM and conv helper that starts like the real one, then claims block 1 of the first job and exits
 * (code 5) without finishing it: a helper that dies in the middle of a job. It claims by
 * polling from the moment it is ready, so it wins the block unless it gets no CPU at all
 * while the caller computes its own; then it exits with code 6, having claimed nothing.
 */
import { parentPort } from 'node:worker_threads';
import { DONE, GemmControl, PENDING, TAKEN, tag } from '../../../src/backends/threads/gemm-control.js';
import type { GemmHelperReply, GemmHelperStart } from '../../../src/backends/threads/gemm-helper.js';

parentPort?.once('message', (start: GemmHelperStart) => {
  const control = new GemmControl(start.control);
  // It claims to run conv ranges too, so conv jobs meet it as well.
  parentPort?.postMessage({ kind: 'ready', conv: true } satisfies GemmHelperReply);
  for (;;) {
    if (control.claim(1, tag(1, PENDING), tag(1, TAKEN))) process.exit(5);
    if (control.state(1) === tag(1, DONE)) process.exit(6);
  }
});
