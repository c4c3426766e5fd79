/** The ONNX node test folders that exercise an operator, and running one with chosen kernels. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTestFolder, type TestOutcome } from '../../src/conformance/test-case.js';
import { BACKEND_TEST_TOLERANCE } from '../../src/conformance/compare.js';
import type { KernelRegistry } from '../../src/kernels/registry.js';
import { decodeModelProto } from '../../src/onnx/decode-model.js';
import { encodeModelProto } from '../../src/onnx/encode.js';
import type { CompileOptions } from '../../src/runtime/compiled-model.js';
import { loadModel } from '../../src/runtime/load-model.js';

export const NODE_TESTS = join(import.meta.dirname, '..', '..', '..', 'shared', 'onnx-tests', 'node');
const EXPECTED = join(import.meta.dirname, '..', '..', 'conformance', 'expected-passes.txt');

export function expectedPasses(): Set<string> {
  return new Set(readFileSync(EXPECTED, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean));
}

let index: Promise<Map<string, { name: string; opset: number }[]>> | undefined;

/** Every node test folder (expanded variants aside) by the ai.onnx ops its graph calls. */
async function foldersByOp(): Promise<Map<string, { name: string; opset: number }[]>> {
  const byOp = new Map<string, { name: string; opset: number }[]>();
  if (!existsSync(NODE_TESTS)) return byOp;
  for (const name of readdirSync(NODE_TESTS).sort()) {
    if (name.includes('_expanded')) continue;
    const location = join(NODE_TESTS, name, 'model.onnx');
    const model = await loadModel({ bytes: readFileSync(location), location });
    const opset = model.opsetImports.get('') ?? 0;
    for (const op of new Set(model.graph.nodes.filter((n) => n.domain === '').map((n) => n.opType))) {
      byOp.set(op, [...(byOp.get(op) ?? []), { name, opset }]);
    }
  }
  return byOp;
}

/** The node test folders whose graph calls `opType`, with the model's ai.onnx opset. */
export async function foldersUsing(opType: string): Promise<{ name: string; opset: number }[]> {
  index ??= foldersByOp();
  return (await index).get(opType) ?? [];
}

/** The model with its ai.onnx opset import replaced. */
function withOpset(bytes: Uint8Array, opset: number): Uint8Array {
  const proto = decodeModelProto(bytes);
  const imports = (proto.opset_import ?? []).map((o) => (o.domain === '' || o.domain === 'ai.onnx' ? { ...o, version: opset } : o));
  return encodeModelProto({ ...proto, opset_import: imports });
}

/**
 * Runs one node test folder with `registry`; `opset` replaces the model's ai.onnx import, to
 * reach the body another opset selects (where the op's meaning is the same at both).
 */
export async function runNodeTest(name: string, registry: KernelRegistry, options: CompileOptions = {}, opset?: number): Promise<TestOutcome> {
  const dir = join(NODE_TESTS, name);
  const read = (relative: string): Uint8Array => {
    const bytes = readFileSync(join(dir, relative));
    return relative === 'model.onnx' && opset !== undefined ? withOpset(bytes, opset) : bytes;
  };
  try {
    return await runTestFolder(
      {
        list: async (relative) => readdirSync(join(dir, relative)),
        read: async (relative) => read(relative),
        modelLocation: join(dir, 'model.onnx'),
      },
      BACKEND_TEST_TOLERANCE,
      registry,
      options,
    );
  } catch (error) {
    return { passed: false, reason: `${(error as Error).name}: ${(error as Error).message.split('\n')[0]}` };
  }
}
