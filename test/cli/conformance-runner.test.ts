/**
 * `onnxts conformance` on folders made here: a pass, a wrong output, a file that is no model,
 * and a model that never stops (a Loop whose condition stays true) which must time out alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeTensorProto } from '../../src/onnx/encode.js';
import { tensorToProto } from '../../src/onnx/tensor-to-proto.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { attr, buildModel, graph } from '../support/model-builder.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

function writeTest(root: string, name: string, model: Uint8Array, inputs: DenseTensor[], outputs: DenseTensor[]): void {
  const dir = join(root, name, 'test_data_set_0');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(root, name, 'model.onnx'), model);
  inputs.forEach((t, k) => writeFileSync(join(dir, `input_${k}.pb`), encodeTensorProto(tensorToProto(t))));
  outputs.forEach((t, k) => writeFileSync(join(dir, `output_${k}.pb`), encodeTensorProto(tensorToProto(t))));
}

const vec = (values: number[]) => new DenseTensor('float32', [values.length], new Float32Array(values));

function absModel(): Uint8Array {
  return buildModel({
    nodes: [{ op: 'Abs', inputs: ['x'], outputs: ['y'] }],
    inputs: [{ name: 'x', type: 'float32', shape: [3] }],
    outputs: [{ name: 'y', type: 'float32', shape: [3] }],
  });
}

/** Loop with no trip count whose body passes `cond` through unchanged: it never ends. */
function endlessLoopModel(): Uint8Array {
  const body = graph({
    nodes: [
      { op: 'Not', inputs: ['cond_in'], outputs: ['flipped'] },
      { op: 'Not', inputs: ['flipped'], outputs: ['cond_out'] },
      { op: 'Abs', inputs: ['x_in'], outputs: ['x_out'] },
    ],
    inputs: [{ name: 'i', type: 'int64', shape: [] }, { name: 'cond_in', type: 'bool', shape: [] }, { name: 'x_in', type: 'float32', shape: [3] }],
    outputs: [{ name: 'cond_out', type: 'bool', shape: [] }, { name: 'x_out', type: 'float32', shape: [3] }],
  });
  return buildModel({
    nodes: [{ op: 'Loop', inputs: ['', 'cond', 'x'], outputs: ['y'], attributes: { body: attr.graph(body) } }],
    inputs: [{ name: 'cond', type: 'bool', shape: [] }, { name: 'x', type: 'float32', shape: [3] }],
    outputs: [{ name: 'y', type: 'float32', shape: [3] }],
  });
}

describe('onnxts conformance', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'onnxts-conf-'));
    writeTest(root, 'test_passes', absModel(), [vec([-1, 2, -3])], [vec([1, 2, 3])]);
    writeTest(root, 'test_wrong_output', absModel(), [vec([-1, 2, -3])], [vec([1, 2, 4])]);
    writeTest(root, 'test_not_a_model', new TextEncoder().encode('<html>404</html>'), [], []);
    writeTest(root, 'test_endless', endlessLoopModel(), [new DenseTensor('bool', [], new Uint8Array([1])), vec([1, 2, 3])], [vec([1, 2, 3])]);
  });

  it('reports each failure with its reason and ends with the counts, surviving a hang', () => {
    const run = spawnSync('node', [CLI, 'conformance', root, '--timeout', '3'], { encoding: 'utf8' });
    const lines = run.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('1 passed, 3 failed');
    expect(run.stdout).toMatch(/FAIL test_wrong_output: .*output 'y': 1 of 3 elements differ \(first at 2: got 3, expected 4/);
    expect(run.stdout).toMatch(/FAIL test_not_a_model: ModelLoadError: .*HTML page/);
    expect(run.stdout).toMatch(/FAIL test_endless: timed out after 3 s/);
    expect(run.status).toBe(1);
  }, 60_000);

  it('with --expected, fails only when a listed test fails', () => {
    const list = join(root, 'expected.txt');
    writeFileSync(list, '# tests that must pass\ntest_passes\n');
    const ok = spawnSync('node', [CLI, 'conformance', root, '--timeout', '3', '--expected', list], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    writeFileSync(list, 'test_passes\ntest_wrong_output\n');
    const bad = spawnSync('node', [CLI, 'conformance', root, '--timeout', '3', '--expected', list, '--filter', 'passes|wrong'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/expected to pass but failed \(1\): test_wrong_output/);
  }, 60_000);

  it('prints JSON with --json', () => {
    const run = spawnSync('node', [CLI, 'conformance', join(root, 'test_passes'), '--json'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { passed: number; failed: number; results: { test: string; passed: boolean }[] };
    expect(result.passed).toBe(1);
    expect(result.results).toEqual([expect.objectContaining({ test: 'test_passes', passed: true })]);
  });
});
