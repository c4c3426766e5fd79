/**
 * One entropy-coded scan (ITU T.81 F.2 / G.1.2): baseline sequential or a progressive DC/AC
 * first or refinement pass, writing quantized coefficients (natural order) into each
 * component's block array.
 */
import type { BitReader, HuffmanTable } from './jpeg-bits.js';

/** Zigzag position k to natural (row-major) index. */
export const ZIGZAG = Uint8Array.of(
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
  28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
  54, 47, 55, 62, 63,
);

export interface FrameComponent {
  readonly id: number;
  readonly h: number;
  readonly v: number;
  readonly quantTable: number;
  /** Blocks per row/column covering whole MCUs. */
  readonly blocksPerLine: number;
  readonly blocksPerColumn: number;
  /** Blocks holding real samples (a non-interleaved scan codes only these). */
  readonly usedBlocksPerLine: number;
  readonly usedBlocksPerColumn: number;
  readonly coefficients: Int16Array;
}

export interface ScanComponent {
  readonly component: FrameComponent;
  readonly dcTable?: HuffmanTable;
  readonly acTable?: HuffmanTable;
  dcPredictor: number;
}

export interface Scan {
  readonly components: readonly ScanComponent[];
  readonly progressive: boolean;
  readonly spectralStart: number;
  readonly spectralEnd: number;
  readonly successiveHigh: number;
  readonly successiveLow: number;
  readonly restartInterval: number;
  readonly mcusPerLine: number;
  readonly mcusPerColumn: number;
}

type BlockDecoder = (reader: BitReader, sc: ScanComponent, offset: number) => void;

export function decodeScan(reader: BitReader, scan: Scan): void {
  let eobRun = 0;
  const { spectralStart: ss, spectralEnd: se, successiveLow: al } = scan;
  const p1 = 1 << al;
  const m1 = -1 << al;

  const baseline: BlockDecoder = (r, sc, o) => {
    const c = sc.component.coefficients;
    const t = r.decode(sc.dcTable!);
    sc.dcPredictor += r.receiveExtend(t);
    c[o] = sc.dcPredictor;
    for (let k = 1; k < 64; ) {
      const rs = r.decode(sc.acTable!);
      const s = rs & 15;
      const run = rs >> 4;
      if (s === 0) {
        if (run < 15) break;
        k += 16;
        continue;
      }
      k += run;
      if (k > 63) break;
      c[o + ZIGZAG[k]] = r.receiveExtend(s);
      k++;
    }
  };
  const dcFirst: BlockDecoder = (r, sc, o) => {
    const t = r.decode(sc.dcTable!);
    sc.dcPredictor += r.receiveExtend(t);
    sc.component.coefficients[o] = sc.dcPredictor * p1;
  };
  const dcRefine: BlockDecoder = (r, sc, o) => {
    if (r.bit()) sc.component.coefficients[o] |= p1;
  };
  const acFirst: BlockDecoder = (r, sc, o) => {
    if (eobRun > 0) {
      eobRun--;
      return;
    }
    const c = sc.component.coefficients;
    for (let k = ss; k <= se; ) {
      const rs = r.decode(sc.acTable!);
      const s = rs & 15;
      const run = rs >> 4;
      if (s === 0) {
        if (run < 15) {
          eobRun = (1 << run) - 1 + (run ? r.bits(run) : 0);
          break;
        }
        k += 16;
        continue;
      }
      k += run;
      if (k > 63) break;
      c[o + ZIGZAG[k]] = r.receiveExtend(s) * p1;
      k++;
    }
  };
  const refineNonZero = (r: BitReader, c: Int16Array, index: number) => {
    if (r.bit() && (c[index] & p1) === 0) c[index] += c[index] >= 0 ? p1 : m1;
  };
  const acRefine: BlockDecoder = (r, sc, o) => {
    const c = sc.component.coefficients;
    let k = ss;
    if (eobRun === 0) {
      for (; k <= se; k++) {
        const rs = r.decode(sc.acTable!);
        let run = rs >> 4;
        let value = 0;
        if (rs & 15) {
          value = r.bit() ? p1 : m1;
        } else if (run !== 15) {
          eobRun = (1 << run) + (run ? r.bits(run) : 0);
          break;
        }
        for (; k <= se; k++) {
          const index = o + ZIGZAG[k];
          if (c[index] !== 0) refineNonZero(r, c, index);
          else if (--run < 0) break;
        }
        if (value !== 0 && k <= se) c[o + ZIGZAG[k]] = value;
      }
    }
    if (eobRun > 0) {
      for (; k <= se; k++) {
        const index = o + ZIGZAG[k];
        if (c[index] !== 0) refineNonZero(r, c, index);
      }
      eobRun--;
    }
  };

  let decodeBlock: BlockDecoder;
  if (!scan.progressive) decodeBlock = baseline;
  else if (ss === 0) decodeBlock = scan.successiveHigh === 0 ? dcFirst : dcRefine;
  else decodeBlock = scan.successiveHigh === 0 ? acFirst : acRefine;

  const restart = () => {
    reader.restart();
    eobRun = 0;
    for (const sc of scan.components) sc.dcPredictor = 0;
  };

  if (scan.components.length === 1) {
    const sc = scan.components[0];
    const { usedBlocksPerLine, usedBlocksPerColumn, blocksPerLine } = sc.component;
    const total = usedBlocksPerLine * usedBlocksPerColumn;
    for (let n = 0; n < total; n++) {
      if (scan.restartInterval && n > 0 && n % scan.restartInterval === 0) restart();
      const row = Math.floor(n / usedBlocksPerLine);
      const col = n % usedBlocksPerLine;
      decodeBlock(reader, sc, (row * blocksPerLine + col) * 64);
    }
    return;
  }
  const total = scan.mcusPerLine * scan.mcusPerColumn;
  for (let n = 0; n < total; n++) {
    if (scan.restartInterval && n > 0 && n % scan.restartInterval === 0) restart();
    const mcuRow = Math.floor(n / scan.mcusPerLine);
    const mcuCol = n % scan.mcusPerLine;
    for (const sc of scan.components) {
      const { h, v, blocksPerLine } = sc.component;
      for (let by = 0; by < v; by++) {
        for (let bx = 0; bx < h; bx++) {
          decodeBlock(reader, sc, ((mcuRow * v + by) * blocksPerLine + mcuCol * h + bx) * 64);
        }
      }
    }
  }
}
