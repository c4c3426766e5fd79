/** Shape rules of ops that keep their input's shape, or broadcast several inputs to one. */
import { dataTypeFromOnnx } from '../../tensor/element-type.js';
import { intAttribute } from '../node-values.js';
import { broadcastShapes } from './dims.js';
import { elementTypeOf, shapeOf, tensorType, type ShapeRule } from './shape-rule.js';

const sameAsFirst: ShapeRule = (_node, inputs) => [inputs[0]?.type];

const UNARY_OPS = [
  'Abs', 'Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atanh', 'BitwiseNot', 'Ceil', 'Celu', 'Clip', 'Cos', 'Cosh',
  'CumSum', 'Elu', 'Erf', 'Exp', 'Floor', 'Gelu', 'HardSigmoid', 'HardSwish', 'Hardmax', 'Identity', 'LeakyRelu',
  'Log', 'LogSoftmax', 'LpNormalization', 'LRN', 'MeanVarianceNormalization', 'Mish', 'Neg', 'Not', 'PRelu',
  'Reciprocal', 'Relu', 'ReverseSequence', 'Round', 'Selu', 'Shrink', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Softmax',
  'Softplus', 'Softsign', 'Sqrt', 'Tan', 'Tanh', 'ThresholdedRelu', 'Trilu',
  // Normalizations: the first output has the input's shape (the others, training statistics, are left unknown).
  'BatchNormalization', 'GroupNormalization', 'InstanceNormalization', 'LayerNormalization', 'RMSNormalization',
];

const CONTRIB_UNARY_OPS = ['Gelu', 'FastGelu', 'QuickGelu', 'BiasGelu', 'SkipLayerNormalization', 'SimplifiedLayerNormalization'];

const SAME_TYPE_BROADCAST_OPS = [
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Mod', 'BitShift', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor', 'Max', 'Min', 'Sum', 'Mean',
];
const BOOL_BROADCAST_OPS = ['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor'];

const broadcast = (boolean: boolean): ShapeRule => (_node, inputs) => [
  tensorType(boolean ? 'bool' : elementTypeOf(inputs, 0), broadcastShapes(inputs.map((i) => i.type?.shape))),
];

export const elementwiseShapeRules: [string, ShapeRule][] = [
  ...UNARY_OPS.map((op): [string, ShapeRule] => [op, sameAsFirst]),
  ...CONTRIB_UNARY_OPS.map((op): [string, ShapeRule] => [`com.microsoft:${op}`, sameAsFirst]),
  ...SAME_TYPE_BROADCAST_OPS.map((op): [string, ShapeRule] => [op, broadcast(false)]),
  ...BOOL_BROADCAST_OPS.map((op): [string, ShapeRule] => [op, broadcast(true)]),
  ['IsNaN', (_n, inputs) => [tensorType('bool', shapeOf(inputs, 0))]],
  ['IsInf', (_n, inputs) => [tensorType('bool', shapeOf(inputs, 0))]],
  ['Dropout', (_n, inputs, opset) => [inputs[0]?.type, tensorType(opset < 10 ? elementTypeOf(inputs, 0) : 'bool', shapeOf(inputs, 0))]],
  ['Where', (_n, inputs) => [tensorType(elementTypeOf(inputs, 1) ?? elementTypeOf(inputs, 2), broadcastShapes(inputs.map((i) => i.type?.shape)))]],
  ['Cast', (node, inputs) => [tensorType(dataTypeFromOnnx(intAttribute(node, 'to', 0)), shapeOf(inputs, 0))]],
  ['CastLike', (_n, inputs) => [tensorType(elementTypeOf(inputs, 1), shapeOf(inputs, 0))]],
];
