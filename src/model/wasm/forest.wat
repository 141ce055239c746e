;; Tree-ensemble scorer (src/model/forest-wasm.ts), compiled to forest-wasm.ts by scripts/build-wasm.mjs.
;; Why WebAssembly: the walk is a chain of dependent loads and compares; V8 adds a bounds check to each load of a
;; step, and the interleaved walks need more registers than V8 keeps for them.
;;
;; Memory (laid out by forest-wasm.ts):
;;   nodes   16 bytes per node: child (i32, byte offset of the left child from nodes, so node i is at 16 i; a leaf
;;           points to itself), value byte offset in a row (i32), threshold (f32; NaN on leaves, so a walk past a
;;           leaf stays on it), unused
;;   values  f32 leaf value per node
;;   roots   i32 byte offset of the root node per tree; depths i32 per tree (steps from the root to the deepest leaf)
;;   rows    f32 rows, rowBytes apart, each feature twice: [2f] with missing as +Infinity, [2f+1] with missing as
;;           -Infinity. A node whose missing values go right reads [2f] and one whose go left reads [2f+1], so
;;           `v >= t` alone routes every value, missing or not (thresholds are finite), with no NaN test per step.
;;   out     f64 margin per row
;; Eight trees are walked side by side (independent chains the CPU overlaps; eight measured ~10% faster than
;; four); leaf values are added in tree order in float32, exactly as forest.ts (and XGBoost's CPU predictor) does.
(module
  (import "env" "memory" (memory 1 65536))
  (func (export "margins")
      (param $nodes i32) (param $values i32) (param $roots i32) (param $depths i32) (param $T i32)
      (param $rows i32) (param $nRows i32) (param $rowBytes i32) (param $base f32) (param $out i32)
    (local $row i32) (local $rowEnd i32) (local $acc f32) (local $t i32) (local $rp i32) (local $dp i32)
    (local $depth i32) (local $k i32) (local $T4 i32) (local $o i32) (local $a i32) (local $na i32) (local $va f32) (local $b i32) (local $nb i32) (local $vb f32) (local $c i32) (local $nc i32) (local $vc f32) (local $d i32) (local $nd i32) (local $vd f32) (local $e i32) (local $ne i32) (local $ve f32) (local $f i32) (local $nf i32) (local $vf f32) (local $g i32) (local $ng i32) (local $vg f32) (local $h i32) (local $nh i32) (local $vh f32)
    (local.set $T4 (i32.and (local.get $T) (i32.const -8)))
    (local.set $row (local.get $rows))
    (local.set $rowEnd (i32.add (local.get $rows) (i32.mul (local.get $nRows) (local.get $rowBytes))))
    (local.set $o (local.get $out))
    (block $rows_done (loop $each_row
      (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rowEnd)))
      (local.set $acc (local.get $base))
      (local.set $t (i32.const 0))
      (local.set $rp (local.get $roots))
      (local.set $dp (local.get $depths))
      (block $quads_done (loop $quads
        (br_if $quads_done (i32.ge_u (local.get $t) (local.get $T4)))
          (local.set $a (i32.load offset=0 (local.get $rp)))
          (local.set $b (i32.load offset=4 (local.get $rp)))
          (local.set $c (i32.load offset=8 (local.get $rp)))
          (local.set $d (i32.load offset=12 (local.get $rp)))
          (local.set $e (i32.load offset=16 (local.get $rp)))
          (local.set $f (i32.load offset=20 (local.get $rp)))
          (local.set $g (i32.load offset=24 (local.get $rp)))
          (local.set $h (i32.load offset=28 (local.get $rp)))
          (local.set $depth (i32.load (local.get $dp)))
          (if (i32.gt_s (i32.load offset=4 (local.get $dp)) (local.get $depth)) (then (local.set $depth (i32.load offset=4 (local.get $dp)))))
          (if (i32.gt_s (i32.load offset=8 (local.get $dp)) (local.get $depth)) (then (local.set $depth (i32.load offset=8 (local.get $dp)))))
          (if (i32.gt_s (i32.load offset=12 (local.get $dp)) (local.get $depth)) (then (local.set $depth (i32.load offset=12 (local.get $dp)))))
          (if (i32.gt_s (i32.load offset=16 (local.get $dp)) (local.get $depth)) (then (local.set $depth (i32.load offset=16 (local.get $dp)))))
          (if (i32.gt_s (i32.load offset=20 (local.get $dp)) (local.get $depth)) (then (local.set $depth (i32.load offset=20 (local.get $dp)))))
          (if (i32.gt_s (i32.load offset=24 (local.get $dp)) (local.get $depth)) (then (local.set $depth (i32.load offset=24 (local.get $dp)))))
          (if (i32.gt_s (i32.load offset=28 (local.get $dp)) (local.get $depth)) (then (local.set $depth (i32.load offset=28 (local.get $dp)))))
        (local.set $k (local.get $depth))
        (block $walk_done (loop $walk
          (br_if $walk_done (i32.le_s (local.get $k) (i32.const 0)))
        ;; tree a: next = child + (v >= t), in bytes
        (local.set $na (i32.add (local.get $nodes) (local.get $a)))
        (local.set $va (f32.load (i32.add (local.get $row) (i32.load offset=4 (local.get $na)))))
        (local.set $a (i32.add (i32.load (local.get $na))
          (i32.shl (f32.ge (local.get $va) (f32.load offset=8 (local.get $na))) (i32.const 4))))
        ;; tree b: next = child + (v >= t), in bytes
        (local.set $nb (i32.add (local.get $nodes) (local.get $b)))
        (local.set $vb (f32.load (i32.add (local.get $row) (i32.load offset=4 (local.get $nb)))))
        (local.set $b (i32.add (i32.load (local.get $nb))
          (i32.shl (f32.ge (local.get $vb) (f32.load offset=8 (local.get $nb))) (i32.const 4))))
        ;; tree c: next = child + (v >= t), in bytes
        (local.set $nc (i32.add (local.get $nodes) (local.get $c)))
        (local.set $vc (f32.load (i32.add (local.get $row) (i32.load offset=4 (local.get $nc)))))
        (local.set $c (i32.add (i32.load (local.get $nc))
          (i32.shl (f32.ge (local.get $vc) (f32.load offset=8 (local.get $nc))) (i32.const 4))))
        ;; tree d: next = child + (v >= t), in bytes
        (local.set $nd (i32.add (local.get $nodes) (local.get $d)))
        (local.set $vd (f32.load (i32.add (local.get $row) (i32.load offset=4 (local.get $nd)))))
        (local.set $d (i32.add (i32.load (local.get $nd))
          (i32.shl (f32.ge (local.get $vd) (f32.load offset=8 (local.get $nd))) (i32.const 4))))
        ;; tree e: next = child + (v >= t), in bytes
        (local.set $ne (i32.add (local.get $nodes) (local.get $e)))
        (local.set $ve (f32.load (i32.add (local.get $row) (i32.load offset=4 (local.get $ne)))))
        (local.set $e (i32.add (i32.load (local.get $ne))
          (i32.shl (f32.ge (local.get $ve) (f32.load offset=8 (local.get $ne))) (i32.const 4))))
        ;; tree f: next = child + (v >= t), in bytes
        (local.set $nf (i32.add (local.get $nodes) (local.get $f)))
        (local.set $vf (f32.load (i32.add (local.get $row) (i32.load offset=4 (local.get $nf)))))
        (local.set $f (i32.add (i32.load (local.get $nf))
          (i32.shl (f32.ge (local.get $vf) (f32.load offset=8 (local.get $nf))) (i32.const 4))))
        ;; tree g: next = child + (v >= t), in bytes
        (local.set $ng (i32.add (local.get $nodes) (local.get $g)))
        (local.set $vg (f32.load (i32.add (local.get $row) (i32.load offset=4 (local.get $ng)))))
        (local.set $g (i32.add (i32.load (local.get $ng))
          (i32.shl (f32.ge (local.get $vg) (f32.load offset=8 (local.get $ng))) (i32.const 4))))
        ;; tree h: next = child + (v >= t), in bytes
        (local.set $nh (i32.add (local.get $nodes) (local.get $h)))
        (local.set $vh (f32.load (i32.add (local.get $row) (i32.load offset=4 (local.get $nh)))))
        (local.set $h (i32.add (i32.load (local.get $nh))
          (i32.shl (f32.ge (local.get $vh) (f32.load offset=8 (local.get $nh))) (i32.const 4))))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br $walk)))
          (local.set $acc (f32.add (local.get $acc) (f32.load (i32.add (local.get $values) (i32.shr_u (local.get $a) (i32.const 2))))))
          (local.set $acc (f32.add (local.get $acc) (f32.load (i32.add (local.get $values) (i32.shr_u (local.get $b) (i32.const 2))))))
          (local.set $acc (f32.add (local.get $acc) (f32.load (i32.add (local.get $values) (i32.shr_u (local.get $c) (i32.const 2))))))
          (local.set $acc (f32.add (local.get $acc) (f32.load (i32.add (local.get $values) (i32.shr_u (local.get $d) (i32.const 2))))))
          (local.set $acc (f32.add (local.get $acc) (f32.load (i32.add (local.get $values) (i32.shr_u (local.get $e) (i32.const 2))))))
          (local.set $acc (f32.add (local.get $acc) (f32.load (i32.add (local.get $values) (i32.shr_u (local.get $f) (i32.const 2))))))
          (local.set $acc (f32.add (local.get $acc) (f32.load (i32.add (local.get $values) (i32.shr_u (local.get $g) (i32.const 2))))))
          (local.set $acc (f32.add (local.get $acc) (f32.load (i32.add (local.get $values) (i32.shr_u (local.get $h) (i32.const 2))))))
        (local.set $t (i32.add (local.get $t) (i32.const 8)))
        (local.set $rp (i32.add (local.get $rp) (i32.const 32)))
        (local.set $dp (i32.add (local.get $dp) (i32.const 32)))
        (br $quads)))
      ;; the last 0-3 trees one at a time
      (block $rest_done (loop $rest
        (br_if $rest_done (i32.ge_u (local.get $t) (local.get $T)))
        (local.set $a (i32.load (local.get $rp)))
        (local.set $k (i32.load (local.get $dp)))
        (block $w1_done (loop $w1
          (br_if $w1_done (i32.le_s (local.get $k) (i32.const 0)))
        ;; tree a: next = child + (v >= t), in bytes
        (local.set $na (i32.add (local.get $nodes) (local.get $a)))
        (local.set $va (f32.load (i32.add (local.get $row) (i32.load offset=4 (local.get $na)))))
        (local.set $a (i32.add (i32.load (local.get $na))
          (i32.shl (f32.ge (local.get $va) (f32.load offset=8 (local.get $na))) (i32.const 4))))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br $w1)))
        (local.set $acc (f32.add (local.get $acc) (f32.load (i32.add (local.get $values) (i32.shr_u (local.get $a) (i32.const 2))))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (local.set $rp (i32.add (local.get $rp) (i32.const 4)))
        (local.set $dp (i32.add (local.get $dp) (i32.const 4)))
        (br $rest)))
      (f64.store (local.get $o) (f64.promote_f32 (local.get $acc)))
      (local.set $o (i32.add (local.get $o) (i32.const 8)))
      (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
      (br $each_row)))
  )
)
