// Polygon simplification for the geography bundled with the page (scripts/web-boroughs.mjs, scripts/web-ntas.mjs).

export function simplify(pts, tol) {
  if (pts.length < 4) return pts;
  const keep = new Uint8Array(pts.length);
  keep[0] = keep[pts.length - 1] = 1;
  const stack = [[0, pts.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    const [ax, ay] = pts[a];
    const [bx, by] = pts[b];
    const dx = bx - ax;
    const dy = by - ay;
    const len = Math.hypot(dx, dy) || 1e-12;
    let best = -1;
    let dmax = 0;
    for (let i = a + 1; i < b; i++) {
      const d = Math.abs(dy * (pts[i][0] - ax) - dx * (pts[i][1] - ay)) / len;
      if (d > dmax) {
        dmax = d;
        best = i;
      }
    }
    if (dmax > tol && best > 0) {
      keep[best] = 1;
      stack.push([a, best], [best, b]);
    }
  }
  return pts.filter((_, i) => keep[i]);
}

export function area(pts) {
  let s = 0;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) s += (pts[j][0] + pts[i][0]) * (pts[j][1] - pts[i][1]);
  return Math.abs(s / 2);
}

/** A closed ring's ends coincide: split it at the point farthest from the start, simplify both halves. */
export function simplifyRing(outer, tol) {
  let far = 0;
  for (let i = 1; i < outer.length; i++) {
    if (
      Math.hypot(outer[i][0] - outer[0][0], outer[i][1] - outer[0][1]) >
      Math.hypot(outer[far][0] - outer[0][0], outer[far][1] - outer[0][1])
    )
      far = i;
  }
  return [...simplify(outer.slice(0, far + 1), tol).slice(0, -1), ...simplify(outer.slice(far), tol)];
}
