;; The recorder's per-step scans over parameters and gradients (src/trace/scans.ts), as wasm SIMD
;; loops: the same arithmetic as the JavaScript loops there, in the same order, so the results are
;; bit-identical.
;; Arrays are float32 at 32-byte-aligned offsets, their length rounded up to whole pairs of vectors
;; (8 floats) with zeros: a zero pair changes neither a maximum of |b − a| nor a sum of squares.
;; Built by scripts/gen-trace-scans.mjs into scans.generated.ts.
(module
  (memory (export "memory") 1)

  ;; max |b[i] − a[i]| over n8 pairs of vectors at byte offsets a and b, in float32 (as PyTorch's
  ;; `(p - before).abs().max()`); NaN when any difference is NaN. f32x4.pmax is one x64 instruction
  ;; (f32x4.max's NaN rule costs a long sequence): NaN differences are collected apart, in a mask.
  ;; Two running maxima: one is a chain of dependent instructions
  (func (export "maxAbsDiff") (param $a i32) (param $b i32) (param $n8 i32) (result f64)
    (local $end i32) (local $d0 v128) (local $d1 v128) (local $m0 v128) (local $m1 v128) (local $nan v128)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n8) (i32.const 5))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $d0 (f32x4.abs (f32x4.sub (v128.load (local.get $b)) (v128.load (local.get $a)))))
        (local.set $d1 (f32x4.abs (f32x4.sub (v128.load offset=16 (local.get $b)) (v128.load offset=16 (local.get $a)))))
        (local.set $m0 (f32x4.pmax (local.get $m0) (local.get $d0)))
        (local.set $m1 (f32x4.pmax (local.get $m1) (local.get $d1)))
        (local.set $nan (v128.or (local.get $nan)
          (v128.or (f32x4.ne (local.get $d0) (local.get $d0)) (f32x4.ne (local.get $d1) (local.get $d1)))))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br $next)))
    (if (v128.any_true (local.get $nan)) (then (return (f64.const nan))))
    (local.set $m0 (f32x4.pmax (local.get $m0) (local.get $m1)))
    (f64.promote_f32 (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $m0)) (f32x4.extract_lane 1 (local.get $m0)))
      (f32.max (f32x4.extract_lane 2 (local.get $m0)) (f32x4.extract_lane 3 (local.get $m0))))))

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
