/** External data: read beside the model, supplied in memory, and never from outside the model's folder. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeModelProto } from '../../src/onnx/encode.js';
import { InferenceSession, ModelLoadError, Tensor } from '../../src/index.js';
import { modelProto } from '../support/model-builder.js';

const weights = new Float32Array([1.5, -2, 4, 0.25]);
const weightBytes = new Uint8Array(weights.buffer);

/** x + w, where w's four floats live at `offset` in the file `location`. */
function externalModel(location: string, offset = 16): Uint8Array {
  const proto = modelProto({
    nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
    inputs: [{ name: 'x', type: 'float32', shape: [4] }],
    outputs: [{ name: 'y', type: 'float32', shape: [4] }],
    opsets: { '': 13 },
  });
  proto.graph!.initializer = [{
    name: 'w', dims: [4], data_type: 1, data_location: 1,
    external_data: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: '16' },
    ],
  }];
  return encodeModelProto(proto);
}

function weightsFile(offset = 16): Uint8Array {
  const file = new Uint8Array(offset + 16 + 8);
  file.set(weightBytes, offset);
  return file;
}

async function runY(session: InferenceSession): Promise<number[]> {
  const out = await session.run({ x: new Tensor('float32', new Float32Array([1, 1, 1, 1]), [4]) });
  return Array.from(out.y.data as Float32Array);
}

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'onnxts-ext-'));
}

describe('external data', () => {
  it('reads the tensor beside the model, at its offset', async () => {
    const dir = folder();
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'weights.bin'), weightsFile());
    writeFileSync(join(dir, 'model.onnx'), externalModel('data/weights.bin'));
    expect(await runY(await InferenceSession.create(join(dir, 'model.onnx')))).toEqual([2.5, -1, 5, 1.25]);
  });

  it('takes the file from the externalData option when the model is given as bytes', async () => {
    const session = await InferenceSession.create(externalModel('weights.bin'), {
      externalData: [{ path: 'weights.bin', data: weightsFile() }],
    });
    expect(await runY(session)).toEqual([2.5, -1, 5, 1.25]);
  });

  it('says to use the externalData option when bytes come without it', async () => {
    await expect(InferenceSession.create(externalModel('weights.bin'))).rejects.toThrow(/externalData session option/);
  });

  it.each(['../secret.bin', 'data/../../secret.bin', '/etc/passwd', 'C:\\\\Windows\\\\win.ini', 'file:///etc/passwd'])(
    'refuses the location %s',
    async (location) => {
      const dir = folder();
      writeFileSync(join(dir, 'model.onnx'), externalModel(location));
      const error = await InferenceSession.create(join(dir, 'model.onnx')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelLoadError);
      expect((error as ModelLoadError).problem).toBe('external-data');
      expect((error as Error).message).toMatch(/refused/);
    },
  );

  it('refuses a link that leads out of the model folder', async () => {
    const outside = folder();
    writeFileSync(join(outside, 'weights.bin'), weightsFile());
    const dir = folder();
    symlinkSync(join(outside, 'weights.bin'), join(dir, 'weights.bin'));
    writeFileSync(join(dir, 'model.onnx'), externalModel('weights.bin'));
    await expect(InferenceSession.create(join(dir, 'model.onnx'))).rejects.toThrow(/outside the model's folder/);
  });

  it('names a file too short for the tensor', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(20));
    writeFileSync(join(dir, 'model.onnx'), externalModel('weights.bin'));
    await expect(InferenceSession.create(join(dir, 'model.onnx'))).rejects.toThrow(/20 bytes.*16 to 32/);
  });
});
