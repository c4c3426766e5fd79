/** A file that is not a model gets a ModelLoadError that says what it is; nothing crashes. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InferenceSession, ModelLoadError } from '../../src/index.js';
import { Rng } from '../support/random.js';
import { buildModel } from '../support/model-builder.js';
import { affineReluModel } from './fixtures.js';

async function loadError(bytes: Uint8Array): Promise<ModelLoadError> {
  const error = await InferenceSession.create(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelLoadError);
  return error as ModelLoadError;
}

const text = (s: string) => new TextEncoder().encode(s);

describe('loading bytes that are not a model', () => {
  it('names an empty file', async () => {
    const e = await loadError(new Uint8Array(0));
    expect(e.problem).toBe('empty');
    expect(e.message).toMatch(/empty/);
  });

  it('names an HTML page', async () => {
    const e = await loadError(text('\n  <!DOCTYPE html>\n<html><head><title>Sign in</title></head><body></body></html>'));
    expect(e.problem).toBe('html');
    expect(e.message).toMatch(/HTML page/);
  });

  it('names a Git LFS pointer and the real size', async () => {
    const e = await loadError(text('version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 13964571\n'));
    expect(e.problem).toBe('git-lfs-pointer');
    expect(e.message).toMatch(/Git LFS pointer/);
    expect(e.message).toMatch(/13964571/);
    expect(e.message).toMatch(/git lfs pull/);
  });

  it('names a truncated model at every cut point', async () => {
    const model = affineReluModel();
    for (const cut of [1, 2, 10, Math.floor(model.length / 2), model.length - 1]) {
      const e = await loadError(model.subarray(0, cut));
      expect(e.problem, `cut at ${cut}`).toBe('truncated');
      expect(e.message).toMatch(/truncated|ends early/);
    }
  });

  it('refuses random bytes without crashing', async () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 50; trial++) {
      const bytes = Uint8Array.from({ length: 64 + trial * 13 }, () => rng.int(0, 255));
      const e = await loadError(bytes);
      expect(['not-onnx', 'truncated', 'no-graph']).toContain(e.problem);
    }
  });

  it('names a JSON or text document', async () => {
    expect((await loadError(text('{"model": "resnet"}'))).message).toMatch(/JSON/);
    expect((await loadError(text('just some words in a text file\n'))).message).toMatch(/text file/);
  });

  it('loads a valid model whose first bytes are mostly printable text', async () => {
    const printable = buildModel({
      nodes: [{ op: 'Relu', inputs: ['a_rather_long_printable_input_name'], outputs: ['an_equally_long_printable_output_name'] }],
      inputs: [{ name: 'a_rather_long_printable_input_name', type: 'float32', shape: [2] }],
      outputs: [{ name: 'an_equally_long_printable_output_name', type: 'float32', shape: [2] }],
      name: 'a graph with a long and entirely printable name to fill the header',
    });
    const session = await InferenceSession.create(printable);
    expect(session.inputNames).toEqual(['a_rather_long_printable_input_name']);
  });

  it('names a missing file by its path', async () => {
    const error = await InferenceSession.create('/nonexistent/model.onnx').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).message).toMatch(/nonexistent\/model\.onnx.*no such file/);
  });

  it('says the same about files read from a path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnxts-bad-'));
    const path = join(dir, 'model.onnx');
    writeFileSync(path, '<html><body>404</body></html>');
    const error = (await InferenceSession.create(path).catch((e: unknown) => e)) as ModelLoadError;
    expect(error.problem).toBe('html');
    expect(error.message).toContain(path);
  });
});
