"""Hierarchical Leiden communities over the entity graph.

Level 0 partitions the whole graph (modularity, fixed seed); any community larger than
``max_cluster_size`` is partitioned again one level down, up to ``max_levels``. Community ids are
content-derived (level + members), so an unchanged community keeps its id — and its summary — when
the graph around it changes. For incremental updates the previous level-0 membership of untouched
entities is kept fixed and only touched entities may move (leidenalg's ``is_membership_fixed``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import igraph as ig
import leidenalg
from pydantic import BaseModel, Field


class CommunitySettings(BaseModel):
    max_cluster_size: int = Field(
        24, ge=2, description="Communities larger than this are split one level down."
    )
    max_levels: int = Field(3, ge=1, le=8, description="Depth of the hierarchy.")
    resolution: float = Field(1.0, gt=0, description="Leiden resolution (RBConfiguration) below level 0.")
    seed: int = Field(7, description="Leiden seed: the same graph gives the same communities.")


@dataclass(frozen=True)
class Community:
    community_id: str
    level: int
    parent_id: str
    members: tuple[str, ...]  # entity keys, sorted


def community_id(level: int, members: Iterable[str]) -> str:
    return hashlib.sha256((f"{level}\x00" + "\x00".join(sorted(members))).encode()).hexdigest()[:20]


def hierarchical_leiden(
    nodes: list[str],
    edges: list[tuple[str, str, float]],
    settings: CommunitySettings | None = None,
    *,
    previous_level0: dict[str, str] | None = None,
    touched: set[str] | None = None,
) -> list[Community]:
    settings = settings or CommunitySettings()
    nodes = sorted(set(nodes))
    if not nodes:
        return []
    index = {n: i for i, n in enumerate(nodes)}
    weights: dict[tuple[int, int], float] = defaultdict(float)
    for a, b, w in edges:
        if a in index and b in index and a != b:
            i, j = sorted((index[a], index[b]))
            weights[(i, j)] += w
    graph = ig.Graph(n=len(nodes), edges=list(weights), directed=False)
    graph.es["weight"] = list(weights.values())
    level0 = _level0(graph, nodes, settings, previous_level0, touched or set())
    out: list[Community] = []
    for members in level0:
        out.extend(_split(graph, nodes, members, 0, "", settings))
    return out


def _level0(graph, nodes, settings, previous, touched) -> list[list[int]]:
    if previous:
        labels: dict[str, int] = {}
        initial = []
        for n in nodes:
            label = previous.get(n)
            if label is None or n in touched:
                label = f"new:{n}"
            initial.append(labels.setdefault(label, len(labels)))
        partition = leidenalg.ModularityVertexPartition(graph, weights="weight", initial_membership=initial)
        fixed = [n in previous and n not in touched for n in nodes]
        optimiser = leidenalg.Optimiser()
        optimiser.set_rng_seed(settings.seed)
        optimiser.optimise_partition(partition, n_iterations=-1, is_membership_fixed=fixed)
    else:
        partition = leidenalg.find_partition(
            graph, leidenalg.ModularityVertexPartition, weights="weight", seed=settings.seed, n_iterations=-1
        )
    groups: dict[int, list[int]] = defaultdict(list)
    for v, c in enumerate(partition.membership):
        groups[c].append(v)
    return list(groups.values())


def _split(graph, nodes, members: list[int], level: int, parent: str, settings) -> list[Community]:
    keys = tuple(sorted(nodes[v] for v in members))
    cid = community_id(level, keys)
    out = [Community(cid, level, parent, keys)]
    if len(members) <= settings.max_cluster_size or level + 1 >= settings.max_levels:
        return out
    sub = graph.subgraph(sorted(members))
    # The subgraph's vertex order follows the sorted vertex ids, so the split is deterministic.
    order = sorted(members)
    part = leidenalg.find_partition(
        sub,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=settings.resolution * 2,
        seed=settings.seed,
        n_iterations=-1,
    )
    groups: dict[int, list[int]] = defaultdict(list)
    for v, c in enumerate(part.membership):
        groups[c].append(order[v])
    if len(groups) <= 1:
        return out
    for child in groups.values():
        out.extend(_split(graph, nodes, child, level + 1, cid, settings))
    return out


def leaf_communities(communities: list[Community]) -> list[Community]:
    parents = {c.parent_id for c in communities}
    return [c for c in communities if c.community_id not in parents]
