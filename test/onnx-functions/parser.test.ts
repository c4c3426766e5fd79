/** The ONNX function text syntax: what parses, into what, and where a bad text is reported. */
import { describe, expect, it } from 'vitest';
import type { Attribute, Graph } from '../../src/ir/graph.js';
import { FunctionSyntaxError } from '../../src/onnx-functions/syntax-error.js';
import { parseFunction } from '../../src/onnx-functions/parser.js';
import type { DenseTensor } from '../../src/tensor/dense-tensor.js';

function attr(text: string, name: string, nodeIndex = 0): Attribute | undefined {
  return parseFunction(text).nodes[nodeIndex].attributes.get(name);
}

function tensorOf(a: Attribute | undefined): DenseTensor {
  if (a?.type !== 'tensor') throw new Error(`expected a tensor attribute, got ${a?.type}`);
  return a.value;
}

describe('parseFunction', () => {
  it('reads the header, signature, defaults and nodes', () => {
    const fn = parseFunction(`
      <domain: "custom", opset_import: ["" : 18, "com.microsoft" : 1]>
      Scale <alpha: float = 0.5, axes: ints = [0, -1], mode: string = "x", flag> (X, B) => (Y, Z)
      {
        # a comment
        A = Constant <value_float: float = @alpha> ()
        Y, Z = com.microsoft.Thing <axis = 1> (X, A)
      }`);
    expect(fn.name).toBe('Scale');
    expect(fn.domain).toBe('custom');
    expect([...fn.opsetImports]).toEqual([['', 18], ['com.microsoft', 1]]);
    expect(fn.inputs).toEqual(['X', 'B']);
    expect(fn.outputs).toEqual(['Y', 'Z']);
    expect(fn.attributeDefaults.get('alpha')).toEqual({ type: 'float', value: 0.5 });
    expect(fn.attributeDefaults.get('axes')).toEqual({ type: 'ints', value: [0, -1] });
    expect(fn.attributeDefaults.get('mode')).toMatchObject({ type: 'string', value: 'x' });
    expect(fn.attributeDefaults.has('flag')).toBe(true);
    expect(fn.attributeDefaults.get('flag')).toBeUndefined();
    expect(fn.nodes[0].attributes.get('value_float')).toEqual({ type: 'reference', value: 'alpha' });
    expect(fn.nodes[1]).toMatchObject({ opType: 'Thing', domain: 'com.microsoft', inputs: ['X', 'A'], outputs: ['Y', 'Z'] });
    expect(fn.nodes[1].attributes.get('axis')).toEqual({ type: 'int', value: 1 });
  });

  it('infers untyped attribute types from the written value', () => {
    const text = 'F (x) => (y) { y = Op <i = 3, f = 2.5, e = 1e-05, n = -7, s = "abc", li = [1, 2], lf = [1, 2.5], ls = ["a", "b"]> (x) }';
    expect(attr(text, 'i')).toEqual({ type: 'int', value: 3 });
    expect(attr(text, 'f')).toEqual({ type: 'float', value: 2.5 });
    expect(attr(text, 'e')).toEqual({ type: 'float', value: 1e-5 });
    expect(attr(text, 'n')).toEqual({ type: 'int', value: -7 });
    expect(attr(text, 's')).toMatchObject({ type: 'string', value: 'abc' });
    expect(attr(text, 'li')).toEqual({ type: 'ints', value: [1, 2] });
    expect(attr(text, 'lf')).toEqual({ type: 'floats', value: [1, 2.5] });
    expect(attr(text, 'ls')).toEqual({ type: 'strings', value: ['a', 'b'] });
  });

  it('honours a declared type over the written form', () => {
    expect(attr('F (x) => (y) { y = Op <a: float = 1> (x) }', 'a')).toEqual({ type: 'float', value: 1 });
    expect(attr('F (x) => (y) { y = Op <a: floats = [1, 2]> (x) }', 'a')).toEqual({ type: 'floats', value: [1, 2] });
  });

  it('reads tensor literals of every written form', () => {
    const scalar = tensorOf(attr('F () => (y) { y = Constant <value = float {3.0}> () }', 'value'));
    expect(scalar.type).toBe('float32');
    expect(scalar.dims).toEqual([]);
    expect(Array.from(scalar.data as Float32Array)).toEqual([3]);
    const typed = tensorOf(attr('F () => (y) { y = Constant <value: tensor = int64[3] {0, -1, 9223372036854775807}> () }', 'value'));
    expect(typed.dims).toEqual([3]);
    expect(Array.from(typed.data as BigInt64Array)).toEqual([0n, -1n, 9223372036854775807n]);
    const special = tensorOf(attr('F () => (y) { y = Constant <value = double[2, 2] {-inf, inf, nan, 0.5}> () }', 'value'));
    expect(special.type).toBe('float64');
    expect(special.dims).toEqual([2, 2]);
    expect(Array.from(special.data as Float64Array)).toEqual([-Infinity, Infinity, NaN, 0.5]);
    expect(tensorOf(attr('F () => (y) { y = Constant <value = bool {1}> () }', 'value')).data).toEqual(Uint8Array.of(1));
    expect(tensorOf(attr('F () => (y) { y = Constant <value = float16[1] {1.0}> () }', 'value')).data).toEqual(Uint16Array.of(0x3c00));
  });

  it('keeps omitted optional inputs and outputs as empty names', () => {
    const fn = parseFunction('F (x, m) => (y) { y, "", z = Op (x, , m) \n w = Op2 (x, "", m, ) }');
    expect(fn.nodes[0].outputs).toEqual(['y', '', 'z']);
    expect(fn.nodes[0].inputs).toEqual(['x', '', 'm']);
    expect(fn.nodes[1].inputs).toEqual(['x', '', 'm', '']);
  });

  it('reads graph attributes with typed and untyped formal parameters, before or after the inputs', () => {
    const fn = parseFunction(`
      F (n, c, s) => (out) {
        v, out = Loop (n, c, s) <body: graph = step (int64 i, bool cond, prev, float[N, 3] extra, seq(float[N]) items) => (cond_out, current) {
          cond_out = Identity (cond)
          current = Add (prev, s)
        }>
      }`);
    const body = fn.nodes[0].attributes.get('body');
    expect(body?.type).toBe('graph');
    const graph = body?.value as Graph;
    expect(graph.name).toBe('step');
    expect(graph.inputs.map((i) => i.name)).toEqual(['i', 'cond', 'prev', 'extra', 'items']);
    expect(graph.inputs[0].type).toEqual({ kind: 'tensor', elementType: 'int64', shape: undefined });
    expect(graph.inputs[2].type).toBeUndefined();
    expect(graph.inputs[3].type).toEqual({ kind: 'tensor', elementType: 'float32', shape: ['N', 3] });
    expect(graph.inputs[4].type).toEqual({ kind: 'sequence', elementType: { kind: 'tensor', elementType: 'float32', shape: ['N'] } });
    expect(graph.nodes.map((n) => n.opType)).toEqual(['Identity', 'Add']);
    const before = parseFunction('F (c) => (y) { y = If <then_branch = t () => (a) { a = Identity (c) }, else_branch = e () => (b) { b = Neg (c) }> (c) }');
    expect(before.nodes[0].attributes.get('else_branch')?.type).toBe('graph');
  });

  const bad: [string, string, number, number, RegExp][] = [
    ['missing arrow', 'F (x) (y) { }', 1, 7, /expected '=>'/],
    ['unterminated string', 'F (x) => (y) {\n  y = Op <s = "abc> (x)\n}', 2, 15, /unterminated string/],
    ['unknown element type', 'F () => (y) {\n  y = Constant <value = float {1}> ()\n  z = Constant <value: tensor = foo {1}> ()\n}', 3, 33, /unknown tensor element type 'foo'/],
    ['wrong value count', 'F () => (y) { y = Constant <value = int64[2] {1}> () }', 1, 37, /needs 2 values, got 1/],
    ['fraction in int64 tensor', 'F () => (y) { y = Constant <value = int64 {1.5}> () }', 1, 37, /expected an integer/],
    ['number for a list type', 'F (x) => (y) { y = Op <a: ints = 3> (x) }', 1, 34, /cannot be an attribute of type ints/],
    ['duplicate attribute', 'F (x) => (y) { y = Op <a = 1, a = 2> (x) }', 1, 31, /given twice/],
    ['stray character', 'F (x) => (y) { y = Op (x) ; }', 1, 27, /unexpected character ';'/],
    ['missing node operator', 'F (x) => (y) { y = (x) }', 1, 20, /expected an operator name/],
    ['text after the function', 'F (x) => (y) { y = Neg (x) } extra', 1, 30, /expected the end of the text/],
    ['unclosed body', 'F (x) => (y) {\n  y = Neg (x)\n', 3, 1, /found the end of the text/],
  ];
  for (const [what, text, line, column, message] of bad) {
    it(`reports ${what} at line ${line}, column ${column}`, () => {
      let error: unknown;
      try {
        parseFunction(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FunctionSyntaxError);
      const syntax = error as FunctionSyntaxError;
      expect(syntax.name).toBe('FunctionSyntaxError');
      expect([syntax.line, syntax.column]).toEqual([line, column]);
      expect(syntax.message).toMatch(message);
    });
  }
});
