// A seeded, deterministic generator (xoshiro128**), shared by rand/randn/randint, nn.init and Dropout.

// the state in an Int32Array: module-level numbers beyond 2³⁰ are boxed on every store (two heap
// allocations per random number; most of a large model's construction time went to the GC)
const st = new Int32Array(4);
// the cached second Box–Muller value, unboxed for the same reason
const spare = new Float64Array(1);
let hasSpare = false;

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function manualSeed(seed: number): void {
  const next = splitmix32(Math.floor(seed) ^ 0x5eed);
  st[0] = next(); st[1] = next(); st[2] = next(); st[3] = next();
  hasSpare = false;
}
manualSeed(Date.now() & 0xffffffff);

function nextUint32(): number {
  const s0 = st[0]!, s1 = st[1]!;
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const s2 = st[2]! ^ s0, s3 = st[3]! ^ s1;
  st[0] = s0 ^ s3;
  st[1] = s1 ^ s2;
  st[2] = s2 ^ (s1 << 9);
  st[3] = rotl(s3, 11);
  return result;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Uniform in [0, 1) with 53 random bits. */
export function randomUniform(): number {
  const hi = nextUint32() >>> 5, lo = nextUint32() >>> 6;
  return (hi * 67108864 + lo) / 9007199254740992;
}

/** Standard normal (Box–Muller, caching the second value). */
export function randomNormal(): number {
  if (hasSpare) {
    hasSpare = false;
    return spare[0]!;
  }
  let u = 0;
  while (u === 0) u = randomUniform();
  const v = randomUniform();
  const r = Math.sqrt(-2 * Math.log(u));
  spare[0] = r * Math.sin(2 * Math.PI * v);
  hasSpare = true;
  return r * Math.cos(2 * Math.PI * v);
}

/** Integer in [low, high). */
export function randomInt(low: number, high: number): number {
  return low + Math.floor(randomUniform() * (high - low));
}

// A block of uniforms with the generator's state in locals for the loop (per-value calls load and
// store the Int32Array state each time: most of a large model's initialisation went there).
const BLOCK = 4096;
const block = new Float64Array(BLOCK);

/** block[0..n) = the next n values of randomUniform() (n ≤ BLOCK), the same values in the same order. */
function uniformBlock(n: number): Float64Array {
  let s0 = st[0]!, s1 = st[1]!, s2 = st[2]!, s3 = st[3]!;
  for (let i = 0; i < n; i++) {
    // two steps of nextUint32, unrolled
    const hi = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 5;
    let t2 = s2 ^ s0, t3 = s3 ^ s1;
    s0 ^= t3; s2 = t2 ^ (s1 << 9); s1 ^= t2; s3 = rotl(t3, 11);
    const lo = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 6;
    t2 = s2 ^ s0; t3 = s3 ^ s1;
    s0 ^= t3; s2 = t2 ^ (s1 << 9); s1 ^= t2; s3 = rotl(t3, 11);
    block[i] = (hi * 67108864 + lo) / 9007199254740992;
  }
  st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
  return block;
}

/** d[o + i] = a + (b − a) · randomUniform() for i < n, in order (nn.init.uniform_, rand). */
export function fillUniform(d: { [i: number]: number }, o: number, n: number, a = 0, b = 1): void {
  for (let done = 0; done < n; done += BLOCK) {
    const m = Math.min(BLOCK, n - done), u = uniformBlock(m), at = o + done;
    for (let i = 0; i < m; i++) d[at + i] = a + (b - a) * u[i]!;
  }
}

/** mask[i] = randomUniform() >= p ? 1 : 0 for i < mask.length, in order (dropout's kept units). */
export function fillKeepMask(mask: Uint8Array, p: number): void {
  const n = mask.length;
  for (let done = 0; done < n; done += BLOCK) {
    const m = Math.min(BLOCK, n - done), u = uniformBlock(m);
    for (let i = 0; i < m; i++) mask[done + i] = u[i]! >= p ? 1 : 0;
  }
}
