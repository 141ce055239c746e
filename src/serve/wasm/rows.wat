;; The byte parser of POST /v1/predict bodies (see ../rows-parser.ts, which lays out the memory and runs it).
;; It takes {"rows":[{"<f>":v,...},...]} with every feature once per row in any key order, JSON whitespace, numbers
;; or null, and writes the column-major float32 table; anything else returns -1 and the request takes the general
;; path. Keys are matched against a learned order: at position j of a row the key expected first is the one found
;; at position j of the previous row (ord[j], schema order at first), compared inline; only on a miss are all keys
;; tried, and ord[j] learns the one found. So rows that share any one order cost one compare per key, as the
;; schema's order does. stamp[d] = row + 1 once key d is seen in that row: a repeated key returns -1.
;; Numbers whose mantissa exceeds 2^53 - 1 or whose decimal exponent is beyond ±22 are not converted here: their
;; (slot, start, end) go to a list that the JS side converts with Number(), as JSON.parse would.
;;
;; parse(body, len, desc, F, out, cap, hard, pow, ord, stamp) -> rows, or -1
;;   body[0 .. len) the request bytes, followed by a 0 byte (never valid there) and some readable padding
;;   desc: 16 bytes per key (i32 offset of its bytes, i32 length, i32 1 if an indicator feature, unused);
;;         keys 0 .. F-1 are the features with their quotes, key F is "rows" with its quotes
;;   out: f32 table, column j at out + 4 * (j * cap + i); at most cap rows
;;   hard: i32 triples (slot j * cap + i, start, end), their count in the global $nhard
;;   pow: f64 10^0 .. 10^22
;;   ord: i32 per key position, the key index expected there (kept across calls); stamp: i32 per key, zeroed
(module
  (memory (export "memory") 1)
  (global $nhard (export "nhard") (mut i32) (i32.const 0))

  ;; first non-whitespace position at or after $p; callers test for a byte <= 32 first (JSON's whitespace bytes are
  ;; all <= 32, its other bytes all above), so compact JSON costs one comparison instead of a call
  (func $ws (param $p i32) (result i32)
    (local $c i32)
    (block $done
      (loop $next
        (local.set $c (i32.load8_u (local.get $p)))
        (br_if $done (i32.gt_u (local.get $c) (i32.const 32)))
        (br_if $done
          (i32.eqz
            (i32.or
              (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 10)))
              (i32.or (i32.eq (local.get $c) (i32.const 13)) (i32.eq (local.get $c) (i32.const 9))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $p))

  ;; the position after key $d of desc matched at $p, or -1
  (func $key (param $p i32) (param $desc i32) (param $d i32) (result i32)
    (local $k i32) (local $n i32)
    (local.set $k (i32.load (i32.add (local.get $desc) (i32.shl (local.get $d) (i32.const 4)))))
    (local.set $n (i32.load offset=4 (i32.add (local.get $desc) (i32.shl (local.get $d) (i32.const 4)))))
    (block $tail
      (loop $words
        (br_if $tail (i32.lt_u (local.get $n) (i32.const 8)))
        (if (i64.ne (i64.load (local.get $p)) (i64.load (local.get $k))) (then (return (i32.const -1))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (local.set $k (i32.add (local.get $k) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 8)))
        (br $words)))
    (block $done
      (loop $bytes
        (br_if $done (i32.eqz (local.get $n)))
        (if (i32.ne (i32.load8_u (local.get $p)) (i32.load8_u (local.get $k))) (then (return (i32.const -1))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $bytes)))
    (local.get $p))

  (func (export "parse")
    (param $body i32) (param $len i32) (param $desc i32) (param $F i32) (param $out i32) (param $cap i32)
    (param $hard i32) (param $pow i32) (param $ord i32) (param $stamp i32) (result i32)
    (local $p i32) (local $c i32) (local $n i32) (local $j i32) (local $neg i32) (local $m i64) (local $digits i32)
    (local $e10 i32) (local $e i32) (local $esign i32) (local $inexact i32) (local $start i32) (local $v f64)
    (local $slot i32) (local $nh i32) (local $k i32) (local $kn i32) (local $d i32) (local $q i32)
    (local.set $nh (i32.const 0))
    (local.set $p (local.get $body))
    (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 32)) (then (local.set $p (call $ws (local.get $p)))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 123)) (then (return (i32.const -1)))) ;; {
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 32)) (then (local.set $p (call $ws (local.get $p)))))
    (local.set $p (call $key (local.get $p) (local.get $desc) (local.get $F)))
    (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
    (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 32)) (then (local.set $p (call $ws (local.get $p)))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 58)) (then (return (i32.const -1)))) ;; :
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 32)) (then (local.set $p (call $ws (local.get $p)))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 91)) (then (return (i32.const -1)))) ;; [
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 32)) (then (local.set $p (call $ws (local.get $p)))))
    (local.set $n (i32.const 0))
    (loop $rows
      (if (i32.eq (local.get $n) (local.get $cap)) (then (return (i32.const -1))))
      (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 123)) (then (return (i32.const -1)))) ;; {
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 32)) (then (local.set $p (call $ws (local.get $p)))))
      (local.set $j (i32.const 0))
      (loop $features
        (if (local.get $j)
          (then
            (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 44)) (then (return (i32.const -1)))) ;; ,
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 32)) (then (local.set $p (call $ws (local.get $p)))))))
        ;; the expected key ord[j], inline (a call per feature costs more than the compare), 8 bytes at a time
        (local.set $d (i32.load (i32.add (local.get $ord) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $k (i32.load (i32.add (local.get $desc) (i32.shl (local.get $d) (i32.const 4)))))
        (local.set $kn (i32.load offset=4 (i32.add (local.get $desc) (i32.shl (local.get $d) (i32.const 4)))))
        (local.set $q (local.get $p))
        (block $matched
          (block $miss
            (block $tail
              (loop $words
                (br_if $tail (i32.lt_u (local.get $kn) (i32.const 8)))
                (br_if $miss (i64.ne (i64.load (local.get $q)) (i64.load (local.get $k))))
                (local.set $q (i32.add (local.get $q) (i32.const 8)))
                (local.set $k (i32.add (local.get $k) (i32.const 8)))
                (local.set $kn (i32.sub (local.get $kn) (i32.const 8)))
                (br $words)))
            ;; the last 1-7 bytes: one 8-byte compare under a mask (the bytes past the key and past q are readable)
            (if (local.get $kn)
              (then
                (br_if $miss
                  (i64.ne
                    (i64.and
                      (i64.xor (i64.load (local.get $q)) (i64.load (local.get $k)))
                      (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $kn) (i32.const 3))))
                        (i64.const 1)))
                    (i64.const 0)))
                (local.set $q (i32.add (local.get $q) (local.get $kn)))))
            (br $matched))
          ;; another order: try every feature key, and expect the one found here in the next row
          (local.set $d (i32.const 0))
          (loop $search
            (if (i32.ge_u (local.get $d) (local.get $F)) (then (return (i32.const -1))))
            (local.set $q (call $key (local.get $p) (local.get $desc) (local.get $d)))
            (if (i32.ge_s (local.get $q) (i32.const 0))
              (then
                (i32.store (i32.add (local.get $ord) (i32.shl (local.get $j) (i32.const 2))) (local.get $d))
                (br $matched)))
            (local.set $d (i32.add (local.get $d) (i32.const 1)))
            (br $search)))
        (local.set $p (local.get $q))
        ;; a key seen twice in one row: the general path names it
        (if (i32.eq (i32.load (i32.add (local.get $stamp) (i32.shl (local.get $d) (i32.const 2))))
              (i32.add (local.get $n) (i32.const 1)))
          (then (return (i32.const -1))))
        (i32.store (i32.add (local.get $stamp) (i32.shl (local.get $d) (i32.const 2))) (i32.add (local.get $n) (i32.const 1)))
        (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 32)) (then (local.set $p (call $ws (local.get $p)))))
        (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 58)) (then (return (i32.const -1)))) ;; :
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 32)) (then (local.set $p (call $ws (local.get $p)))))
        (local.set $slot (i32.add (i32.mul (local.get $d) (local.get $cap)) (local.get $n)))
        (local.set $c (i32.load8_u (local.get $p)))
        (if (i32.eq (local.get $c) (i32.const 110)) ;; n
          (then
            ;; "null" read little-endian
            (if (i32.ne (i32.load (local.get $p)) (i32.const 0x6c6c756e)) (then (return (i32.const -1))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (f32.store (i32.add (local.get $out) (i32.shl (local.get $slot) (i32.const 2))) (f32.const nan)))
          (else
            ;; -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? as mantissa m (up to 19 digits) and exponent e10
            (local.set $start (local.get $p))
            (local.set $neg (i32.eq (local.get $c) (i32.const 45)))
            (if (local.get $neg)
              (then
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (local.set $c (i32.load8_u (local.get $p)))))
            (local.set $m (i64.const 0))
            (local.set $digits (i32.const 0))
            (local.set $e10 (i32.const 0))
            (local.set $inexact (i32.const 0))
            (if (i32.eq (local.get $c) (i32.const 48))
              (then
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (local.set $c (i32.load8_u (local.get $p))))
              (else
                (if (i32.gt_u (i32.sub (local.get $c) (i32.const 49)) (i32.const 8)) (then (return (i32.const -1))))
                (loop $int
                  (if (i32.lt_u (local.get $digits) (i32.const 19))
                    (then
                      (local.set $m
                        (i64.add (i64.mul (local.get $m) (i64.const 10))
                          (i64.extend_i32_u (i32.sub (local.get $c) (i32.const 48)))))
                      (local.set $digits (i32.add (local.get $digits) (i32.const 1))))
                    (else (local.set $inexact (i32.const 1))))
                  (local.set $p (i32.add (local.get $p) (i32.const 1)))
                  (local.set $c (i32.load8_u (local.get $p)))
                  (br_if $int (i32.le_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9))))))
            (if (i32.eq (local.get $c) (i32.const 46)) ;; .
              (then
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (local.set $c (i32.load8_u (local.get $p)))
                (if (i32.gt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9)) (then (return (i32.const -1))))
                (loop $frac
                  (if (i32.lt_u (local.get $digits) (i32.const 19))
                    (then
                      (local.set $m
                        (i64.add (i64.mul (local.get $m) (i64.const 10))
                          (i64.extend_i32_u (i32.sub (local.get $c) (i32.const 48)))))
                      (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
                      (local.set $e10 (i32.sub (local.get $e10) (i32.const 1))))
                    (else (local.set $inexact (i32.const 1))))
                  (local.set $p (i32.add (local.get $p) (i32.const 1)))
                  (local.set $c (i32.load8_u (local.get $p)))
                  (br_if $frac (i32.le_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9))))))
            (if (i32.eq (i32.or (local.get $c) (i32.const 32)) (i32.const 101)) ;; e or E
              (then
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (local.set $c (i32.load8_u (local.get $p)))
                (local.set $esign (i32.const 1))
                (if (i32.eq (local.get $c) (i32.const 43)) ;; +
                  (then
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (local.set $c (i32.load8_u (local.get $p))))
                  (else
                    (if (i32.eq (local.get $c) (i32.const 45)) ;; -
                      (then
                        (local.set $esign (i32.const -1))
                        (local.set $p (i32.add (local.get $p) (i32.const 1)))
                        (local.set $c (i32.load8_u (local.get $p)))))))
                (if (i32.gt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9)) (then (return (i32.const -1))))
                (local.set $e (i32.const 0))
                (loop $exp
                  (if (i32.lt_u (local.get $e) (i32.const 100000))
                    (then
                      (local.set $e
                        (i32.add (i32.mul (local.get $e) (i32.const 10)) (i32.sub (local.get $c) (i32.const 48))))))
                  (local.set $p (i32.add (local.get $p) (i32.const 1)))
                  (local.set $c (i32.load8_u (local.get $p)))
                  (br_if $exp (i32.le_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9))))
                (local.set $e10 (i32.add (local.get $e10) (i32.mul (local.get $esign) (local.get $e))))))
            (if (i32.and
                  (i32.and (i32.eqz (local.get $inexact)) (i64.le_u (local.get $m) (i64.const 9007199254740991)))
                  (i32.le_u (i32.add (local.get $e10) (i32.const 22)) (i32.const 44)))
              (then
                ;; Clinger's fast path: exact m and 10^k, one rounding, the double JSON.parse gives. Such a value
                ;; is at most 2^53 * 10^22 < 3.4e38, inside the float32 range.
                (local.set $v (f64.convert_i64_u (local.get $m)))
                (if (i32.lt_s (local.get $e10) (i32.const 0))
                  (then
                    (local.set $v
                      (f64.div (local.get $v)
                        (f64.load (i32.add (local.get $pow) (i32.shl (i32.sub (i32.const 0) (local.get $e10)) (i32.const 3)))))))
                  (else
                    (local.set $v
                      (f64.mul (local.get $v)
                        (f64.load (i32.add (local.get $pow) (i32.shl (local.get $e10) (i32.const 3))))))))
                (if (local.get $neg) (then (local.set $v (f64.neg (local.get $v)))))
                (if (i32.load offset=8 (i32.add (local.get $desc) (i32.shl (local.get $d) (i32.const 4))))
                  (then
                    (if (i32.and (f64.ne (local.get $v) (f64.const 0)) (f64.ne (local.get $v) (f64.const 1)))
                      (then (return (i32.const -1))))))
                (f32.store (i32.add (local.get $out) (i32.shl (local.get $slot) (i32.const 2)))
                  (f32.demote_f64 (local.get $v))))
              (else
                (i32.store (i32.add (local.get $hard) (i32.mul (local.get $nh) (i32.const 12))) (local.get $slot))
                (i32.store offset=4 (i32.add (local.get $hard) (i32.mul (local.get $nh) (i32.const 12))) (local.get $start))
                (i32.store offset=8 (i32.add (local.get $hard) (i32.mul (local.get $nh) (i32.const 12))) (local.get $p))
                (local.set $nh (i32.add (local.get $nh) (i32.const 1)))))))
        (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 32)) (then (local.set $p (call $ws (local.get $p)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $features (i32.lt_u (local.get $j) (local.get $F))))
      (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 125)) (then (return (i32.const -1)))) ;; }
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 32)) (then (local.set $p (call $ws (local.get $p)))))
      (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 93)) ;; ]
        (then
          (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 44)) (then (return (i32.const -1)))) ;; ,
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 32)) (then (local.set $p (call $ws (local.get $p)))))
          (br $rows))))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 32)) (then (local.set $p (call $ws (local.get $p)))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 125)) (then (return (i32.const -1)))) ;; }
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 32)) (then (local.set $p (call $ws (local.get $p)))))
    (if (i32.ne (local.get $p) (i32.add (local.get $body) (local.get $len))) (then (return (i32.const -1))))
    (global.set $nhard (local.get $nh))
    (local.get $n))
)
