/** Writing attribute values into body text so that they parse back to the same value. */

/** A float as the text syntax reads it back exactly (shortest round-trip form, inf and nan named). */
export function floatText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const text = String(value);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

export function intsText(values: readonly number[]): string {
  return `[${values.join(', ')}]`;
}

/** Body lines joined, dropping the ones a condition left out (written as ''). */
export function lines(...parts: readonly string[]): string {
  return parts.filter((p) => p !== '').join('\n');
}
