/**
 * The ONNX node tests through the public API, as a user of onnxruntime-common would run them:
 * create a session from model.onnx, feed input_K.pb to session.inputNames in order, compare the
 * outputs. For the tests whose inputs and outputs are all tensors, the set that passes this way
 * must be exactly the set the CLI's runner passes (conformance/expected-passes.txt).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { InferenceSession, type Tensor } from '../../src/index.js';
import { denseFromPublic, publicFromDense } from '../../src/api/value-conversion.js';
import { BACKEND_TEST_TOLERANCE, compareValues } from '../../src/conformance/compare.js';
import { decodeSerializedValue } from '../../src/onnx/value-from-proto.js';
import type { DenseTensor } from '../../src/tensor/dense-tensor.js';

const NODE_TESTS = join(import.meta.dirname, '..', '..', '..', 'shared', 'onnx-tests', 'node');
const EXPECTED = join(import.meta.dirname, '..', '..', 'conformance', 'expected-passes.txt');

/** Runs one test folder through the public API; undefined when it is not a tensor-only test. */
async function passesThroughApi(dir: string): Promise<boolean | undefined> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(join(dir, 'model.onnx'));
  } catch {
    return false;
  }
  const tensorOnly = [...session.inputMetadata, ...session.outputMetadata].every((m) => m.isTensor);
  if (!tensorOnly) return undefined;
  for (const set of readdirSync(dir).filter((n) => n.startsWith('test_data_set_')).sort()) {
    const files = readdirSync(join(dir, set));
    const count = (prefix: string) => files.filter((f) => f.startsWith(prefix)).length;
    const feeds: Record<string, Tensor> = {};
    for (let k = 0; k < count('input_'); k++) {
      const value = decodeSerializedValue(readFileSync(join(dir, set, `input_${k}.pb`)), 'tensor') as DenseTensor;
      feeds[session.inputNames[k]] = publicFromDense(value);
    }
    try {
      const out = await session.run(feeds);
      for (let k = 0; k < count('output_'); k++) {
        const expected = decodeSerializedValue(readFileSync(join(dir, set, `output_${k}.pb`)), 'tensor');
        const actual = out[session.outputNames[k]] as Tensor | undefined;
        if (!actual || compareValues(expected, denseFromPublic(actual), BACKEND_TEST_TOLERANCE, 'output')) return false;
      }
    } catch {
      return false;
    }
  }
  return true;
}

it('passes the same tensor node tests as the conformance runner', async () => {
  expect(existsSync(NODE_TESTS), `the node tests are expected at ${NODE_TESTS}`).toBe(true);
  const expected = new Set(readFileSync(EXPECTED, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')));
  const viaApi = new Set<string>();
  const tensorTests = new Set<string>();
  for (const name of readdirSync(NODE_TESTS).sort()) {
    const result = await passesThroughApi(join(NODE_TESTS, name));
    if (result === undefined) continue;
    tensorTests.add(name);
    if (result) viaApi.add(name);
  }
  const expectedTensor = [...expected].filter((n) => tensorTests.has(n));
  expect(tensorTests.size).toBeGreaterThan(1500);
  expect([...viaApi].filter((n) => !expected.has(n)), 'pass through the API but are not in expected-passes.txt').toEqual([]);
  expect(expectedTensor.filter((n) => !viaApi.has(n)), 'in expected-passes.txt but fail through the API').toEqual([]);
}, 600_000);
