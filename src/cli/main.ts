#!/usr/bin/env node
/** The `onnxts` command line: one file per command under commands/, each a thin layer over the library. */
import { Command } from 'commander';
import { VERSION } from '../api/env.js';
import { installPlatform } from '../platform/platform.js';
import { nodePlatform } from '../platform/node.js';
import { registerBench } from './commands/bench.js';
import { registerConformance } from './commands/conformance.js';
import { registerInspect } from './commands/inspect.js';
import { registerOptimize } from './commands/optimize.js';
import { registerProfile } from './commands/profile.js';
import { registerRun } from './commands/run.js';

installPlatform(nodePlatform);

const program = new Command();
program.name('onnxts').description('ONNX inference in TypeScript').version(VERSION);
registerConformance(program);
registerRun(program);
registerInspect(program);
registerOptimize(program);
registerBench(program);
registerProfile(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`onnxts: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
