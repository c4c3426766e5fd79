/**
 * Says what a byte buffer is when it is not an ONNX model, in words a user can act on:
 * an empty file, an HTML page (a download that returned a web page), a Git LFS pointer (a
 * clone without `git lfs pull`), JSON or other text, or bytes that are no protobuf at all.
 */
import { ModelLoadError } from '../errors/errors.js';

const textDecoder = new TextDecoder('utf-8', { fatal: false });

function headText(bytes: Uint8Array, length = 512): string {
  return textDecoder.decode(bytes.subarray(0, Math.min(length, bytes.length)));
}

function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512);
  let printable = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 0xc0) printable++;
  }
  return n > 0 && printable / n > 0.95;
}

/** Throws a ModelLoadError when the bytes are, by their signature, no model; returns otherwise. */
export function rejectNonModelBytes(bytes: Uint8Array, source: string): void {
  if (bytes.length === 0) {
    throw new ModelLoadError('empty', `${source} is empty (0 bytes): it holds no model`);
  }
  const head = headText(bytes).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('version https://git-lfs.github.com/spec/')) {
    const size = /size (\d+)/.exec(head)?.[1];
    throw new ModelLoadError(
      'git-lfs-pointer',
      `${source} is a Git LFS pointer file (${bytes.length} bytes), not the model itself` +
        (size ? `; the real file is ${size} bytes` : '') +
        '. Fetch it with `git lfs pull` or download the file itself.',
    );
  }
  const lower = head.slice(0, 200).toLowerCase();
  if (lower.startsWith('<!doctype html') || lower.startsWith('<html') || lower.startsWith('<head') ||
      (lower.startsWith('<') && lower.includes('<html'))) {
    throw new ModelLoadError(
      'html',
      `${source} is an HTML page, not an ONNX model: the download probably returned a web page ` +
        '(a login, error or "view file" page) instead of the file',
    );
  }
  // '{' and '[' cannot start a protobuf message (wire types 3 and 3), so this is safe before decoding.
  if ((lower.startsWith('{') || lower.startsWith('[')) && looksLikeText(bytes)) {
    throw new ModelLoadError('not-onnx', `${source} is a JSON document, not an ONNX model (ONNX models are binary protobuf)`);
  }
}

/**
 * Called only once decoding has failed: a small valid model can be mostly printable, so
 * "looks like text" is a diagnosis, never a reason to refuse.
 */
export function describeUndecodable(bytes: Uint8Array, source: string, why: string): ModelLoadError {
  if (looksLikeText(bytes)) {
    return new ModelLoadError('not-onnx', `${source} is a text file, not an ONNX model (ONNX models are binary protobuf)`);
  }
  return new ModelLoadError('not-onnx', `${source} is not an ONNX model: ${why}`);
}
