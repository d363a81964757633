;; The recorder's per-step scans over parameters and gradients (src/trace/scans.ts), as wasm SIMD
;; loops: the same arithmetic as the JavaScript loops there, in the same order, so the results are
;; bit-identical.
;; Arrays are float32 at 32-byte-aligned offsets, their length rounded up with zeros to whole groups
;; of vectors (8 floats for sumSquares, 16 for fingerprint), which both loops do the same.
;; Built by scripts/gen-trace-scans.mjs into scans.generated.ts.
(module
  (memory (export "memory") 1)

  ;; A fingerprint of float32 values, for "did the step change this parameter" without a copy of it:
  ;; 16 lanes (element i goes to lane i mod 16), each with two 32-bit accumulators,
  ;;   a = (a ^ x) · C1   and   b = rotl(b + x, 16) · C2   (C1, C2 odd; the rotation is one byte shuffle),
  ;; where x is the value's bits after x + 0 (so −0 and +0 hash alike). Each update is a bijection of
  ;; the accumulator for a fixed x and of x for a fixed accumulator: one changed element ALWAYS changes
  ;; its lane's final state. Several changed elements collide only by chance, in both accumulators of
  ;; every lane they touch (b's rotation carries the high bits, where xor-multiply leaves them, down).
  ;; nf keeps max (bits << 1), unsigned: ≥ 0xff000000 once a NaN or ±∞ was seen (the caller's "changed").
  ;; Scans n16 groups of four vectors at byte offset p, continuing the state at byte offset st
  ;; (a0 a1 a2 a3 | b0 b1 b2 b3 | nf, one vector each): a long array is scanned in chunks.
  ;; Four vectors a turn: eight independent chains of dependent multiplies in flight at once
  (func (export "fingerprint") (param $p i32) (param $n16 i32) (param $st i32)
    (local $end i32) (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $nf v128) (local $t v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n16) (i32.const 6))))
    (local.set $a0 (v128.load (local.get $st)))
    (local.set $a1 (v128.load offset=16 (local.get $st)))
    (local.set $a2 (v128.load offset=32 (local.get $st)))
    (local.set $a3 (v128.load offset=48 (local.get $st)))
    (local.set $b0 (v128.load offset=64 (local.get $st)))
    (local.set $b1 (v128.load offset=80 (local.get $st)))
    (local.set $b2 (v128.load offset=96 (local.get $st)))
    (local.set $b3 (v128.load offset=112 (local.get $st)))
    (local.set $nf (v128.load offset=128 (local.get $st)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v0 (v128.load (local.get $p)))
        (local.set $v1 (v128.load offset=16 (local.get $p)))
        (local.set $v2 (v128.load offset=32 (local.get $p)))
        (local.set $v3 (v128.load offset=48 (local.get $p)))
        (local.set $nf (i32x4.max_u (local.get $nf)
          (i32x4.max_u
            (i32x4.max_u (i32x4.shl (local.get $v0) (i32.const 1)) (i32x4.shl (local.get $v1) (i32.const 1)))
            (i32x4.max_u (i32x4.shl (local.get $v2) (i32.const 1)) (i32x4.shl (local.get $v3) (i32.const 1))))))
        (local.set $v0 (f32x4.add (local.get $v0) (v128.const i32x4 0 0 0 0)))
        (local.set $v1 (f32x4.add (local.get $v1) (v128.const i32x4 0 0 0 0)))
        (local.set $v2 (f32x4.add (local.get $v2) (v128.const i32x4 0 0 0 0)))
        (local.set $v3 (f32x4.add (local.get $v3) (v128.const i32x4 0 0 0 0)))
        (local.set $a0 (i32x4.mul (v128.xor (local.get $a0) (local.get $v0)) (v128.const i32x4 0x01000193 0x01000193 0x01000193 0x01000193)))
        (local.set $a1 (i32x4.mul (v128.xor (local.get $a1) (local.get $v1)) (v128.const i32x4 0x01000193 0x01000193 0x01000193 0x01000193)))
        (local.set $a2 (i32x4.mul (v128.xor (local.get $a2) (local.get $v2)) (v128.const i32x4 0x01000193 0x01000193 0x01000193 0x01000193)))
        (local.set $a3 (i32x4.mul (v128.xor (local.get $a3) (local.get $v3)) (v128.const i32x4 0x01000193 0x01000193 0x01000193 0x01000193)))
        (local.set $t (i32x4.add (local.get $b0) (local.get $v0)))
        (local.set $b0 (i32x4.mul (i8x16.shuffle 2 3 0 1 6 7 4 5 10 11 8 9 14 15 12 13 (local.get $t) (local.get $t))
          (v128.const i32x4 0x9e3779b1 0x9e3779b1 0x9e3779b1 0x9e3779b1)))
        (local.set $t (i32x4.add (local.get $b1) (local.get $v1)))
        (local.set $b1 (i32x4.mul (i8x16.shuffle 2 3 0 1 6 7 4 5 10 11 8 9 14 15 12 13 (local.get $t) (local.get $t))
          (v128.const i32x4 0x9e3779b1 0x9e3779b1 0x9e3779b1 0x9e3779b1)))
        (local.set $t (i32x4.add (local.get $b2) (local.get $v2)))
        (local.set $b2 (i32x4.mul (i8x16.shuffle 2 3 0 1 6 7 4 5 10 11 8 9 14 15 12 13 (local.get $t) (local.get $t))
          (v128.const i32x4 0x9e3779b1 0x9e3779b1 0x9e3779b1 0x9e3779b1)))
        (local.set $t (i32x4.add (local.get $b3) (local.get $v3)))
        (local.set $b3 (i32x4.mul (i8x16.shuffle 2 3 0 1 6 7 4 5 10 11 8 9 14 15 12 13 (local.get $t) (local.get $t))
          (v128.const i32x4 0x9e3779b1 0x9e3779b1 0x9e3779b1 0x9e3779b1)))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $next)))
    (v128.store (local.get $st) (local.get $a0))
    (v128.store offset=16 (local.get $st) (local.get $a1))
    (v128.store offset=32 (local.get $st) (local.get $a2))
    (v128.store offset=48 (local.get $st) (local.get $a3))
    (v128.store offset=64 (local.get $st) (local.get $b0))
    (v128.store offset=80 (local.get $st) (local.get $b1))
    (v128.store offset=96 (local.get $st) (local.get $b2))
    (v128.store offset=112 (local.get $st) (local.get $b3))
    (v128.store offset=128 (local.get $st) (local.get $nf)))

  ;; Σ x[i]² over n8 pairs of vectors at byte offset p, as eight partial sums s0..s7 (element i goes to
  ;; s(i mod 8)), continued from and stored back to the float64 sums at byte offset acc (s0 s1 | s2 s3 |
  ;; s4 s5 | s6 s7): a long array is scanned in chunks, and the caller adds s0 + s1 + ... + s7 at the end.
  ;; Four independent chains of adds: with two, the adds' latency bounded the loop (twice as slow)
  (func (export "sumSquares") (param $p i32) (param $n8 i32) (param $acc i32)
    (local $end i32) (local $v v128) (local $w v128) (local $lo v128) (local $hi v128)
    (local $s01 v128) (local $s23 v128) (local $s45 v128) (local $s67 v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n8) (i32.const 5))))
    (local.set $s01 (v128.load (local.get $acc)))
    (local.set $s23 (v128.load offset=16 (local.get $acc)))
    (local.set $s45 (v128.load offset=32 (local.get $acc)))
    (local.set $s67 (v128.load offset=48 (local.get $acc)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (v128.load (local.get $p)))
        (local.set $w (v128.load offset=16 (local.get $p)))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $v)))
        (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))))
        (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $lo) (local.get $lo))))
        (local.set $s23 (f64x2.add (local.get $s23) (f64x2.mul (local.get $hi) (local.get $hi))))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $w)))
        (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $w) (local.get $w))))
        (local.set $s45 (f64x2.add (local.get $s45) (f64x2.mul (local.get $lo) (local.get $lo))))
        (local.set $s67 (f64x2.add (local.get $s67) (f64x2.mul (local.get $hi) (local.get $hi))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $next)))
    (v128.store (local.get $acc) (local.get $s01))
    (v128.store offset=16 (local.get $acc) (local.get $s23))
    (v128.store offset=32 (local.get $acc) (local.get $s45))
    (v128.store offset=48 (local.get $acc) (local.get $s67)))
)
