/** Shape rules of the channels-last ops (com.ms.internal.nhwc): the planar rule, with the layout's axes moved. */
import { NHWC_DOMAIN, TO_NCHW, TO_NHWC } from '../../kernels/nhwc/nhwc-layout.js';
import { nnShapeRules } from './nn-shapes.js';
import { tensorType, type ShapeRule } from './shape-rule.js';

function channelsLast(planarOp: string): ShapeRule {
  const planar = nnShapeRules.find(([op]) => op === planarOp)?.[1];
  if (!planar) throw new Error(`no shape rule for ${planarOp}`);
  return (node, inputs, opset) => {
    const x = inputs[0]?.type;
    const shape = x?.shape?.length === 4 ? TO_NCHW.map((p) => x.shape?.[p]) : undefined;
    const [y] = planar(node, [{ ...inputs[0], type: x && tensorType(x.elementType, shape) }, ...inputs.slice(1)], opset);
    const out = y?.shape?.length === 4 ? TO_NHWC.map((p) => y.shape?.[p]) : undefined;
    return [tensorType(y?.elementType, out)];
  };
}

export const layoutShapeRules: [string, ShapeRule][] = [[`${NHWC_DOMAIN}:Conv`, channelsLast('Conv')]];
