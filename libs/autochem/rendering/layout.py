"""Left-to-right layered (Sugiyama-style) layout of a flowsheet graph, with orthogonal stream routes.

Steps, each the textbook one kept small:

1. cycles (recycles) are broken by a depth-first search from the feeds; the back edges are laid out
   reversed and drawn with the arrow pointing back upstream;
2. layers by longest path, feeds in the first layer and products in the last (battery limits on the left
   and right edges), units fed only from outside pulled right next to their first consumer;
3. edges that span several layers get dummy nodes, so that long lines run in lanes of their own;
4. order within layers by barycenter sweeps, keeping the order with the fewest crossings;
5. vertical positions by repeated median alignment, solved exactly under the no-overlap constraints
   (isotonic regression, pool-adjacent-violators);
6. routes: horizontal out of a port, vertical in a track of the channel between two layers (every vertical
   segment has a track of its own), horizontal into the next port.

Lines therefore never cross a node: vertical segments live only in channels, horizontal segments stay at
the height of their own port or dummy lane. Node boxes in one layer are stacked with a gap, and layers are
separated by channels, so no two nodes overlap.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from autochem.rendering.svg import Box

Point = tuple[float, float]


@dataclass(frozen=True)
class NodeGeom:
    """A node's size and where its symbol sits inside it (ports attach to the symbol's left/right sides)."""

    width: float
    height: float
    symbol: Box  # relative to the node's top-left corner
    ports: tuple[float, float] | None = None  # the stretch of the sides lines may attach to (default: all)

    @property
    def port_range(self) -> tuple[float, float]:
        return self.ports if self.ports is not None else (self.symbol.y, self.symbol.bottom)


@dataclass(frozen=True)
class EdgeSpec:
    key: str
    src: str
    dst: str


@dataclass
class LayoutOptions:
    node_gap: float = 44.0  # vertical gap between two nodes of a layer
    lane_gap: float = 16.0  # vertical gap next to a dummy lane
    zone: float = 60.0  # horizontal run out of / into a port before the first / after the last track
    track_gap: float = 12.0  # distance between vertical tracks in a channel
    min_column: float = 24.0
    margin: float = 30.0
    iterations: int = 24


@dataclass
class Layout:
    nodes: dict[str, Box]  # node boxes, absolute
    symbols: dict[str, Box]  # symbol boxes, absolute
    layers: dict[str, int]
    routes: dict[str, list[Point]]  # per edge key, in the direction of flow
    reversed_edges: set[str]
    width: float
    height: float
    layer_x: list[tuple[float, float]] = field(default_factory=list)  # (left, right) of each layer column

    def segments(self) -> list[tuple[str, Point, Point]]:
        out = []
        for key, points in self.routes.items():
            for a, b in itertools.pairwise(points):
                out.append((key, a, b))
        return out


@dataclass
class _Node:
    key: str
    layer: int = 0
    dummy: bool = False
    geom: NodeGeom | None = None
    top: float = 0.0

    @property
    def height(self) -> float:
        return self.geom.height if self.geom else 0.0

    @property
    def anchor(self) -> float:
        """Offset from the top of the point that should line up with neighbours."""
        if self.geom is None:
            return 0.0
        lo, hi = self.geom.port_range
        return (lo + hi) / 2


def _break_cycles(
    keys: Sequence[str], edges: Sequence[EdgeSpec], first: Sequence[str]
) -> tuple[set[int], list[str]]:
    """Indices of back edges found by an iterative DFS that starts from ``first`` (in order), and the
    pre-order of nodes."""
    out: dict[str, list[int]] = {k: [] for k in keys}
    has_in = {k: False for k in keys}
    for i, e in enumerate(edges):
        out[e.src].append(i)
        has_in[e.dst] = True
    starts = list(first) + [k for k in keys if not has_in[k]] + list(keys)
    state: dict[str, int] = {}  # 1 on stack, 2 done
    back: set[int] = set()
    order: list[str] = []
    for start in starts:
        if start in state:
            continue
        state[start] = 1
        order.append(start)
        stack = [(start, iter(out[start]))]
        while stack:
            node, it = stack[-1]
            advanced = False
            for i in it:
                nxt = edges[i].dst
                st = state.get(nxt)
                if st == 1:
                    back.add(i)
                elif st is None:
                    state[nxt] = 1
                    order.append(nxt)
                    stack.append((nxt, iter(out[nxt])))
                    advanced = True
                    break
            if not advanced:
                state[node] = 2
                stack.pop()
    return back, order


def _isotonic(targets: list[float], weights: list[float]) -> list[float]:
    """Weighted least-squares non-decreasing fit (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [value, weight, count]
    for t, w in zip(targets, weights, strict=True):
        blocks.append([t, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            v2, w2, n2 = blocks.pop()
            v1, w1, n1 = blocks.pop()
            blocks.append([(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    out: list[float] = []
    for v, _, n in blocks:
        out.extend([v] * int(n))
    return out


def _crossings(layers: list[list[str]], pos: dict[str, int], down: dict[str, list[str]]) -> int:
    total = 0
    for layer in layers:
        pairs = [(pos[u], pos[v]) for u in layer for v in down[u]]
        for i in range(len(pairs)):
            a = pairs[i]
            for b in pairs[i + 1 :]:
                if (a[0] - b[0]) * (a[1] - b[1]) < 0:
                    total += 1
    return total


def layered_layout(
    keys: Sequence[str],
    edges: Sequence[EdgeSpec],
    geometry: Callable[[str, int, int], NodeGeom],
    *,
    feeds: Sequence[str] = (),
    products: Sequence[str] = (),
    options: LayoutOptions | None = None,
    run_in: dict[str, float] | None = None,
    port_rank: dict[tuple[str, str], float] | None = None,
) -> Layout:
    """Lay out ``keys`` (nodes) joined by ``edges``; ``geometry(key, n_in, n_out)`` sizes a node given the
    number of lines on its left and right sides. ``feeds`` go in the first layer, ``products`` in the last.
    ``run_in[edge key]`` asks for at least that much straight horizontal line before the edge's last node
    (room for what is drawn on the line). ``port_rank[(node, edge key)]`` in [0, 1] puts that line's port
    high (0) or low (1) on its side of the node, before the order that avoids crossings (0.5 when absent):
    vapour leaves a column at the top and liquid at the bottom."""
    run_in = run_in or {}
    port_rank = port_rank or {}
    opt = options or LayoutOptions()
    keys = list(dict.fromkeys(keys))
    feed_set, product_set = set(feeds), set(products)
    loops = [e for e in edges if e.src == e.dst]
    edges = [e for e in edges if e.src != e.dst]

    back, preorder = _break_cycles(keys, edges, [k for k in keys if k in feed_set])
    dag = [(e.dst, e.src) if i in back else (e.src, e.dst) for i, e in enumerate(edges)]
    succ: dict[str, list[str]] = {k: [] for k in keys}
    pred: dict[str, list[str]] = {k: [] for k in keys}
    for u, v in dag:
        succ[u].append(v)
        pred[v].append(u)

    # Longest-path layers over a topological order.
    indeg = {k: len(pred[k]) for k in keys}
    ready = [k for k in preorder if indeg[k] == 0]
    topo: list[str] = []
    while ready:
        k = ready.pop(0)
        topo.append(k)
        for v in succ[k]:
            indeg[v] -= 1
            if indeg[v] == 0:
                ready.append(v)
    layer = {k: 0 for k in keys}
    for k in topo:
        for v in succ[k]:
            layer[v] = max(layer[v], layer[k] + 1)
    offset = 1 if feed_set else 0
    for k in keys:
        if k not in feed_set and k not in product_set:
            layer[k] = max(layer[k], offset)
    # Units fed only from outside move right, next to their first consumer.
    for k in reversed(topo):
        if k in feed_set or k in product_set or not succ[k]:
            continue
        if all(p in feed_set for p in pred[k]):
            layer[k] = max(layer[k], min(layer[v] for v in succ[k]) - 1, offset)
    for k in feed_set:
        layer[k] = 0
    inner = [layer[k] for k in keys if k not in feed_set and k not in product_set]
    last = (max(inner) if inner else offset - 1) + 1
    for k in product_set:
        layer[k] = max(last, 1 if feed_set else 0)
    n_layers = max(layer.values(), default=0) + 1

    # Dummy chains for long edges. chain[i] = node keys from the DAG source to the DAG target.
    nodes: dict[str, _Node] = {k: _Node(k, layer[k]) for k in keys}
    chains: list[list[str]] = []
    for i, (u, v) in enumerate(dag):
        chain = [u]
        for lay in range(layer[u] + 1, layer[v]):
            d = f"\x00d{i}:{lay}"
            nodes[d] = _Node(d, lay, dummy=True)
            chain.append(d)
        chain.append(v)
        chains.append(chain)
    down: dict[str, list[str]] = {k: [] for k in nodes}
    up: dict[str, list[str]] = {k: [] for k in nodes}
    down_edge: dict[str, list[str]] = {k: [] for k in nodes}  # edge key of each entry of down[k]
    up_edge: dict[str, list[str]] = {k: [] for k in nodes}
    for ci, chain in enumerate(chains):
        for a, b in itertools.pairwise(chain):
            down[a].append(b)
            up[b].append(a)
            down_edge[a].append(edges[ci].key)
            up_edge[b].append(edges[ci].key)

    # Order within layers.
    rank = {k: i for i, k in enumerate(preorder)}
    layers: list[list[str]] = [[] for _ in range(n_layers)]
    for k in sorted(nodes, key=lambda k: (rank.get(k, len(rank)), k)):
        layers[nodes[k].layer].append(k)
    # Dummies start next to the node their chain comes from.
    for lay in layers:
        lay.sort(key=lambda k: _initial_rank(k, rank, chains))

    def positions() -> dict[str, int]:
        return {k: i for lay in layers for i, k in enumerate(lay)}

    best = [list(lay) for lay in layers]
    best_cross = _crossings(layers, positions(), down)
    for it in range(opt.iterations):
        pos = positions()
        sweep = range(1, n_layers) if it % 2 == 0 else range(n_layers - 2, -1, -1)
        for li in sweep:
            nbrs = up if it % 2 == 0 else down
            pos = positions()
            current = layers[li]
            bary = {}
            for idx, k in enumerate(current):
                ns = [pos[n] for n in nbrs[k]]
                bary[k] = sum(ns) / len(ns) if ns else float(idx)
            layers[li] = sorted(current, key=lambda k: (bary[k], current.index(k)))
        cross = _crossings(layers, positions(), down)
        if cross < best_cross:
            best_cross, best = cross, [list(lay) for lay in layers]
    layers = best

    # Node sizes, from the number of lines on each side.
    for k in keys:
        nodes[k].geom = geometry(k, len(up[k]), len(down[k]))

    # Vertical positions.
    for lay in layers:
        y = 0.0
        for i, k in enumerate(lay):
            nodes[k].top = y
            y += nodes[k].height + _gap(nodes, lay, i, opt)

    def align(li: int, nbrs: dict[str, list[str]]) -> None:
        lay = layers[li]
        if not lay:
            return
        targets, weights, cum = [], [], 0.0
        for i, k in enumerate(lay):
            node = nodes[k]
            ys = [nodes[n].top + nodes[n].anchor for n in nbrs[k]]
            other = down if nbrs is up else up
            if not ys:
                ys = [nodes[n].top + nodes[n].anchor for n in other[k]]
            desired = statistics.median(ys) if ys else node.top + node.anchor
            targets.append(desired - node.anchor - cum)
            weights.append(4.0 if node.dummy else 1.0)
            cum += node.height + _gap(nodes, lay, i, opt)
        fitted = _isotonic(targets, weights)
        cum = 0.0
        for i, k in enumerate(lay):
            nodes[k].top = fitted[i] + cum
            cum += nodes[k].height + _gap(nodes, lay, i, opt)

    for it in range(8):
        if it % 2 == 0:
            for li in range(n_layers):
                align(li, up)
        else:
            for li in range(n_layers - 1, -1, -1):
                align(li, down)
    for li in range(n_layers):
        align(li, up if li > 0 else down)
    _straighten(chains, nodes, layers, opt)

    # Ports: y of each (node, neighbour-slot) on the left (in) and right (out) sides.
    out_port: dict[tuple[str, int], float] = {}  # (node, index into down[node]) -> y
    in_port: dict[tuple[str, int], float] = {}
    for k, node in nodes.items():
        if node.dummy:
            for i in range(len(down[k])):
                out_port[(k, i)] = node.top
            for i in range(len(up[k])):
                in_port[(k, i)] = node.top
            continue
        for nbrs, keys_, ports in ((up[k], up_edge[k], in_port), (down[k], down_edge[k], out_port)):
            order = sorted(
                range(len(nbrs)),
                key=lambda i, nbrs=nbrs, keys_=keys_: (
                    port_rank.get((k, keys_[i]), 0.5),
                    nodes[nbrs[i]].top + nodes[nbrs[i]].anchor,
                    i,
                ),
            )
            n = len(nbrs)
            for slot, i in enumerate(order):
                lo, hi = node.geom.port_range
                rank = port_rank.get((k, keys_[i]))
                if n == 1 and rank is not None:
                    inset = (hi - lo) * 0.15
                    y = node.top + lo + inset + rank * (hi - lo - 2 * inset)
                elif n == 1:
                    y = node.top + (lo + hi) / 2
                else:
                    inset = min(8.0, (hi - lo) / 6)
                    y = node.top + lo + inset + (slot + 0.5) * (hi - lo - 2 * inset) / n
                ports[(k, i)] = y

    # Segments between consecutive layers and their tracks.
    used_in: dict[str, int] = {k: 0 for k in nodes}
    used_out: dict[str, int] = {k: 0 for k in nodes}
    chain_segments: list[list[tuple[str, str, float, float]]] = []
    for ci, chain in enumerate(chains):
        key = edges[ci].key
        segs = []
        for a, b in itertools.pairwise(chain):
            ia = _slot(down[a], b, used_out, a)
            ib = _slot(up[b], a, used_in, b)
            ya, yb = out_port[(a, ia)], in_port[(b, ib)]
            # A side with a single line can take it at any height: straighten when the other end allows
            # (unless the port's height means something, like a column's bottoms).
            if not nodes[b].dummy and len(up[b]) == 1 and (b, key) not in port_rank and _within(nodes[b], ya):
                yb = ya
            elif (
                not nodes[a].dummy
                and len(down[a]) == 1
                and (a, key) not in port_rank
                and _within(nodes[a], yb)
            ):
                ya = yb
            segs.append((a, b, ya, yb))
        chain_segments.append(segs)
    tracks: dict[int, list[tuple[int, int, float, float]]] = {li: [] for li in range(n_layers)}
    for ci, segs in enumerate(chain_segments):
        for si, (a, _, ya, yb) in enumerate(segs):
            if abs(ya - yb) >= 0.5:
                tracks[nodes[a].layer].append((ci, si, ya, yb))
    track_index: dict[tuple[int, int], int] = {}
    for items in tracks.values():
        downs = sorted((t for t in items if t[3] > t[2]), key=lambda t: -t[2])
        ups = sorted((t for t in items if t[3] < t[2]), key=lambda t: t[2])
        for idx, t in enumerate(ups + downs):
            track_index[(t[0], t[1])] = idx

    # Horizontal positions of layers.
    zone_after = [opt.zone] * n_layers
    for ci, segs in enumerate(chain_segments):
        wanted = run_in.get(edges[ci].key, 0.0)
        if wanted and segs:
            li = nodes[segs[-1][0]].layer
            zone_after[li] = max(zone_after[li], wanted)
    layer_x: list[tuple[float, float]] = []
    x = opt.margin
    channel_left: list[float] = []
    for li in range(n_layers):
        widths = [nodes[k].geom.width for k in layers[li] if not nodes[k].dummy]
        w = max(widths, default=opt.min_column)
        layer_x.append((x, x + w))
        channel_left.append(x + w)
        x += w + opt.zone + zone_after[li] + max(len(tracks[li]) - 1, 0) * opt.track_gap
    width = layer_x[-1][1] + opt.margin if layer_x else 2 * opt.margin

    # Absolute boxes; shift everything so that the top margin holds.
    top = min((n.top for n in nodes.values()), default=0.0)
    shift = opt.margin - top
    for n in nodes.values():
        n.top += shift
    node_boxes: dict[str, Box] = {}
    symbol_boxes: dict[str, Box] = {}
    for k in keys:
        node = nodes[k]
        left, right = layer_x[node.layer]
        nx = left + (right - left - node.geom.width) / 2
        node_boxes[k] = Box(nx, node.top, node.geom.width, node.geom.height)
        s = node.geom.symbol
        symbol_boxes[k] = Box(nx + s.x, node.top + s.y, s.w, s.h)
    height = max((b.bottom for b in node_boxes.values()), default=0.0)
    height = max(height, max((n.top for n in nodes.values() if n.dummy), default=0.0)) + opt.margin

    def start_x(k: str) -> float:
        return layer_x[nodes[k].layer][1] if nodes[k].dummy else symbol_boxes[k].right

    def end_x(k: str) -> float:
        return layer_x[nodes[k].layer][0] if nodes[k].dummy else symbol_boxes[k].x

    routes: dict[str, list[Point]] = {}
    reversed_keys: set[str] = set()
    for ci, segs in enumerate(chain_segments):
        points: list[Point] = []
        for si, (a, b, ya, yb) in enumerate(segs):
            ya, yb = ya + shift, yb + shift
            points.append((start_x(a), ya))
            if (ci, si) in track_index:
                tx = channel_left[nodes[a].layer] + opt.zone + track_index[(ci, si)] * opt.track_gap
                points += [(tx, ya), (tx, yb)]
            else:
                yb = ya  # less than half a pixel apart: drawn straight
            points.append((end_x(b), yb))
        points = _simplify(points)
        e = edges[ci]
        if ci in back:
            points.reverse()
            reversed_keys.add(e.key)
        routes[e.key] = points
    for e in loops:  # a stream from a unit back to itself: out on the right, under the unit, in on the left
        s, n = symbol_boxes[e.src], node_boxes[e.src]
        y0 = n.bottom + opt.lane_gap / 2
        routes[e.key] = [
            (s.right, s.cy),
            (max(s.right, n.right) + 10, s.cy),
            (max(s.right, n.right) + 10, y0),
            (min(s.x, n.x) - 10, y0),
            (min(s.x, n.x) - 10, s.cy),
            (s.x, s.cy),
        ]
    return Layout(
        nodes=node_boxes,
        symbols=symbol_boxes,
        layers={k: nodes[k].layer for k in keys},
        routes=routes,
        reversed_edges=reversed_keys,
        width=width,
        height=height,
        layer_x=layer_x,
    )


def _straighten(
    chains: list[list[str]], nodes: dict[str, _Node], layers: list[list[str]], opt: LayoutOptions
) -> None:
    """Put each long edge's dummy lane at one height where its neighbours in every layer leave room, so
    that the line runs straight instead of stepping from lane to lane."""
    index = {k: (li, i) for li, lay in enumerate(layers) for i, k in enumerate(lay)}

    def feasible(d: str, y: float) -> bool:
        li, i = index[d]
        lay = layers[li]
        if i > 0:
            prev = nodes[lay[i - 1]]
            if prev.top + prev.height + opt.lane_gap > y + 1e-6:
                return False
        if i + 1 < len(lay):
            nxt = nodes[lay[i + 1]]
            if y + opt.lane_gap > nxt.top + 1e-6:
                return False
        return True

    for _ in range(3):
        for chain in chains:
            dummies = chain[1:-1]
            if not dummies:
                continue
            ends = [
                nodes[chain[0]].top + nodes[chain[0]].anchor,
                nodes[chain[-1]].top + nodes[chain[-1]].anchor,
            ]
            candidates = sorted({nodes[d].top for d in dummies} | set(ends))
            best, best_cost = None, float("inf")
            for y in candidates:
                if not all(feasible(d, y) for d in dummies):
                    continue
                cost = sum(1000.0 for e in ends if abs(e - y) > 0.5) + sum(
                    abs(nodes[d].top - y) for d in dummies
                )
                if cost < best_cost:
                    best, best_cost = y, cost
            if best is not None:
                for d in dummies:
                    nodes[d].top = best


def _initial_rank(k: str, rank: dict[str, int], chains: list[list[str]]) -> float:
    if k.startswith("\x00d"):
        ci = int(k[2:].split(":", 1)[0])
        return rank.get(chains[ci][0], 0) + 0.5
    return float(rank.get(k, 0))


def _within(node: _Node, y: float) -> bool:
    lo, hi = node.geom.port_range
    inset = min(10.0, (hi - lo) / 4)
    return node.top + lo + inset <= y <= node.top + hi - inset


def _gap(nodes: dict[str, _Node], lay: list[str], i: int, opt: LayoutOptions) -> float:
    if i + 1 >= len(lay):
        return 0.0
    if nodes[lay[i]].dummy or nodes[lay[i + 1]].dummy:
        return opt.lane_gap
    return opt.node_gap


def _slot(nbrs: list[str], other: str, used: dict[str, int], me: str) -> int:
    """Index of the next unused occurrence of ``other`` in ``nbrs`` (parallel edges take one each)."""
    seen = used.setdefault(f"{me}\x01{other}", 0)
    count = 0
    for i, n in enumerate(nbrs):
        if n == other:
            if count == seen:
                used[f"{me}\x01{other}"] = seen + 1
                return i
            count += 1
    return nbrs.index(other)


def _simplify(points: list[Point]) -> list[Point]:
    """Drop repeated and collinear points; a step of under half a pixel is straightened."""
    out: list[Point] = []
    for p in points:
        if out and abs(out[-1][1] - p[1]) < 0.5 and abs(out[-1][0] - p[0]) >= 0.5:
            p = (p[0], out[-1][1])
        if out and abs(out[-1][0] - p[0]) < 0.01 and abs(out[-1][1] - p[1]) < 0.01:
            continue
        out.append(p)
    i = 1
    while i < len(out) - 1:
        (x0, y0), (x1, y1), (x2, y2) = out[i - 1], out[i], out[i + 1]
        if (abs(x0 - x1) < 0.01 and abs(x1 - x2) < 0.01) or (abs(y0 - y1) < 0.01 and abs(y1 - y2) < 0.01):
            del out[i]
        else:
            i += 1
    return out
