;; Histogram and partition kernels of the tree learner (src/model/hist-engine.ts), compiled to histogram-wasm.ts by
;; scripts/build-wasm.mjs. Why WebAssembly: the same loop in JS runs ~3x slower in V8, mostly because V8 cannot keep
;; four sub-histograms and the f64x2 (gradient, hessian) pair in registers.
;;
;; Memory (shared with the worker thread, laid out by hist-engine.ts):
;;   bins     column-major bin codes, bins[f * n + r] (u8; 255 = missing)
;;   gh       interleaved f64 (gradient, hessian) per row: 16 bytes per row
;;   rows     u32 row indices; a node owns rows[begin..end)
;;   feats    i32 feature indices to build
;;   out      per feature 256 bins x (g, h) f64 = 4096 bytes at out + f * 4096 (only listed features are written)
;;   scratch  16 KB per thread: four sub-histograms of one feature (histCols); up to n row indices (partition)
;;
;; Column-wise: one feature at a time, so its histogram stays in L1 while the column streams by. Consecutive rows
;; go to four different sub-histograms (row i to sub-histogram i mod 4), which breaks the store-to-load chains of
;; low-cardinality features; the four are then summed in a fixed order, so the result depends only on the rows and
;; features given, never on the thread that computed it.
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "histCols")
      (param $bins i32) (param $n i32) (param $gh i32) (param $rows i32) (param $begin i32) (param $end i32)
      (param $feats i32) (param $nf i32) (param $out i32) (param $scratch i32)
    (local $p i32) (local $ps i32) (local $pend i32) (local $pfull i32) (local $r i32) (local $idx i32)
    (local $k i32) (local $fend i32) (local $f i32) (local $col i32) (local $o i32) (local $j i32) (local $acc v128)
    (local.set $fend (i32.add (local.get $feats) (i32.shl (local.get $nf) (i32.const 2))))
    (local.set $ps (i32.add (local.get $rows) (i32.shl (local.get $begin) (i32.const 2))))
    (local.set $pend (i32.add (local.get $rows) (i32.shl (local.get $end) (i32.const 2))))
    ;; last start of a full group of four rows (addresses are far above 12, so no wrap-around)
    (local.set $pfull (i32.sub (local.get $pend) (i32.const 12)))
    (local.set $k (local.get $feats))
    (block $features_done (loop $features
      (br_if $features_done (i32.ge_u (local.get $k) (local.get $fend)))
      (local.set $f (i32.load (local.get $k)))
      (local.set $col (i32.add (local.get $bins) (i32.mul (local.get $f) (local.get $n))))
      (memory.fill (local.get $scratch) (i32.const 0) (i32.const 16384))
      (local.set $p (local.get $ps))
      (block $groups_done (loop $groups
        (br_if $groups_done (i32.ge_u (local.get $p) (local.get $pfull)))
        ;; row p+0 -> sub-histogram 0
        (local.set $r (i32.load offset=0 (local.get $p)))
        (local.set $idx (i32.add (local.get $scratch)
          (i32.shl (i32.load8_u (i32.add (local.get $col) (local.get $r))) (i32.const 4))))
        (v128.store (local.get $idx) (f64x2.add (v128.load (local.get $idx))
          (v128.load (i32.add (local.get $gh) (i32.shl (local.get $r) (i32.const 4))))))
        ;; row p+1 -> sub-histogram 1
        (local.set $r (i32.load offset=4 (local.get $p)))
        (local.set $idx (i32.add (local.get $scratch) (i32.or (i32.const 4096)
          (i32.shl (i32.load8_u (i32.add (local.get $col) (local.get $r))) (i32.const 4)))))
        (v128.store (local.get $idx) (f64x2.add (v128.load (local.get $idx))
          (v128.load (i32.add (local.get $gh) (i32.shl (local.get $r) (i32.const 4))))))
        ;; row p+2 -> sub-histogram 2
        (local.set $r (i32.load offset=8 (local.get $p)))
        (local.set $idx (i32.add (local.get $scratch) (i32.or (i32.const 8192)
          (i32.shl (i32.load8_u (i32.add (local.get $col) (local.get $r))) (i32.const 4)))))
        (v128.store (local.get $idx) (f64x2.add (v128.load (local.get $idx))
          (v128.load (i32.add (local.get $gh) (i32.shl (local.get $r) (i32.const 4))))))
        ;; row p+3 -> sub-histogram 3
        (local.set $r (i32.load offset=12 (local.get $p)))
        (local.set $idx (i32.add (local.get $scratch) (i32.or (i32.const 12288)
          (i32.shl (i32.load8_u (i32.add (local.get $col) (local.get $r))) (i32.const 4)))))
        (v128.store (local.get $idx) (f64x2.add (v128.load (local.get $idx))
          (v128.load (i32.add (local.get $gh) (i32.shl (local.get $r) (i32.const 4))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $groups)))
      ;; the last 0-3 rows -> sub-histogram 0
      (block $tail_done (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $p) (local.get $pend)))
        (local.set $r (i32.load (local.get $p)))
        (local.set $idx (i32.add (local.get $scratch)
          (i32.shl (i32.load8_u (i32.add (local.get $col) (local.get $r))) (i32.const 4))))
        (v128.store (local.get $idx) (f64x2.add (v128.load (local.get $idx))
          (v128.load (i32.add (local.get $gh) (i32.shl (local.get $r) (i32.const 4))))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $tail)))
      ;; out[f] = ((s0 + s1) + s2) + s3
      (local.set $o (i32.add (local.get $out) (i32.shl (local.get $f) (i32.const 12))))
      (local.set $j (i32.const 0))
      (block $sum_done (loop $sum
        (br_if $sum_done (i32.ge_u (local.get $j) (i32.const 4096)))
        (local.set $acc (v128.load (i32.add (local.get $scratch) (local.get $j))))
        (local.set $acc (f64x2.add (local.get $acc) (v128.load offset=4096 (i32.add (local.get $scratch) (local.get $j)))))
        (local.set $acc (f64x2.add (local.get $acc) (v128.load offset=8192 (i32.add (local.get $scratch) (local.get $j)))))
        (local.set $acc (f64x2.add (local.get $acc) (v128.load offset=12288 (i32.add (local.get $scratch) (local.get $j)))))
        (v128.store (i32.add (local.get $o) (local.get $j)) (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $sum)))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br $features)))
  )
  ;; Stable partition of rows[begin..end) on one feature's bin codes: non-missing codes <= splitBin go left, missing
  ;; ones go left when missLeft is 1. Branch-free (left or right is unpredictable): each row is written to both sides
  ;; and only its side's cursor advances; the right rows are then copied back after the left ones. Returns the
  ;; index of the first right row.
  (func (export "partition")
      (param $bins i32) (param $n i32) (param $rows i32) (param $scratch i32) (param $begin i32) (param $end i32)
      (param $feature i32) (param $splitBin i32) (param $missLeft i32) (result i32)
    (local $col i32) (local $p i32) (local $pend i32) (local $l i32) (local $s i32) (local $r i32) (local $b i32)
    (local $left i32)
    (local.set $col (i32.add (local.get $bins) (i32.mul (local.get $feature) (local.get $n))))
    (local.set $p (i32.add (local.get $rows) (i32.shl (local.get $begin) (i32.const 2))))
    (local.set $pend (i32.add (local.get $rows) (i32.shl (local.get $end) (i32.const 2))))
    (local.set $l (local.get $p))
    (local.set $s (local.get $scratch))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $p) (local.get $pend)))
      (local.set $r (i32.load (local.get $p)))
      (local.set $b (i32.load8_u (i32.add (local.get $col) (local.get $r))))
      (local.set $left (i32.or (i32.le_u (local.get $b) (local.get $splitBin))
        (i32.and (i32.eq (local.get $b) (i32.const 255)) (local.get $missLeft))))
      (i32.store (local.get $l) (local.get $r))
      (i32.store (local.get $s) (local.get $r))
      (local.set $l (i32.add (local.get $l) (i32.shl (local.get $left) (i32.const 2))))
      (local.set $s (i32.add (local.get $s) (i32.shl (i32.xor (local.get $left) (i32.const 1)) (i32.const 2))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $each)))
    (memory.copy (local.get $l) (local.get $scratch) (i32.sub (local.get $s) (local.get $scratch)))
    (i32.shr_u (i32.sub (local.get $l) (local.get $rows)) (i32.const 2))
  )
)
