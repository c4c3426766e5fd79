/**
 * Choosing the k best entries of one lane, best first, ties resolved to the lower position.
 * NaN ranks above every number (as numpy's sort places it). Small k keeps a bounded heap of the
 * k best so far (n log k) instead of sorting the whole lane.
 */
type Lane = ArrayLike<number | bigint>;
type Before = (i: number, j: number) => boolean;

function ranking(lane: Lane, largest: boolean): Before {
  const isNan = (v: number | bigint) => v !== v;
  if (largest) {
    return (i, j) => {
      const a = lane[i];
      const b = lane[j];
      if (a > b) return true;
      if (a === b) return i < j;
      return isNan(a) && (!isNan(b) || i < j);
    };
  }
  return (i, j) => {
    const a = lane[i];
    const b = lane[j];
    if (a < b) return true;
    if (a === b) return i < j;
    return isNan(b) && (!isNan(a) || i < j);
  };
}

function order(before: Before): (i: number, j: number) => number {
  return (i, j) => (before(i, j) ? -1 : before(j, i) ? 1 : 0);
}

/** Heap of positions whose root ranks last, so the root is the one a better entry evicts. */
function heapSelect(lane: Lane, k: number, largest: boolean, before: Before): Int32Array {
  const n = lane.length;
  const heap = new Int32Array(k);
  const siftDown = (start: number) => {
    let parent = start;
    for (;;) {
      const left = 2 * parent + 1;
      if (left >= k) return;
      const right = left + 1;
      const worse = right < k && before(heap[left], heap[right]) ? right : left;
      if (!before(heap[parent], heap[worse])) return;
      [heap[parent], heap[worse]] = [heap[worse], heap[parent]];
      parent = worse;
    }
  };
  for (let i = 0; i < k; i++) heap[i] = i;
  for (let i = (k >> 1) - 1; i >= 0; i--) siftDown(i);
  let root = lane[heap[0]];
  for (let i = k; i < n; i++) {
    // Later positions lose ties, so only a strictly better value (or a NaN) can replace the
    // root; this plain comparison screens out most entries before the full ranking runs.
    const v = lane[i];
    if (largest ? !(v > root || v !== v) : !(v < root || root !== root)) continue;
    if (before(i, heap[0])) {
      heap[0] = i;
      siftDown(0);
      root = lane[heap[0]];
    }
  }
  return heap.sort(order(before));
}

/** Positions of the k best entries of `lane` (0 <= k <= lane.length), best first. */
export function selectTopK(lane: Lane, k: number, largest: boolean): Int32Array {
  const n = lane.length;
  const before = ranking(lane, largest);
  if (k === 0) return new Int32Array(0);
  if (k * 4 <= n) return heapSelect(lane, k, largest, before);
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  return all.sort(order(before)).subarray(0, k);
}
