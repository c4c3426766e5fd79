/** The convolutional architectures at their standard input sizes, against onnxruntime-node. */
import { describe, it } from 'vitest';
import { densenet121 } from '../../src/tools/model-builder/architectures/densenet121.js';
import { imageRecipe } from '../../src/tools/model-builder/architectures/image-classifier.js';
import { mobilenetV2 } from '../../src/tools/model-builder/architectures/mobilenet-v2.js';
import { resnet50 } from '../../src/tools/model-builder/architectures/resnet50.js';
import { squeezenet11 } from '../../src/tools/model-builder/architectures/squeezenet.js';
import { yolov8n, yoloRecipe } from '../../src/tools/model-builder/architectures/yolov8n.js';
import { checkArchitecture, type ArchitectureCase } from './architecture-check.js';

const CLASSIFIER_TAIL = ['GlobalAveragePool', 'Flatten', 'Gemm'];

/** Parameter counts are torchvision's and ultralytics' (fused) own. */
const CASES: ArchitectureCase[] = [
  {
    name: 'ResNet-50', parameters: 25_557_032, build: (seed) => resnet50({ seed }), recipe: imageRecipe({}),
    ops: ['Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'Add', ...CLASSIFIER_TAIL],
  },
  {
    name: 'MobileNetV2', parameters: 3_504_872, build: (seed) => mobilenetV2({ seed }), recipe: imageRecipe({}),
    ops: ['Conv', 'BatchNormalization', 'Clip', 'Add', ...CLASSIFIER_TAIL],
  },
  {
    name: 'SqueezeNet 1.1', parameters: 1_235_496, build: (seed) => squeezenet11({ seed }), recipe: imageRecipe({}),
    ops: ['Conv', 'Relu', 'MaxPool', 'Concat', 'GlobalAveragePool', 'Flatten'],
  },
  {
    name: 'DenseNet-121', parameters: 7_978_856, build: (seed) => densenet121({ seed }), recipe: imageRecipe({}),
    ops: ['Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'Concat', 'AveragePool', ...CLASSIFIER_TAIL],
  },
  {
    name: 'YOLOv8n', parameters: 3_151_904, build: (seed) => yolov8n({ seed }), recipe: yoloRecipe({}),
    ops: ['Conv', 'Sigmoid', 'Mul', 'Split', 'Add', 'Concat', 'MaxPool', 'Resize', 'Reshape', 'Transpose', 'Softmax', 'Sub', 'Div'],
  },
];

describe('convolutional architectures match onnxruntime-node', () => {
  for (const c of CASES) it(c.name, () => checkArchitecture(c), 120_000);
});
