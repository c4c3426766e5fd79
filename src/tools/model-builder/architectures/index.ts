/** The standard architectures by name, at their standard input sizes, with their input recipes. */
import type { InputRecipe } from '../input-recipe.js';
import { bertBase, bertRecipe } from './bert-base.js';
import { densenet121 } from './densenet121.js';
import { gpt2Recipe, gpt2Small } from './gpt2-small.js';
import { imageRecipe } from './image-classifier.js';
import { mobilenetV2 } from './mobilenet-v2.js';
import { resnet50 } from './resnet50.js';
import { squeezenet11 } from './squeezenet.js';
import { yolov8n, yoloRecipe } from './yolov8n.js';

export interface Architecture {
  readonly name: string;
  readonly description: string;
  /** The real model's parameter count, which the built one matches within a few percent. */
  readonly parameters: number;
  build(seed?: number): Uint8Array;
  recipe(): InputRecipe[];
}

export const ARCHITECTURES: readonly Architecture[] = [
  { name: 'resnet50', description: 'ResNet-50, 1x3x224x224', parameters: 25.6e6, build: (seed) => resnet50({ seed }), recipe: () => imageRecipe({}) },
  { name: 'mobilenet_v2', description: 'MobileNetV2, 1x3x224x224', parameters: 3.5e6, build: (seed) => mobilenetV2({ seed }), recipe: () => imageRecipe({}) },
  { name: 'squeezenet1_1', description: 'SqueezeNet 1.1, 1x3x224x224', parameters: 1.24e6, build: (seed) => squeezenet11({ seed }), recipe: () => imageRecipe({}) },
  { name: 'densenet121', description: 'DenseNet-121, 1x3x224x224', parameters: 8.0e6, build: (seed) => densenet121({ seed }), recipe: () => imageRecipe({}) },
  { name: 'bert_base', description: 'BERT-base, sequence 128', parameters: 110e6, build: (seed) => bertBase({ seed }), recipe: () => bertRecipe() },
  { name: 'gpt2_small', description: 'GPT-2 small, sequence 64', parameters: 124e6, build: (seed) => gpt2Small({ seed }), recipe: () => gpt2Recipe() },
  { name: 'yolov8n', description: 'YOLOv8n detector, 1x3x640x640', parameters: 3.2e6, build: (seed) => yolov8n({ seed }), recipe: () => yoloRecipe() },
];

export function architectureNamed(name: string): Architecture | undefined {
  return ARCHITECTURES.find((a) => a.name === name);
}
