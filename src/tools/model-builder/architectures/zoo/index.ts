/**
 * Model-zoo architectures beyond the standard benchmark suite, each written the way a real
 * exporter writes it (torch.onnx at several opsets with dynamic axes, caffe2, keras2onnx), for
 * generality tests and `scripts/bench.mjs --zoo`. Each has a full size (the real model's
 * widths and input) and a test size (reduced widths or input, same graph structure) that runs
 * in well under a second.
 */
import type { InputRecipe } from '../../input-recipe.js';
import { imageRecipe } from '../image-classifier.js';
import { bvlcAlexnet } from './bvlc-alexnet.js';
import { convnext } from './convnext.js';
import { distilbert, distilbertRecipe } from './distilbert.js';
import { efficientnetB0 } from './efficientnet-b0.js';
import { googlenet } from './googlenet.js';
import { greedyDecoder, greedyDecoderRecipe } from './greedy-decoder.js';
import { legacyFcn } from './legacy-fcn.js';
import { legacyTinyYolov3, tinyYoloRecipe } from './legacy-tiny-yolov3.js';
import { llamaDecoder, llamaRecipe } from './llama-decoder.js';
import { mobilenetV3Small } from './mobilenet-v3-small.js';
import { qdqResnet } from './qdq-resnet.js';
import { recurrentClassifier, recurrentRecipe } from './recurrent-classifier.js';
import { shufflenetV2 } from './shufflenet-v2.js';
import { styleTransfer } from './style-transfer.js';
import { tfBertRecipe, tfBertSquad } from './tf-bert-squad.js';
import { tf2onnxMobilenetRecipe, tf2onnxMobilenetV2 } from './tf2onnx-mobilenet-v2.js';
import { unet } from './unet.js';
import { vitTiny } from './vit-tiny.js';
import { whisper, whisperRecipe } from './whisper.js';
import { yolov5Focus } from './yolov5-focus.js';

export type ZooSize = 'full' | 'test';

export interface ZooArchitecture {
  readonly name: string;
  readonly description: string;
  /** The exporter and opset whose graph form the builder reproduces. */
  readonly exporter: string;
  build(size: ZooSize, seed?: number): Uint8Array;
  recipe(size: ZooSize): InputRecipe[];
}

/** An image model whose test size only shrinks the input. */
function imageModel(name: string, description: string, exporter: string, testSize: number, build: (o: { seed?: number; imageSize: number }) => Uint8Array, fullSize = 224): ZooArchitecture {
  const sizeOf = (size: ZooSize) => (size === 'full' ? fullSize : testSize);
  return { name, description, exporter, build: (size, seed) => build({ seed, imageSize: sizeOf(size) }), recipe: (size) => imageRecipe({ imageSize: sizeOf(size) }) };
}

const LSTM_TEST = { op: 'LSTM', batch: 2, sequenceLength: 12, vocabulary: 500, embedding: 24, hidden: 20, layers: 2, classes: 3 } as const;
const GRU_TEST = { ...LSTM_TEST, op: 'GRU' } as const;
const DISTILBERT_TEST = { batch: 2, sequenceLength: 16, layers: 2, width: 64, heads: 4, ffn: 256, vocabulary: 1000 } as const;
const LLAMA_TEST = { batch: 2, sequenceLength: 10, layers: 2, width: 64, heads: 4, kvHeads: 2, ffn: 172, vocabulary: 300 } as const;
const TF_BERT_TEST = { sequenceLength: 16, layers: 2, width: 64, heads: 4, vocabulary: 500 } as const;
const WHISPER_TEST = { frames: 40, mels: 16, tokens: 6, width: 32, heads: 4, layers: 2, vocabulary: 100 } as const;

