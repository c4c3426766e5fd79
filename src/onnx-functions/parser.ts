/**
 * The ONNX textual syntax for functions (onnx/defs/parser.cc, as onnx.printer writes it):
 *
 *   <domain: "", opset_import: ["" : 18]>
 *   Celu <alpha: float = 1.0> (X) => (Y) {
 *     Alpha = Constant <value_float: float = @alpha> ()
 *     a, b = Split <axis = 1> (X, "")
 *   }
 *
 * Attributes may be typed (`axis: int = 1`) or not (`axis = 1`), refer to the function's own
 * (`@alpha`), hold tensor literals (`int64[2] {0, 1}`) or graphs (`g (x) => (y) { ... }`). An
 * omitted optional input or output is written `""` or left empty between commas.
 */
import type { Attribute, FunctionDef, Graph, Node, ValueInfo } from '../ir/graph.js';
import type { Dim, ValueType } from '../ir/value-type.js';
import type { DenseTensor } from '../tensor/dense-tensor.js';
import { tokenize, type Token } from './lexer.js';
import { FunctionSyntaxError } from './syntax-error.js';
import { elementTypeNamed, numberFromText, tensorFromLiteral, type LiteralElement } from './tensor-literal.js';

const LIST_TYPES = new Set(['ints', 'floats', 'strings']);

class Parser {
  private pos = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  functionDef(): FunctionDef {
    const header = this.acceptPunct('<') ? this.header() : { domain: '', opsetImports: new Map<string, number>() };
    const name = this.ident('a function name');
    const attributeDefaults = new Map<string, Attribute | undefined>();
    if (this.acceptPunct('<')) {
      this.commaList('>', () => {
        const attr = this.ident('an attribute name');
        const type = this.acceptPunct(':') ? this.ident('an attribute type') : undefined;
        attributeDefaults.set(attr, this.acceptPunct('=') ? this.attributeValue(type) : undefined);
      });
    }
    const inputs = this.nameList();
    this.expectPunct('=>');
    const outputs = this.nameList();
    const nodes = this.nodeBlock();
    this.expect('end', 'the end of the text');
    return { name, domain: header.domain, inputs, outputs, attributeDefaults, nodes, opsetImports: header.opsetImports };
  }

  private header(): { domain: string; opsetImports: Map<string, number> } {
    let domain = '';
    const opsetImports = new Map<string, number>();
    this.commaList('>', () => {
      const key = this.ident('a header key');
      this.expectPunct(':');
      if (key === 'opset_import') {
        this.expectPunct('[');
        this.commaList(']', () => {
          const importDomain = this.expect('string', 'a quoted domain').text;
          this.expectPunct(':');
          opsetImports.set(importDomain === 'ai.onnx' ? '' : importDomain, this.integer());
        });
      } else if (key === 'domain') {
        domain = this.expect('string', 'a quoted domain').text;
      } else {
        this.next();
      }
    });
    return { domain, opsetImports };
  }

  private nodeBlock(): Node[] {
    this.expectPunct('{');
    const nodes: Node[] = [];
    while (!this.acceptPunct('}')) nodes.push(this.node());
    return nodes;
  }

  private node(): Node {
    const outputs: string[] = [];
    if (!this.isPunct('=')) {
      do outputs.push(this.valueName()); while (this.acceptPunct(','));
    }
    this.expectPunct('=');
    const path = [this.ident('an operator name')];
    while (this.acceptPunct('.')) path.push(this.ident('an operator name'));
    const opType = path.pop() as string;
    const attributes = new Map<string, Attribute>();
    if (this.acceptPunct('<')) this.attributes(attributes);
    const inputs = this.optionalNameList();
    if (this.acceptPunct('<')) this.attributes(attributes);
    return { name: '', opType, domain: path.join('.'), inputs, outputs, attributes };
  }

  private attributes(into: Map<string, Attribute>): void {
    this.commaList('>', () => {
      const token = this.peek();
      const name = this.ident('an attribute name');
      const type = this.acceptPunct(':') ? this.ident('an attribute type') : undefined;
      this.expectPunct('=');
      if (into.has(name)) this.fail(`attribute '${name}' is given twice`, token);
      into.set(name, this.attributeValue(type));
    });
  }

  private attributeValue(type: string | undefined): Attribute {
    const token = this.peek();
    if (this.acceptPunct('@')) return { type: 'reference', value: this.ident('an attribute name') };
    if (type === 'graph' || (type === undefined && token.kind === 'ident' && this.peek(1).text === '(')) {
      return { type: 'graph', value: this.graph() };
    }
    if (type === 'tensor' || (token.kind === 'ident' && elementTypeNamed(token.text) && ['[', '{'].includes(this.peek(1).text))) {
      return { type: 'tensor', value: this.tensorLiteral() };
    }
    if (this.acceptPunct('[')) return this.list(type, token);
    if (token.kind === 'string') {
      this.next();
      return { type: 'string', value: token.text, bytes: new TextEncoder().encode(token.text) };
    }
    const number = this.numberText();
    if (type === 'float' || (type === undefined && !/^[+-]?\d+$/.test(number))) return { type: 'float', value: this.toNumber(number, token) };
    if (type !== undefined && type !== 'int') this.fail(`a number cannot be an attribute of type ${type}`, token);
    return { type: 'int', value: this.toInteger(number, token) };
  }

