/** Model-local functions run by expanding their bodies, with attribute references resolved. */
import { describe, expect, it } from 'vitest';
import { encodeModelProto } from '../../src/onnx/encode.js';
import type { FunctionProto } from '../../src/onnx/proto-types.js';
import { InferenceSession, Tensor } from '../../src/index.js';
import { expectMatchesOnnxruntime } from '../support/differential.js';
import { modelProto, node } from '../support/model-builder.js';
import { Rng, randomTensor } from '../support/random.js';

/** local:ScaledLeaky(x, s) = LeakyRelu(x * s, alpha = @alpha), alpha defaulting to 0.5; it calls local:Twice. */
const scaledLeaky: FunctionProto = {
  name: 'ScaledLeaky',
  domain: 'local',
  input: ['x', 's'],
  output: ['y'],
  attribute_proto: [{ name: 'alpha', type: 1, f: 0.5 }],
  node: [
    node({ op: 'Mul', inputs: ['x', 's'], outputs: ['t'] }),
    node({ op: 'Twice', domain: 'local', inputs: ['t'], outputs: ['t2'] }),
    { ...node({ op: 'LeakyRelu', inputs: ['t2'], outputs: ['y'] }), attribute: [{ name: 'alpha', type: 1, ref_attr_name: 'alpha' }] },
  ],
  opset_import: [{ domain: '', version: 17 }, { domain: 'local', version: 1 }],
};

const twice: FunctionProto = {
  name: 'Twice', domain: 'local', input: ['a'], output: ['b'],
  node: [node({ op: 'Add', inputs: ['a', 'a'], outputs: ['b'] })],
  opset_import: [{ domain: '', version: 17 }],
};

function model(): Uint8Array {
  const proto = modelProto({
    nodes: [
      { op: 'ScaledLeaky', domain: 'local', inputs: ['x', 's'], outputs: ['y1'], name: 'call_default' },
      { op: 'ScaledLeaky', domain: 'local', inputs: ['y1', 's'], outputs: ['y2'], name: 'call_alpha', attributes: { alpha: { type: 1, f: 0.125 } } },
    ],
    inputs: [{ name: 'x', type: 'float32', shape: [2, 5] }, { name: 's', type: 'float32', shape: [5] }],
    outputs: [{ name: 'y1', type: 'float32', shape: [2, 5] }, { name: 'y2', type: 'float32', shape: [2, 5] }],
    opsets: { '': 17, local: 1 },
  });
  proto.functions = [scaledLeaky, twice];
  return encodeModelProto(proto);
}

describe('model-local functions', () => {
  it('expand with the caller attribute or the default, nested calls included, matching onnxruntime', async () => {
    const rng = new Rng(11);
    await expectMatchesOnnxruntime(model(), { x: randomTensor('float32', [2, 5], rng), s: randomTensor('float32', [5], rng) });
  });

  it('compute what the bodies say', async () => {
    const session = await InferenceSession.create(model());
    const out = await session.run({ x: new Tensor('float32', Float32Array.of(1, -1, 2, -2, 0, 3, -3, 0.5, -0.5, 4), [2, 5]), s: new Tensor('float32', Float32Array.of(1, 1, 1, 1, 1), [5]) });
    const leaky = (v: number, a: number) => (v < 0 ? v * a : v);
    const y1 = [1, -1, 2, -2, 0, 3, -3, 0.5, -0.5, 4].map((v) => leaky(2 * v, 0.5));
    expect(Array.from(out.y1.data as Float32Array)).toEqual(y1);
    expect(Array.from(out.y2.data as Float32Array)).toEqual(y1.map((v) => leaky(2 * v, 0.125)));
  });
});
