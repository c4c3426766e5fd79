/**
 * Resize's attributes as each opset defines them. Opset 10 (and Upsample) had only `mode`: its
 * coordinates are asymmetric and its nearest rounding is the legacy one. Opset 11 added the
 * coordinate and nearest modes and cubic; 18 added antialias, axes and keep_aspect_ratio_policy;
 * 19 added half_pixel_symmetric.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { AttributeReader } from '../attributes.js';

export type ResizeMode = 'nearest' | 'linear' | 'cubic';

export type CoordinateMode =
  | 'half_pixel' | 'half_pixel_symmetric' | 'pytorch_half_pixel' | 'align_corners'
  | 'asymmetric' | 'tf_half_pixel_for_nn' | 'tf_crop_and_resize';

/** `legacy` is the rounding before opset 11: ceil when downsampling, floor otherwise. */
export type NearestMode = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil' | 'legacy';

export type AspectRatioPolicy = 'stretch' | 'not_larger' | 'not_smaller';

export interface ResizeAttributes {
  readonly mode: ResizeMode;
  readonly coordinateMode: CoordinateMode;
  readonly nearestMode: NearestMode;
  readonly cubicCoeffA: number;
  readonly excludeOutside: boolean;
  readonly extrapolationValue: number;
  readonly antialias: boolean;
  /** The dims that scales, sizes and roi refer to; all dims when absent. */
  readonly axes: readonly number[] | undefined;
  readonly aspectRatioPolicy: AspectRatioPolicy;
  /** Upsample allows no downscaling. */
  readonly minScale: 'positive' | 'at-least-one';
}

function oneOf<T extends string>(attrs: AttributeReader, name: string, fallback: T, allowed: readonly T[]): T {
  const value = attrs.string(name, fallback);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new KernelInputError(`attribute '${name}' must be one of ${allowed.join(', ')}; got '${value}'`);
  }
  return value as T;
}

const COORDINATE_MODES_11: readonly CoordinateMode[] = [
  'half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn', 'tf_crop_and_resize',
];

/**
 * Attributes of Resize at `opset`. tf_half_pixel_for_nn left the spec at opset 13 but is still
 * accepted there, as onnxruntime does, because TensorFlow converters keep emitting it.
 */
export function parseResizeAttributes(attrs: AttributeReader, opset: number): ResizeAttributes {
  const legacy = opset < 11;
  const mode = oneOf<ResizeMode>(attrs, 'mode', 'nearest', legacy ? ['nearest', 'linear'] : ['nearest', 'linear', 'cubic']);
  const coordinateModes = opset >= 19 ? [...COORDINATE_MODES_11, 'half_pixel_symmetric' as const] : COORDINATE_MODES_11;
  return {
    mode,
    coordinateMode: legacy ? 'asymmetric' : oneOf(attrs, 'coordinate_transformation_mode', 'half_pixel', coordinateModes),
    nearestMode: legacy ? 'legacy' : oneOf<NearestMode>(attrs, 'nearest_mode', 'round_prefer_floor', ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil']),
    cubicCoeffA: attrs.float('cubic_coeff_a', -0.75),
    excludeOutside: attrs.int('exclude_outside', 0) !== 0,
    extrapolationValue: attrs.float('extrapolation_value', 0),
    antialias: opset >= 18 && attrs.int('antialias', 0) !== 0,
    axes: opset >= 18 ? attrs.ints('axes') : undefined,
    aspectRatioPolicy: opset >= 18 ? oneOf<AspectRatioPolicy>(attrs, 'keep_aspect_ratio_policy', 'stretch', ['stretch', 'not_larger', 'not_smaller']) : 'stretch',
    minScale: 'positive',
  };
}
