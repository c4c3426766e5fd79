/**
 * The browser bundle (dist/browser/onnxts.js) in a real headless Chromium: a page and a module
 * worker import it from a local http server, load a model from its URL and from bytes, run it,
 * and must agree with the same model run in Node through src/index.ts. A bad model must fail
 * with the same ModelLoadError in both. The bundle text is also checked for Node-only globals
 * and built-in imports, which would break it in browsers, Deno and Bun.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { isBuiltin } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceSession, ModelLoadError, Tensor } from '../../src/index.js';
import { buildModel, DenseTensor } from '../support/model-builder.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const fixtures = join(here, 'fixtures');
const bundlePath = join(root, 'dist/browser/onnxts.js');
const buildScript = join(root, 'scripts/build-browser.mjs');

/** What page.js and worker.js return (see fixtures/run-model.js). */
interface PlainTensor { type: string; dims: number[]; data: number[] }
interface RunResult { scope: string; inputNames: string[]; outputNames: string[]; outputs: Record<string, PlainTensor> }
interface LoadFailure { scope: string; error: { name: string; message: string; problem?: string; isModelLoadError: boolean } | null }
interface Request { action: 'run' | 'load-failure'; model: string; from: 'url' | 'bytes'; feeds?: Record<string, PlainTensor> }

