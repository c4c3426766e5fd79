/** Benchmarking: single-session timing for `onnxts bench`, and the multi-runtime suite for `npm run bench`. */
export { latencyStats, quantile } from './statistics.js';
export type { LatencyStats } from './statistics.js';
export { benchmarkSession } from './session-benchmark.js';
export type { RunPhase, SessionBenchOptions, SessionBenchReport } from './session-benchmark.js';
export type { MemoryProbe, MemoryReport, MemorySample } from './memory-probe.js';
export { bindSession, ortLikeRuntime } from './ort-like-runtime.js';
export type { BenchRuntime, LoadedModel, OrtLikeModule, OrtLikeSession, OutputData } from './ort-like-runtime.js';
export { compareOutputs, OUTPUT_TOLERANCE } from './output-comparison.js';
export type { OutputComparison } from './output-comparison.js';
export { parseFill, parseManifest } from './manifest-models.js';
export type { ManifestModel } from './manifest-models.js';
export { SHARED_SUITE_MODELS, standardSuite } from './standard-suite.js';
export type { SuiteModel } from './standard-suite.js';
export { benchmarkModel, runSuite } from './suite.js';
export type { ModelOutcome, RuntimeOutcome, SuiteOptions, SuiteRunEvent } from './suite.js';
export { suiteJson, suiteMarkdown } from './suite-report.js';
export type { SuiteRunInfo } from './suite-report.js';
export { BenchSetupError } from './bench-setup-error.js';
