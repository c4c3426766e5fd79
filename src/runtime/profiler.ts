/**
 * Records one Chrome-trace event per executed node, in the schema onnxruntime's profiler
 * writes ("ph": "X", "cat": "Node", "name": "<node>_kernel_time", args.op_name, args.provider,
 * input and output type-shapes), plus session-level events, so traces open in Perfetto and
 * tools written for onnxruntime profiles read ours.
 */
import type { PlannedStep } from '../plan/execution-plan.js';
import type { Value } from '../tensor/value.js';
import type { StepObserver } from './executor.js';

export interface TraceEvent {
  readonly cat: 'Node' | 'Session';
  readonly pid: number;
  readonly tid: number;
  readonly dur: number;
  readonly ts: number;
  readonly ph: 'X';
  readonly name: string;
  readonly args: Record<string, unknown>;
}

/** onnxruntime spells element types as in C++ ('float', 'int64'...). */
const TYPE_NAMES: Record<string, string> = {
  float32: 'float', float64: 'double', float16: 'float16', bfloat16: 'bfloat16', bool: 'bool', string: 'string',
};

function typeShapes(values: readonly (Value | undefined)[]): Record<string, number[]>[] {
  return values.filter((v): v is Value => v !== undefined).map((v) => {
    if (v.kind !== 'tensor') return { [v.kind]: [] };
    return { [TYPE_NAMES[v.type] ?? v.type]: [...v.dims] };
  });
}

export class Profiler {
  private readonly events: TraceEvent[] = [];
  /** Trace timestamps are microseconds since this origin. */
  private readonly originMs = performance.now();

  private micros(ms: number): number {
    return Math.round((ms - this.originMs) * 1000);
  }

  /** An observer for one run; `run` numbers the run so concurrent runs stay apart in the trace. */
  observer(run: number): StepObserver {
    return {
      onStep: (step: PlannedStep, inputs, outputs, startMs, endMs) => {
        this.events.push({
          cat: 'Node',
          pid: 1,
          tid: run,
          dur: Math.max(0, Math.round((endMs - startMs) * 1000)),
          ts: this.micros(startMs),
          ph: 'X',
          name: `${step.node.name || `${step.node.opType}:${step.node.output ?? ''}`}_kernel_time`,
          args: {
            op_name: step.node.opType,
            domain: step.node.domain || 'ai.onnx',
            opset: step.node.opset,
            provider: 'CPUExecutionProvider',
            input_type_shape: typeShapes(inputs),
            output_type_shape: typeShapes(outputs),
          },
        });
      },
    };
  }

  session(name: string, startMs: number, endMs: number, run = 0): void {
    this.events.push({ cat: 'Session', pid: 1, tid: run, dur: Math.max(0, Math.round((endMs - startMs) * 1000)), ts: this.micros(startMs), ph: 'X', name, args: {} });
  }

  /** The events so far, ordered by start time. */
  trace(): TraceEvent[] {
    return [...this.events].sort((a, b) => a.ts - b.ts);
  }
}
