/** A ModelSummary as the text `onnxts inspect` prints. */
import type { ModelSummary, ModelValueInfo, OpUsage } from './model-summary.js';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function valueLines(values: readonly ModelValueInfo[]): string[] {
  if (values.length === 0) return ['  (none)'];
  const width = Math.max(...values.map((v) => v.name.length));
  return values.map((v) => `  ${v.name.padEnd(width)}  ${v.type}`);
}

function opLine(o: OpUsage, width: number): string {
  const notes: string[] = [];
  if (o.inSubgraphs > 0) notes.push(`${o.inSubgraphs} in subgraphs`);
  if (o.inFunctions > 0) notes.push(`${o.inFunctions} in functions`);
  const status = o.kernel ? '' : o.localFunction ? '  local function' : '  NO KERNEL';
  const total = o.count + o.inSubgraphs + o.inFunctions;
  return `  ${String(total).padStart(6)}  ${o.op.padEnd(width)}${notes.length ? `  (${notes.join(', ')})` : ''}${status}`.trimEnd();
}

export function formatModelSummary(s: ModelSummary, title?: string): string {
  const lines: string[] = [];
  if (title) lines.push(`model:        ${title}`);
  const producer = [s.producer.name, s.producer.version].filter(Boolean).join(' ');
  lines.push(`producer:     ${producer || '(not recorded)'}`);
  lines.push(`IR version:   ${s.irVersion}`);
  lines.push(`opsets:       ${s.opsets.map((o) => `${o.domain} ${o.version}`).join(', ')}`);
  if (s.domain || s.modelVersion) lines.push(`model domain: ${s.domain || '-'}, version ${s.modelVersion}`);
  for (const [key, value] of Object.entries(s.metadata)) lines.push(`metadata:     ${key} = ${value}`);
  lines.push(`functions:    ${s.functions.length === 0 ? 'none' : s.functions.map((f) => `${f.domain}:${f.name} (${f.nodes} node${f.nodes === 1 ? '' : 's'})`).join(', ')}`);
  lines.push('inputs:', ...valueLines(s.inputs));
  lines.push('outputs:', ...valueLines(s.outputs));
  const i = s.initializers;
  const overridable = i.overridable > 0 ? `, ${i.overridable} also graph inputs` : '';
  lines.push(`initializers: ${i.count} (${i.parameters} parameters, ${formatBytes(i.bytes)}${overridable})`);
  const extra = [s.nodes.subgraphs > 0 ? `${s.nodes.subgraphs} in subgraphs` : '', s.nodes.functions > 0 ? `${s.nodes.functions} in functions` : '']
    .filter(Boolean);
  lines.push(`nodes:        ${s.nodes.graph}${extra.length ? ` (+ ${extra.join(', ')})` : ''}`);
  lines.push('ops:');
  const width = Math.max(0, ...s.ops.map((o) => o.op.length));
  lines.push(...(s.ops.length === 0 ? ['  (none)'] : s.ops.map((o) => opLine(o, width))));
  lines.push(`unsupported:  ${s.unsupportedOps.length === 0 ? 'none' : s.unsupportedOps.join(', ')}`);
  return lines.join('\n') + '\n';
}
