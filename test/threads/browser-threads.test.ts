/**
 * The threads in headless Chromium, from a cross-origin isolated page (COOP same-origin +
 * COEP require-corp, without which browsers give no SharedArrayBuffer): a session in a module
 * Web Worker that matches Node and keeps the error's class, and the parallel GEMM driven from
 * the page's main thread, which may not block, bit-identical to one thread.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from '../../src/index.js';
import { attr, buildModel, DenseTensor } from '../support/model-builder.js';

const CHROMIUM = '/usr/bin/chromium';
const root = resolve(import.meta.dirname, '..', '..');

const model = buildModel({
  nodes: [
    { op: 'Conv', inputs: ['x', 'w'], outputs: ['conv'], attributes: { pads: attr.ints([1, 1, 1, 1]) } },
    { op: 'Relu', inputs: ['conv'], outputs: ['y'] },
  ],
  inputs: [{ name: 'x', type: 'float32', shape: [1, 2, 6, 6] }],
  outputs: [{ name: 'y', type: 'float32', shape: [1, 3, 6, 6] }],
  initializers: { w: new DenseTensor('float32', [3, 2, 3, 3], Float32Array.from({ length: 54 }, (_, i) => Math.sin(i))) },
});
const input = { type: 'float32', dims: [1, 2, 6, 6], data: Array.from({ length: 72 }, (_, i) => Math.cos(i)) };

async function bundles(): Promise<Map<string, Uint8Array>> {
  const entries = {
    'onnxts-session-worker': 'src/platform/browser-session-worker.ts',
    'onnxts-gemm-worker': 'src/platform/browser-gemm-worker.ts',
    harness: 'test/threads/support/browser-harness.ts',
  };
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, path]) => [name, resolve(root, path)])),
    outdir: '/',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'error',
  });
  return new Map(result.outputFiles.map((file) => [file.path, file.contents]));
}

function serve(files: ReadonlyMap<string, Uint8Array | string>): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const body = files.get(path);
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': path.endsWith('.html') ? 'text/html' : path.endsWith('.js') ? 'text/javascript' : 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cache-control': 'no-store',
    });
    response.end(body);
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

interface Harness {
  threadsTest: {
    crossOriginIsolated: boolean;
    runRemote(model: string, feeds: Record<string, typeof input>): Promise<Record<string, { type: string; dims: number[]; data: number[] }>>;
    loadError(model: string): Promise<{ name: string; problem?: string; message: string } | null>;
    parallelGemm(m: number, n: number, k: number): Promise<{ ran: boolean; identical: boolean; variant?: string }>;
  };
}

describe.skipIf(!existsSync(CHROMIUM))('threads in headless Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const files = new Map<string, Uint8Array | string>(await bundles());
    files.set('/index.html', '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/harness.js"></script>');
    files.set('/model.onnx', model);
    files.set('/bad.onnx', new TextEncoder().encode('<!DOCTYPE html><html></html>'));
    server = await serve(files);
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    await page.goto(`${origin}/index.html`);
    await page.waitForFunction(() => 'threadsTest' in globalThis, undefined, { timeout: 15_000 }).catch((error: Error) => {
      throw new Error(`the harness did not load: ${[error.message, ...pageErrors].join('\n')}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
  });

  it('the page is cross-origin isolated', async () => {
    expect(await page.evaluate(() => (globalThis as unknown as Harness).threadsTest.crossOriginIsolated)).toBe(true);
  });

  it('a session in a Web Worker, from a URL relative to the page, matches Node', async () => {
    const got = await page.evaluate((x) => (globalThis as unknown as Harness).threadsTest.runRemote('model.onnx', { x }), input);
    const local = await InferenceSession.create(model);
    const { y } = await local.run({ x: new Tensor('float32', Float32Array.from(input.data), input.dims) });
    expect(got.y.dims).toEqual([...(y as Tensor).dims]);
    const want = Array.from((y as Tensor).data as Float32Array);
    got.y.data.forEach((v, i) => expect(v, `y[${i}]`).toBeCloseTo(want[i], 5));
    expect(pageErrors).toEqual([]);
  });

  it('a model that fails to load in the worker rejects with ModelLoadError', async () => {
    const error = await page.evaluate((url) => (globalThis as unknown as Harness).threadsTest.loadError(url), `${origin}/bad.onnx`);
    expect(error).toMatchObject({ name: 'ModelLoadError', problem: 'html' });
  });

  it('the parallel GEMM runs from the main thread and equals one thread bit for bit', async () => {
    const got = await page.evaluate(() => (globalThis as unknown as Harness).threadsTest.parallelGemm(300, 280, 260));
    expect(got).toMatchObject({ ran: true, identical: true });
  });
});