  private list(type: string | undefined, at: Token): Attribute {
    if (type !== undefined && !LIST_TYPES.has(type)) this.fail(`a list cannot be an attribute of type ${type}`, at);
    const elements: Token[] = [];
    this.commaList(']', () => {
      const token = this.peek();
      elements.push(token.kind === 'string' ? this.next() : { ...token, text: this.numberText() });
    });
    const strings = type === 'strings' || (type === undefined && elements.some((e) => e.kind === 'string'));
    if (strings) return { type: 'strings', value: elements.map((e) => e.text) };
    const floats = type === 'floats' || (type === undefined && elements.some((e) => !/^[+-]?\d+$/.test(e.text)));
    if (floats) return { type: 'floats', value: elements.map((e) => this.toNumber(e.text, e)) };
    return { type: 'ints', value: elements.map((e) => this.toInteger(e.text, e)) };
  }

  private tensorLiteral(): DenseTensor {
    const token = this.peek();
    const typeName = this.ident('a tensor element type');
    const elementType = elementTypeNamed(typeName);
    if (!elementType) return this.fail(`unknown tensor element type '${typeName}'`, token);
    const dims: number[] = [];
    if (this.acceptPunct('[')) this.commaList(']', () => dims.push(this.integer()));
    this.expectPunct('{');
    const elements: LiteralElement[] = [];
    this.commaList('}', () => {
      const t = this.peek();
      elements.push(t.kind === 'string' ? { string: this.next().text } : { number: this.numberText() });
    });
    try {
      return tensorFromLiteral(elementType, dims, elements);
    } catch (error) {
      return this.fail((error as Error).message, token);
    }
  }

  private graph(): Graph {
    const name = this.ident('a graph name');
    const inputs = this.typedNameList();
    this.expectPunct('=>');
    const outputs = this.typedNameList();
    const nodes = this.nodeBlock();
    return { name, nodes, inputs, outputs, initializers: new Map(), valueInfo: new Map() };
  }

  private typedNameList(): ValueInfo[] {
    this.expectPunct('(');
    const infos: ValueInfo[] = [];
    this.commaList(')', () => {
      const named = this.peek().kind === 'ident' && [',', ')'].includes(this.peek(1).text);
      const type = named ? undefined : this.valueType();
      infos.push({ name: this.ident('a value name'), type });
    });
    return infos;
  }

  private valueType(): ValueType {
    const token = this.peek();
    const name = this.ident('a type');
    const wrapped = (): ValueType => {
      this.expectPunct('(');
      const inner = this.valueType();
      this.expectPunct(')');
      return inner;
    };
    if (name === 'seq') return { kind: 'sequence', elementType: wrapped() };
    if (name === 'optional') return { kind: 'optional', elementType: wrapped() };
    const elementType = elementTypeNamed(name);
    if (!elementType) return this.fail(`unknown type '${name}'`, token);
    let shape: Dim[] | undefined;
    if (this.acceptPunct('[')) {
      shape = [];
      this.commaList(']', () => {
        const dim = this.peek();
        shape?.push(dim.kind === 'ident' ? this.next().text : this.integer());
      });
    }
    return { kind: 'tensor', elementType, shape };
  }

  private nameList(): string[] {
    this.expectPunct('(');
    const names: string[] = [];
    this.commaList(')', () => names.push(this.ident('a value name')));
    return names;
  }

  /** `(a, , "", b)`: empty places and "" are omitted optional inputs. */
  private optionalNameList(): string[] {
    this.expectPunct('(');
    if (this.acceptPunct(')')) return [];
    const names: string[] = [];
    for (;;) {
      names.push(this.isPunct(',') || this.isPunct(')') ? '' : this.valueName());
      if (this.acceptPunct(')')) return names;
      this.expectPunct(',');
    }
  }

  private valueName(): string {
    const token = this.peek();
    if (token.kind === 'string') return this.next().text;
    return this.ident('a value name');
  }

  /** Items separated by commas up to `close` (consumed); the list may be empty. */
  private commaList(close: string, item: () => void): void {
    if (this.acceptPunct(close)) return;
    do item(); while (this.acceptPunct(','));
    this.expectPunct(close);
  }

  private numberText(): string {
    const token = this.peek();
    const sign = this.acceptPunct('-') ? '-' : '';
    const t = this.next();
    if (t.kind === 'number' && sign === '') return t.text;
    if (t.kind === 'ident' && (t.text === 'inf' || t.text === 'nan')) return sign + t.text;
    return this.fail('expected a number', token);
  }

  private integer(): number {
    const token = this.peek();
    return this.toInteger(this.numberText(), token);
  }

  private toInteger(text: string, at: Token): number {
    if (!/^[+-]?\d+$/.test(text)) this.fail(`expected an integer, got ${text}`, at);
    return Number(text);
  }

  private toNumber(text: string, at: Token): number {
    const value = numberFromText(text);
    if (Number.isNaN(value) && !text.endsWith('nan')) this.fail(`expected a number, got ${text}`, at);
    return value;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.pos++;
    return token;
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === text;
  }

  private acceptPunct(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.pos++;
    return true;
  }

  private expectPunct(text: string): void {
    if (!this.acceptPunct(text)) this.fail(`expected '${text}'`, this.peek());
  }

  private ident(what: string): string {
    return this.expect('ident', what).text;
  }

  private expect(kind: Token['kind'], what: string): Token {
    const token = this.peek();
    if (token.kind !== kind) this.fail(`expected ${what}`, token);
    return this.next();
  }

  private fail(reason: string, at: Token): never {
    const found = at.kind === 'end' ? 'the end of the text' : `'${at.text}'`;
    throw new FunctionSyntaxError(`${reason}, found ${found}`, at.line, at.column);
  }
}

/** Parses one function in the ONNX text syntax; throws FunctionSyntaxError with the position. */
export function parseFunction(source: string): FunctionDef {
  return new Parser(tokenize(source)).functionDef();
}
