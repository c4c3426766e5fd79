/** Structural problems and unsupported ops are named at session creation, with the node at fault. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphValidationError, InferenceSession, InvalidArgumentError, KernelNotFoundError } from '../../src/index.js';
import { buildModel, singleNodeModel } from '../support/model-builder.js';
import { affineReluModel } from './fixtures.js';

async function createError(bytes: Uint8Array): Promise<Error> {
  return InferenceSession.create(bytes).then(() => { throw new Error('expected create() to fail'); }, (e: Error) => e);
}

describe('graph validation', () => {
  it('names the node of a cycle', async () => {
    const e = await createError(buildModel({
      nodes: [
        { op: 'Relu', inputs: ['b'], outputs: ['a'], name: 'first' },
        { op: 'Relu', inputs: ['a'], outputs: ['b'], name: 'second' },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [1] }],
      outputs: [{ name: 'b', type: 'float32', shape: [1] }],
    }));
    expect(e).toBeInstanceOf(GraphValidationError);
    expect(e.message).toMatch(/node '(first|second)' \(Relu, ai\.onnx\).*cycle/);
  });

  it('names a dangling input', async () => {
    const e = await createError(buildModel({
      nodes: [{ op: 'Add', inputs: ['x', 'ghost'], outputs: ['y'], name: 'adder' }],
      inputs: [{ name: 'x', type: 'float32', shape: [1] }],
      outputs: [{ name: 'y', type: 'float32', shape: [1] }],
    }));
    expect(e).toBeInstanceOf(GraphValidationError);
    expect(e.message).toMatch(/node 'adder' \(Add, ai\.onnx\): input 'ghost' is not a graph input/);
  });

  it('names two producers of one value', async () => {
    const e = await createError(buildModel({
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['y'], name: 'one' },
        { op: 'Neg', inputs: ['x'], outputs: ['y'], name: 'two' },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [1] }],
      outputs: [{ name: 'y', type: 'float32', shape: [1] }],
    }));
    expect(e.message).toMatch(/node 'two' \(Neg, ai\.onnx\): output 'y' is also produced by node 'one'/);
  });

  it('names a graph output nothing produces', async () => {
    const e = await createError(buildModel({
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      inputs: [{ name: 'x', type: 'float32', shape: [1] }],
      outputs: [{ name: 'nowhere', type: 'float32', shape: [1] }],
    }));
    expect(e.message).toMatch(/graph output 'nowhere'/);
  });
});

describe('kernel lookup', () => {
  it('says when no kernel implements the op', async () => {
    const e = await createError(singleNodeModel('FancyOp', [{ name: 'x', type: 'float32' }], [{ name: 'y', type: 'float32' }], { domain: 'com.example' }));
    expect(e).toBeInstanceOf(KernelNotFoundError);
    expect((e as KernelNotFoundError).failure).toBe('unknown-op');
    expect(e.message).toMatch(/FancyOp.*com\.example/);
  });

  it('says when no kernel serves the opset', async () => {
    const e = await createError(singleNodeModel('Round', [{ name: 'x', type: 'float32' }], [{ name: 'y', type: 'float32' }], { opset: 10 }));
    expect((e as KernelNotFoundError).failure).toBe('opset');
    expect(e.message).toMatch(/opset 10.*11\+/);
  });

  it('says when no kernel takes these element types', async () => {
    const session = await InferenceSession.create(singleNodeModel('Sqrt', [{ name: 'x', type: 'int32' }], [{ name: 'y', type: 'int32' }], { opset: 13 }));
    const { Tensor } = await import('../../src/index.js');
    const e = await session.run({ x: new Tensor('int32', new Int32Array([4]), [1]) }).catch((err: Error) => err);
    expect(e).toBeInstanceOf(KernelNotFoundError);
    expect((e as KernelNotFoundError).failure).toBe('types');
    expect((e as Error).message).toMatch(/Sqrt.*input 0 has type int32, expected one of float32/);
  });

  it('says when the model imports no opset for a node domain', async () => {
    const bytes = buildModel({
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'], domain: 'com.microsoft' }],
      inputs: [{ name: 'x', type: 'float32', shape: [1] }],
      outputs: [{ name: 'y', type: 'float32', shape: [1] }],
    });
    expect((await createError(bytes)).message).toMatch(/imports no opset for domain 'com\.microsoft'/);
  });
});

describe('session options', () => {
  it('accepts every onnxruntime-common SessionOptions field', async () => {
    const session = await InferenceSession.create(affineReluModel(), {
      executionProviders: ['cpu', { name: 'wasm' }],
      intraOpNumThreads: 2,
      interOpNumThreads: 1,
      freeDimensionOverrides: { batch: 1 },
      graphOptimizationLevel: 'all',
      enableCpuMemArena: true,
      enableMemPattern: true,
      executionMode: 'sequential',
      optimizedModelFilePath: join(mkdtempSync(join(tmpdir(), 'onnxts-opt-')), 'optimized.onnx'),
      enableProfiling: false,
      profileFilePrefix: 'p',
      logId: 'test',
      logSeverityLevel: 3,
      logVerbosityLevel: 0,
      preferredOutputLocation: 'cpu',
      enableGraphCapture: false,
      extra: { session: { foo: '1' } },
      externalData: [],
    });
    expect(session.inputNames).toEqual(['x']);
  });

  it.each([
    [{ executionProviders: ['cuda'] }, /execution provider 'cuda' is not available/],
    [{ graphOptimizationLevel: 'max' }, /graphOptimizationLevel must be one of/],
    [{ intraOpNumThreads: -1 }, /intraOpNumThreads must be a non-negative integer/],
    [{ freeDimensionOverrides: { batch: 1.5 } }, /freeDimensionOverrides\['batch'\]/],
    [{ logSeverityLevel: 9 }, /logSeverityLevel must be 0\.\.4/],
    [{ preferredOutputLocation: 'gpu-buffer' }, /preferredOutputLocation 'gpu-buffer' is not available/],
    [{ sessionThreads: 3 }, /unknown field 'sessionThreads'/],
    [{ extra: { optimization: { disable_specified_optimizers: 'FuseGelu;NoSuchPass' } } }, /unknown optimizer pass 'NoSuchPass'/],
  ])('refuses %j', async (options, message) => {
    const e = await InferenceSession.create(affineReluModel(), options as never).catch((err: Error) => err);
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toMatch(message);
  });
});