export const ZOO_ARCHITECTURES: readonly ZooArchitecture[] = [
  imageModel('shufflenet_v2', 'ShuffleNetV2 x0.5', 'torch.onnx opset 17', 64, shufflenetV2),
  imageModel('efficientnet_b0', 'EfficientNet-B0', 'torch.onnx opset 17', 64, efficientnetB0),
  imageModel('googlenet', 'GoogLeNet (Inception v1)', 'torch.onnx opset 17', 64, googlenet),
  imageModel('mobilenet_v3_small', 'MobileNetV3-Small', 'torch.onnx opset 17', 64, mobilenetV3Small),
  {
    name: 'convnext_tiny', description: 'ConvNeXt-T', exporter: 'torch.onnx opset 17',
    build: (size, seed) => convnext(size === 'full' ? { seed } : { seed, imageSize: 64, depths: [1, 1, 2, 1], widths: [16, 32, 64, 128] }),
    recipe: (size) => imageRecipe({ imageSize: size === 'full' ? 224 : 64 }),
  },
  {
    name: 'yolov5s_focus', description: 'YOLOv5s v5.0 (Focus stem, in-graph box decoding), 1x3x640x640', exporter: 'yolov5 export.py, torch.onnx opset 13',
    build: (size, seed) => yolov5Focus(size === 'full' ? { seed } : { seed, imageSize: 64, width: 0.125, depth: [1, 1, 1, 1], classes: 3 }),
    recipe: (size) => imageRecipe({ imageSize: size === 'full' ? 640 : 64 }),
  },
  {
    name: 'style_transfer', description: 'Fast neural style TransformerNet, 1x3x224x224', exporter: 'torch.onnx opset 11',
    build: (size, seed) => styleTransfer(size === 'full' ? { seed } : { seed, imageSize: 32, width: 8 }),
    recipe: (size) => imageRecipe({ imageSize: size === 'full' ? 224 : 32 }),
  },
  {
    name: 'qdq_resnet18', description: 'ResNet-18 quantized to int8 (QDQ, per-channel weights)', exporter: 'onnxruntime quantize_static, opset 13',
    build: (size, seed) => qdqResnet(size === 'full' ? { seed } : { seed, imageSize: 64, widths: [16, 32, 64, 128] }),
    recipe: (size) => imageRecipe({ imageSize: size === 'full' ? 224 : 64 }),
  },
  {
    name: 'tf2onnx_mobilenet_v2', description: 'Keras MobileNetV2, 1x224x224x3 NHWC', exporter: 'tf2onnx opset 13',
    build: (size, seed) => tf2onnxMobilenetV2(size === 'full' ? { seed } : { seed, imageSize: 64, alpha: 0.35 }),
    recipe: (size) => tf2onnxMobilenetRecipe({ imageSize: size === 'full' ? 224 : 64 }),
  },
  {
    name: 'tf_bert_squad', description: 'BERT-base SQuAD from TensorFlow, sequence 256', exporter: 'tf2onnx opset 11',
    build: (size, seed) => tfBertSquad(size === 'full' ? { seed } : { ...TF_BERT_TEST, seed }),
    recipe: (size) => tfBertRecipe(size === 'full' ? {} : TF_BERT_TEST),
  },
  {
    name: 'bvlc_alexnet', description: 'BVLC AlexNet with LRN', exporter: 'onnx-caffe2 opset 8, IR 3',
    build: (size, seed) => (size === 'full' ? bvlcAlexnet({ seed }) : bvlcAlexnet({ seed, imageSize: 99, widths: [24, 64, 96, 96, 64, 256] })),
    recipe: (size) => imageRecipe({ imageSize: size === 'full' ? 224 : 99 }),
  },
  {
    name: 'vit_tiny', description: 'ViT-Tiny / DeiT-tiny, patch 16', exporter: 'torch.onnx opset 14, dynamic batch',
    build: (size, seed) => (size === 'full' ? vitTiny({ seed }) : vitTiny({ seed, imageSize: 64, batch: 2, depth: 3 })),
    recipe: (size) => imageRecipe(size === 'full' ? {} : { imageSize: 64, batch: 2 }),
  },
  {
    name: 'distilbert', description: 'DistilBERT sequence classifier, sequence 128', exporter: 'torch.onnx opset 17, dynamic batch and sequence',
    build: (size, seed) => distilbert(size === 'full' ? { seed } : { ...DISTILBERT_TEST, seed }),
    recipe: (size) => distilbertRecipe(size === 'full' ? {} : DISTILBERT_TEST),
  },
  {
    name: 'llama_decoder', description: 'LLaMA-style decoder (RMSNorm, rotary, GQA), sequence 64', exporter: 'torch.onnx opset 18, dynamic batch and sequence',
    build: (size, seed) => llamaDecoder(size === 'full' ? { seed } : { ...LLAMA_TEST, seed }),
    recipe: (size) => llamaRecipe(size === 'full' ? {} : LLAMA_TEST),
  },
  {
    name: 'whisper_tiny', description: 'Whisper-tiny-style encoder-decoder, 80x3000 mels, 32 tokens', exporter: 'torch.onnx opset 17',
    build: (size, seed) => whisper(size === 'full' ? { seed } : { ...WHISPER_TEST, seed }),
    recipe: (size) => whisperRecipe(size === 'full' ? {} : WHISPER_TEST),
  },
  {
    name: 'greedy_decoder', description: 'Greedy generation in a Loop (16 steps) with an If after it', exporter: 'torch.onnx opset 17, scripted loop',
    build: (size, seed) => greedyDecoder(size === 'full' ? { seed } : { seed, prompt: 5, steps: 6, vocabulary: 200, width: 32 }),
    recipe: (size) => greedyDecoderRecipe(size === 'full' ? {} : { prompt: 5, steps: 6, vocabulary: 200, width: 32 }),
  },
  {
    name: 'unet', description: 'UNet, 1x3x128x128', exporter: 'torch.onnx opset 17',
    build: (size, seed) => (size === 'full' ? unet({ seed, imageSize: 128 }) : unet({ seed, imageSize: 44, base: 8 })),
    recipe: (size) => imageRecipe({ imageSize: size === 'full' ? 128 : 44 }),
  },
  {
    name: 'lstm_classifier', description: 'Embedding + 2-layer BiLSTM text classifier, sequence 64', exporter: 'torch.onnx opset 14, dynamic batch and sequence',
    build: (size, seed) => recurrentClassifier(size === 'full' ? { op: 'LSTM', seed } : { ...LSTM_TEST, seed }),
    recipe: (size) => recurrentRecipe(size === 'full' ? { op: 'LSTM' } : LSTM_TEST),
  },
  {
    name: 'gru_classifier', description: 'Embedding + 2-layer BiGRU text classifier, sequence 64', exporter: 'torch.onnx opset 14, dynamic batch and sequence',
    build: (size, seed) => recurrentClassifier(size === 'full' ? { op: 'GRU', seed } : { ...GRU_TEST, seed }),
    recipe: (size) => recurrentRecipe(size === 'full' ? { op: 'GRU' } : GRU_TEST),
  },
  {
    name: 'legacy_fcn', description: 'Small segmentation FCN, 1x3x128x128', exporter: 'PyTorch 0.4 opset 7, IR 3',
    build: (size, seed) => legacyFcn(size === 'full' ? { seed, imageSize: 128 } : { seed, imageSize: 32, width: 8 }),
    recipe: (size) => imageRecipe({ imageSize: size === 'full' ? 128 : 32 }),
  },
  {
    name: 'tiny_yolov3', description: 'Tiny YOLOv3, 1x416x416x3 NHWC', exporter: 'keras2onnx opset 9, IR 4',
    build: (size, seed) => (size === 'full' ? legacyTinyYolov3({ seed }) : legacyTinyYolov3({ seed, imageSize: 64, base: 4, classes: 3 })),
    recipe: (size) => tinyYoloRecipe(size === 'full' ? {} : { imageSize: 64 }),
  },
];

export function zooArchitectureNamed(name: string): ZooArchitecture | undefined {
  return ZOO_ARCHITECTURES.find((a) => a.name === name);
}
