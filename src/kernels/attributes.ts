/**
 * Typed access to a node's attributes for a kernel's parseAttributes (run once at plan time).
 * A wrong type or a missing required attribute is a KernelInputError naming the attribute.
 */
import { KernelInputError } from '../errors/errors.js';
import type { Attribute, AttributeType, Graph } from '../ir/graph.js';
import type { ValueType } from '../ir/value-type.js';
import type { DenseTensor } from '../tensor/dense-tensor.js';

type ValueOf<T extends AttributeType> = Extract<Attribute, { type: T }>['value'];

export class AttributeReader {
  constructor(private readonly attributes: ReadonlyMap<string, Attribute>) {}

  has(name: string): boolean {
    return this.attributes.has(name);
  }

  names(): string[] {
    return [...this.attributes.keys()];
  }

  private get<T extends AttributeType>(name: string, types: readonly T[]): ValueOf<T> | undefined {
    const attr = this.attributes.get(name);
    if (attr === undefined) return undefined;
    if (!(types as readonly string[]).includes(attr.type)) {
      throw new KernelInputError(`attribute '${name}' must be ${types.join(' or ')}, got ${attr.type}`);
    }
    return attr.value as unknown as ValueOf<T> | undefined;
  }

  private required<T>(name: string, value: T | undefined): T {
    if (value === undefined) throw new KernelInputError(`attribute '${name}' is required but missing`);
    return value;
  }

  int(name: string, fallback: number): number;
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    return this.get(name, ['int']) ?? fallback;
  }

  requiredInt(name: string): number {
    return this.required(name, this.int(name));
  }

  float(name: string, fallback: number): number;
  float(name: string): number | undefined;
  float(name: string, fallback?: number): number | undefined {
    return this.get(name, ['float']) ?? fallback;
  }

  string(name: string, fallback: string): string;
  string(name: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    return this.get(name, ['string']) ?? fallback;
  }

  ints(name: string, fallback: readonly number[]): readonly number[];
  ints(name: string): readonly number[] | undefined;
  ints(name: string, fallback?: readonly number[]): readonly number[] | undefined {
    return this.get(name, ['ints']) ?? fallback;
  }

  requiredInts(name: string): readonly number[] {
    return this.required(name, this.ints(name));
  }

  floats(name: string, fallback: readonly number[]): readonly number[];
  floats(name: string): readonly number[] | undefined;
  floats(name: string, fallback?: readonly number[]): readonly number[] | undefined {
    return this.get(name, ['floats']) ?? fallback;
  }

  strings(name: string, fallback: readonly string[]): readonly string[];
  strings(name: string): readonly string[] | undefined;
  strings(name: string, fallback?: readonly string[]): readonly string[] | undefined {
    return this.get(name, ['strings']) ?? fallback;
  }

  tensor(name: string): DenseTensor | undefined {
    return this.get(name, ['tensor', 'sparse-tensor']);
  }

  tensors(name: string): readonly DenseTensor[] | undefined {
    return this.get(name, ['tensors', 'sparse-tensors']);
  }

  graph(name: string): Graph | undefined {
    return this.get(name, ['graph']);
  }

  requiredGraph(name: string): Graph {
    return this.required(name, this.graph(name));
  }

  type(name: string): ValueType | undefined {
    return this.get(name, ['type']);
  }

  /** The attribute as stored, for kernels (Constant) that accept any of several kinds. */
  raw(name: string): Attribute | undefined {
    return this.attributes.get(name);
  }
}
