/**
 * External data references (TensorProto.external_data) and the rule that keeps them inside
 * the model's folder: a location that is absolute, carries a drive or URL scheme, or climbs
 * out with `..` is refused before anything is read.
 */
import { ModelLoadError } from '../errors/errors.js';
import type { TensorProto } from './proto-types.js';

export interface ExternalDataReference {
  readonly location: string;
  readonly offset: number;
  /** Bytes to read; undefined means "to the end of the file". */
  readonly length: number | undefined;
}

export function isExternal(tensor: TensorProto): boolean {
  return tensor.data_location === 1;
}

export function externalDataReference(tensor: TensorProto): ExternalDataReference {
  const entries = new Map((tensor.external_data ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location');
  const name = tensor.name ? `'${tensor.name}'` : '(unnamed)';
  if (!location) {
    throw new ModelLoadError('external-data', `tensor ${name} is stored externally but names no location`);
  }
  const parse = (key: string): number | undefined => {
    const text = entries.get(key);
    if (text === undefined || text === '') return undefined;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ModelLoadError('external-data', `tensor ${name}: external data ${key} '${text}' is not a byte count`);
    }
    return value;
  };
  return { location: checkedLocation(location, name), offset: parse('offset') ?? 0, length: parse('length') };
}

/** Normalised relative path ('a/b.bin'), or a ModelLoadError when it would leave the folder. */
export function checkedLocation(location: string, tensorName: string): string {
  const refuse = (why: string): never => {
    throw new ModelLoadError(
      'external-data',
      `tensor ${tensorName}: external data location '${location}' is refused: ${why}`,
    );
  };
  if (location.includes('\0')) refuse('it contains a NUL byte');
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location)) refuse('it is absolute (a drive letter or URL scheme)');
  if (location.startsWith('/') || location.startsWith('\\')) refuse('it is an absolute path');
  const parts: string[] = [];
  for (const part of location.split(/[\\/]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) refuse("it escapes the model's folder");
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  if (parts.length === 0) refuse('it names no file');
  return parts.join('/');
}

export function sliceExternalData(
  file: Uint8Array,
  ref: ExternalDataReference,
  tensorName: string,
): Uint8Array {
  const end = ref.length === undefined ? file.length : ref.offset + ref.length;
  if (ref.offset > file.length || end > file.length) {
    throw new ModelLoadError(
      'external-data',
      `tensor '${tensorName}': external data ${ref.location} is ${file.length} bytes, ` +
        `but the tensor needs bytes ${ref.offset} to ${end}`,
    );
  }
  return file.subarray(ref.offset, end);
}
