import { describe, expect, it } from 'vitest';
import { ArenaViews } from '../../../src/runtime/memory/arena-views.js';

describe('ArenaViews', () => {
  it('hands the same view to the same allocation in later runs, and knows which allocation a view is', () => {
    const views = new ArenaViews();
    const buffer = new ArrayBuffer(256);
    const first = views.view(buffer, 3, 64, Float32Array, 8);
    expect(views.view(buffer, 3, 64, Float32Array, 8)).toBe(first);
    expect(views.indexOf(first)).toBe(3);
    expect(views.indexOf(new Float32Array(buffer, 64, 8))).toBeUndefined();
  });

  it('makes a new view where the type or length differ, and forgets the old one', () => {
    const views = new ArenaViews();
    const buffer = new ArrayBuffer(256);
    const floats = views.view(buffer, 0, 0, Float32Array, 8);
    const ints = views.view(buffer, 0, 0, Int32Array, 8);
    expect(ints).toBeInstanceOf(Int32Array);
    expect(views.indexOf(floats)).toBeUndefined();
    const shorter = views.view(buffer, 0, 0, Int32Array, 5);
    expect(shorter.length).toBe(5);
    expect(views.indexOf(ints)).toBeUndefined();
    expect(views.indexOf(shorter)).toBe(0);
  });

  it('drops every view when the buffer changes (the heap grew)', () => {
    const views = new ArenaViews();
    const old = views.view(new ArrayBuffer(128), 1, 0, Float32Array, 4);
    const grown = new ArrayBuffer(256);
    const fresh = views.view(grown, 1, 0, Float32Array, 4);
    expect(fresh).not.toBe(old);
    expect(fresh.buffer).toBe(grown);
    expect(views.indexOf(old)).toBeUndefined();
  });
});