// x * w + b, then two branches: sigmoid(sqrt(relu(.))) and tanh(.); 'batch' stays symbolic.
const model = buildModel({
  nodes: [
    { op: 'Mul', inputs: ['x', 'w'], outputs: ['scaled'] },
    { op: 'Add', inputs: ['scaled', 'b'], outputs: ['shifted'] },
    { op: 'Relu', inputs: ['shifted'], outputs: ['rectified'] },
    { op: 'Sqrt', inputs: ['rectified'], outputs: ['root'] },
    { op: 'Sigmoid', inputs: ['root'], outputs: ['y'] },
    { op: 'Tanh', inputs: ['shifted'], outputs: ['z'] },
  ],
  inputs: [{ name: 'x', type: 'float32', shape: ['batch', 3] }],
  outputs: [{ name: 'y', type: 'float32', shape: ['batch', 3] }, { name: 'z', type: 'float32', shape: ['batch', 3] }],
  initializers: {
    w: new DenseTensor('float32', [3], Float32Array.from([0.5, -2, 3])),
    b: new DenseTensor('float32', [3], Float32Array.from([0.25, 1, -0.75])),
  },
});
const badModel = new TextEncoder().encode('<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Please sign in</body></html>\n');
const feeds = { x: { type: 'float32', dims: [2, 3], data: [1, -0.5, 0.3, -2, 4, 0.125] } };

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Builds the bundle when it is missing or older than the sources or the build script. */
function ensureBundle(): void {
  if (existsSync(bundlePath) && statSync(bundlePath).mtimeMs >= Math.max(newestMtime(join(root, 'src')), newestMtime(buildScript))) return;
  try {
    execFileSync(process.execPath, [buildScript], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`node scripts/build-browser.mjs failed:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.onnx': 'application/octet-stream',
};

function serve(files: ReadonlyMap<string, Uint8Array | string>): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const body = files.get(path === '/' ? '/index.html' : path);
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': contentTypes[extname(path) || '.html'] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    response.end(body);
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done(server));
  });
}

let server: Server;
let browser: Browser;
let page: Page;
let origin: string;
let bundleText: string;
const pageErrors: string[] = [];

beforeAll(() => {
  ensureBundle();
  bundleText = readFileSync(bundlePath, 'utf8');
});

/** What fixtures/page.js puts on the page's globalThis once it has imported the bundle. */
interface Harness { onnxtsTest: { inPage(request: Request): Promise<unknown>; inWorker(request: Request): Promise<unknown> } }

function inPage<T>(request: Request): Promise<T> {
  return page.evaluate((r) => (globalThis as unknown as Harness).onnxtsTest.inPage(r), request) as Promise<T>;
}

function inWorker<T>(request: Request): Promise<T> {
  return page.evaluate((r) => (globalThis as unknown as Harness).onnxtsTest.inWorker(r), request) as Promise<T>;
}

async function nodeReference(): Promise<Record<string, Tensor>> {
  const session = await InferenceSession.create(model);
  const x = feeds.x;
  return (await session.run({ x: new Tensor('float32', Float32Array.from(x.data), x.dims) })) as Record<string, Tensor>;
}

async function nodeLoadError(source: string | Uint8Array): Promise<ModelLoadError> {
  // One call per overload: create() has no overload that takes the union.
  const error = await (typeof source === 'string' ? InferenceSession.create(source) : InferenceSession.create(source)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelLoadError);
  return error as ModelLoadError;
}

/**
 * Node and Chromium run the same code, but Math.exp and Math.tanh may differ in the last bit
 * between V8 versions; that is far below a float32 ulp of these outputs (all within [-1, 1]).
 */
function expectSameOutputs(got: RunResult, reference: Record<string, Tensor>): void {
  expect(got.outputNames).toEqual(Object.keys(reference));
  for (const [name, tensor] of Object.entries(reference)) {
    const output = got.outputs[name];
    expect({ name, type: output.type, dims: output.dims }).toEqual({ name, type: tensor.type, dims: [...tensor.dims] });
    const want = Array.from(tensor.data as Float32Array);
    output.data.forEach((v, i) => expect(v, `${name}[${i}]`).toBeCloseTo(want[i], 6));
  }
}

describe('the browser bundle in headless Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed: ${CHROMIUM} is missing, and this test needs it (it is never skipped). ` +
          'Install Debian\'s package with: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium',
      );
    }
    const files = new Map<string, Uint8Array | string>([
      ['/onnxts.js', bundleText],
      ['/onnxts.js.map', readFileSync(`${bundlePath}.map`)],
      ['/model.onnx', model],
      ['/bad.onnx', badModel],
    ]);
    for (const name of readdirSync(fixtures)) files.set(`/${name}`, readFileSync(join(fixtures, name)));
    server = await serve(files);
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // launch() gives the browser a fresh temporary --user-data-dir and deletes it on close().
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => 'onnxtsTest' in globalThis, undefined, { timeout: 15_000 }).catch((error: Error) => {
      throw new Error(`the page did not load page.js and the bundle: ${[error.message, ...pageErrors].join('\n')}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
  });

  it.each(['url', 'bytes'] as const)('creates a session from %s in the page and matches Node', async (from) => {
    const got = await inPage<RunResult>({ action: 'run', model: `${origin}/model.onnx`, from, feeds });
    expect(got.scope).toBe('Window');
    expect(got.inputNames).toEqual(['x']);
    expectSameOutputs(got, await nodeReference());
  });

  it('runs in a module worker and matches Node', async () => {
    const got = await inWorker<RunResult>({ action: 'run', model: `${origin}/model.onnx`, from: 'url', feeds });
    expect(got.scope).toBe('DedicatedWorkerGlobalScope');
    expectSameOutputs(got, await nodeReference());
  });

  it.each(['url', 'bytes'] as const)('rejects an HTML page given as a model (from %s) with the ModelLoadError Node gives', async (from) => {
    const url = `${origin}/bad.onnx`;
    const expected = await nodeLoadError(from === 'url' ? url : badModel);
    const got = await inPage<LoadFailure>({ action: 'load-failure', model: url, from });
    expect(got.error).toEqual({ name: 'ModelLoadError', message: expected.message, problem: 'html', isModelLoadError: true });
    expect(got.error?.message).toContain('is an HTML page, not an ONNX model');
  });

  it('rejects the HTML model in a worker too', async () => {
    const got = await inWorker<LoadFailure>({ action: 'load-failure', model: `${origin}/bad.onnx`, from: 'bytes' });
    expect(got).toEqual({
      scope: 'DedicatedWorkerGlobalScope',
      error: { name: 'ModelLoadError', message: (await nodeLoadError(badModel)).message, problem: 'html', isModelLoadError: true },
    });
  });

  it('raised no uncaught error or console error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('the bundle text', () => {
  /**
   * Bare identifier uses: `name` not preceded by `.`, an identifier character or `$`, nor by a
   * quote: keepNames writes names as strings (`s(f,"process")` names a protobufjs function).
   */
  function bareUses(name: string): string[] {
    return [...bundleText.matchAll(new RegExp(`(?<![\\w$."'\`])${name}\\b`, 'g'))].map((m) => bundleText.slice(m.index - 60, m.index + 60));
  }

  it('imports no Node built-in, statically, dynamically or through require()', () => {
    const specifiers = [...bundleText.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s*)["'`]([^"'`]+)["'`]/g)].map((m) => m[1]);
    expect(specifiers.filter((s) => isBuiltin(s))).toEqual([]);
  });

  it('uses no Node-only global: process, Buffer, require, __dirname, __filename', () => {
    // Property accesses such as `b.global.Buffer` and `global.process.versions` are not matched:
    // protobufjs reads them off the host's global object to detect Node, behind
    // `typeof global<"u"&&global.process&&...`, so they cost nothing in browsers, Deno or Bun.
    for (const name of ['process', 'Buffer', 'require', '__dirname', '__filename']) expect(bareUses(name), name).toEqual([]);
  });
});
