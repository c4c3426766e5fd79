import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations.
import { schemaSource } from '../../scripts/generate-onnx-schema.mjs';

it('the generated schema matches onnx.proto (run scripts/generate-onnx-schema.mjs after editing it)', () => {
  const proto = readFileSync(new URL('../../src/onnx/onnx.proto', import.meta.url), 'utf8');
  const generated = readFileSync(new URL('../../src/onnx/onnx-schema.generated.ts', import.meta.url), 'utf8');
  expect(generated).toBe(schemaSource(proto));
});
