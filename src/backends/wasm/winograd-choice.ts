/**
 * When a float32 convolution takes the Winograd path (wasm/assembly/winograd*.ts), and which
 * variant: the rules and the measurements behind them.
 */
import { MR, NR } from './micro-tile.js';
import type { PlaneWindow } from './plane-window.js';
import type { WasmConvOperands } from './wasm-conv.js';

/**
 * The Winograd variant, as wasm/assembly/winograd.ts takes it: 2 or 4 for F(tile x tile, 3x3)
 * at stride 1, WINOGRAD_STRIDE_2 for F(2x2, 3x3) at stride 2 (on 5x5 input blocks),
 * WINOGRAD_ROWS_4 for F(4x4, 3x3) with the tiles as the rows of its products (images of at most
 * ROWS_MAX_TILES tiles, wasm/assembly/winograd-f4-rows.ts).
 */
export type WinogradTile = 2 | 4 | typeof WINOGRAD_STRIDE_2 | typeof WINOGRAD_ROWS_4;
export const WINOGRAD_STRIDE_2 = 5;
export const WINOGRAD_ROWS_4 = 6;
const ROWS_MAX_TILES = 4;

/** Output tile side and input block side (tile + 2 at stride 1, 5 at stride 2) of a variant. */
export function tileSides(tile: WinogradTile): { readonly out: number; readonly block: number } {
  if (tile === WINOGRAD_STRIDE_2) return { out: 2, block: 5 };
  return tile === WINOGRAD_ROWS_4 ? { out: 4, block: 6 } : { out: tile, block: tile + 2 };
}

/**
 * F(4x4, 3x3) where its products come to at most F4_MAX_PRODUCTS of F(2x2, 3x3)'s and there are
 * channels enough to pay for its larger transforms; F(2x2, 3x3) otherwise. Products count
 * (tile + 2)^2 positions per tile over whole blocks of NR tiles, as winogradImage computes them,
 * so images whose F(4x4) tiles leave most of a block empty (10x10, 12x12) stay on F(2x2); an
 * image of at most ROWS_MAX_TILES tiles (7x7, 8x8) puts them in one panel of MR rows instead.
 * Measured on one core with W kept in memory: at 14x14 F(4x4) takes 0.53x the time of F(2x2)
 * at 512 channels, 0.68x at 256, 0.73x at 64; at 16x16 and 64, 0.69x; at 19x19 and 64, 0.9x;
 * at 12x12 and 256, 1.0x; at 7x7 and 512, 1.13x; at 10x10 and 256, 1.5x. With as few as
 * WINOGRAD_F4_MIN_CHANNELS input and output channels it still pays: 96 -> 24 at 80x80 0.86x, at
 * 40x40 0.78x; 16 -> 64 at 55x55 0.85x; 64 -> 16 at 80x80 0.81x; 16 -> 16 at 60x60 0.92x. Below
 * 16 it gained little (12 -> 24 0.94x to 0.99x, 8 -> 32 0.97x to 1.02x).
 */
export function winogradTile(plane: PlaneWindow, op: Pick<WasmConvOperands, 'inPerGroup' | 'outPerGroup'>): WinogradTile {
  if (plane.strideH === 2) return WINOGRAD_STRIDE_2;
  if (op.inPerGroup < WINOGRAD_F4_MIN_CHANNELS || op.outPerGroup < WINOGRAD_F4_MIN_CHANNELS) return 2;
  const tiles = (side: number): number => Math.ceil(plane.outH / side) * Math.ceil(plane.outW / side);
  const products = (side: number): number => (side + 2) ** 2 * Math.ceil(tiles(side) / NR) * NR;
  if (tiles(4) <= ROWS_MAX_TILES) return 36 * MR <= F4_MAX_PRODUCTS * products(2) ? WINOGRAD_ROWS_4 : 2;
  return products(4) <= F4_MAX_PRODUCTS * products(2) ? 4 : 2;
}

const F4_MAX_PRODUCTS = 0.75;
const WINOGRAD_F4_MIN_CHANNELS = 16;

/**
 * Whether a convolution takes the Winograd path: 3x3, stride 1, or 2 where that pays (below), no
 * dilation, one group, and enough channels that the products are real matrix products (below
 * that the transforms cost more than the multiplies they save).
 */
export function winogradApplies(plane: PlaneWindow, op: Pick<WasmConvOperands, 'group' | 'inPerGroup' | 'outPerGroup'>): boolean {
  const stride = plane.strideH;
  if (!(plane.kernelH === 3 && plane.kernelW === 3 && plane.strideW === stride && plane.dilationH === 1 && plane.dilationW === 1 &&
    op.group === 1 && op.inPerGroup >= WINOGRAD_MIN_CHANNELS && op.outPerGroup >= WINOGRAD_MIN_CHANNELS)) return false;
  return stride === 1 || (stride === 2 && stride2Pays(plane, op));
}

/**
 * Winograd at stride 2 where its products, 25 per 2x2 tile over whole blocks of NR tiles, come
 * to at most STRIDE_2_MAX_PRODUCTS of the implicit GEMM's 9 per output over whole panels, with
 * channels enough to pay for the transforms. Measured on one core against the implicit GEMM:
 * 0.8x the time at 64 -> 128 channels on 80x80, 0.82x at 256 on 13x13, 0.89x at 32 -> 64 on
 * 160x160, 0.9x at 128 -> 256 on 40x40; 1.08x at 16 -> 32 on 320x320, 1.15x at 8 -> 16; 1.4x at
 * 512 on 8x8, whose 4 tiles fill half a block.
 */
function stride2Pays(plane: PlaneWindow, op: Pick<WasmConvOperands, 'inPerGroup' | 'outPerGroup'>): boolean {
  if (op.inPerGroup < STRIDE_2_MIN_CHANNELS || op.outPerGroup < STRIDE_2_MIN_CHANNELS) return false;
  const tiles = Math.ceil(plane.outH / 2) * Math.ceil(plane.outW / 2);
  const products = 25 * Math.ceil(tiles / NR) * NR;
  return products <= STRIDE_2_MAX_PRODUCTS * 9 * Math.ceil((plane.outH * plane.outW) / NR) * NR;
}

const STRIDE_2_MIN_CHANNELS = 32;
const STRIDE_2_MAX_PRODUCTS = 0.8;
const WINOGRAD_MIN_CHANNELS = 8;
