/**
 * Output names -> `<name>.npy` file names that are safe on every common file system: only
 * letters, digits, '.', '_' and '-', no leading dot, no Windows device names, and distinct
 * even where names differ only in case.
 */
const WINDOWS_DEVICES = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

function safeStem(name: string): string {
  const stem = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\./, '_').slice(0, 200);
  if (stem === '') return 'output';
  return WINDOWS_DEVICES.test(stem) ? `_${stem}` : stem;
}

export function npyFileNames(names: readonly string[]): Map<string, string> {
  const taken = new Set<string>();
  const files = new Map<string, string>();
  for (const name of names) {
    const stem = safeStem(name);
    let candidate = stem;
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem}_${n}`;
    taken.add(candidate.toLowerCase());
    files.set(name, `${candidate}.npy`);
  }
  return files;
}
