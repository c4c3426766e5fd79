import type { DataType } from '../tensor/element-type.js';

/** A dimension: a number when static, a name ('batch') when symbolic, undefined when unknown. */
export type Dim = number | string | undefined;

export type ValueType =
  | { readonly kind: 'tensor'; readonly elementType: DataType | undefined; readonly shape: readonly Dim[] | undefined }
  | { readonly kind: 'sparse-tensor'; readonly elementType: DataType | undefined; readonly shape: readonly Dim[] | undefined }
  | { readonly kind: 'sequence'; readonly elementType: ValueType | undefined }
  | { readonly kind: 'map'; readonly keyType: DataType | undefined; readonly valueType: ValueType | undefined }
  | { readonly kind: 'optional'; readonly elementType: ValueType | undefined }
  | { readonly kind: 'opaque' };

export function formatValueType(type: ValueType | undefined): string {
  if (!type) return 'unknown';
  switch (type.kind) {
    case 'tensor':
    case 'sparse-tensor': {
      const shape = type.shape ? `[${type.shape.map((d) => (d === undefined ? '?' : String(d))).join(',')}]` : '[?]';
      return `${type.kind === 'tensor' ? '' : 'sparse '}${type.elementType ?? '?'}${shape}`;
    }
    case 'sequence':
      return `sequence<${formatValueType(type.elementType)}>`;
    case 'map':
      return `map<${type.keyType ?? '?'},${formatValueType(type.valueType)}>`;
    case 'optional':
      return `optional<${formatValueType(type.elementType)}>`;
    case 'opaque':
      return 'opaque';
  }
}
