"""Small-cell suppression of the national report's tables (do no harm).

Applied by `build_report` when the report leaves an organisation:

1. Primary suppression: a cell with 0 < count < threshold is replaced by SUPPRESSED.
   The threshold is settings.KOLDOO_SUPPRESSION_THRESHOLD (5) unless asked otherwise,
   and never below MINIMUM_THRESHOLD (3).
2. Secondary suppression, to a fixed point: a table is a grid over the values of its
   dimensions (every combination of the values present, zeros included). Every line
   of the grid (the cells that differ in one dimension only) and the whole table are
   treated as having a published total. A line or the table with exactly one
   suppressed cell would give that cell away by subtraction, so the smallest other
   cell of it is suppressed too: a non-zero one when there is one, else a zero (which
   then appears in the rows as suppressed).
3. An exact check of every two-dimensional slice follows (a 2-D table is one slice;
   a 3-D table has one per pair of dimensions and value of the third): with the
   slice's rows, columns and total known, each suppressed non-zero cell must be able
   to take at least two non-negative integer values consistent with everything
   published (a transportation problem, solved as a maximum flow). A cell that can
   take only one gets a further cell of its row or column suppressed, and step 2 runs
   again. For 2-D tables this is exact; in 3-D it is necessary, not sufficient.
4. A total below the threshold is itself SUPPRESSED.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings

from apps.statistics.report import MINIMUM_THRESHOLD, SUPPRESSED, Table


def effective_threshold(requested: int | None = None) -> int:
    """The threshold to use: the one asked for or the configured one, never below the
    minimum."""
    value = requested if requested is not None else settings.KOLDOO_SUPPRESSION_THRESHOLD
    return max(int(value), MINIMUM_THRESHOLD)


def lines_of(keys: list[tuple]) -> list[list[tuple]]:
    """The lines of a grid: for each dimension, the cells sharing every other coordinate;
    and the whole grid (the grand total), once."""
    if not keys:
        return []
    ndims = len(keys[0])
    lines: list[list[tuple]] = [list(keys)]
    if ndims > 1:
        for d in range(ndims):
            groups: dict[tuple, list[tuple]] = defaultdict(list)
            for k in keys:
                groups[k[:d] + k[d + 1 :]].append(k)
            lines.extend(groups.values())
    return lines


def _partner(line: list[tuple], cells: dict, suppressed: set, order: dict):
    candidates = [k for k in line if k not in suppressed]
    if not candidates:
        return None
    # The smallest non-zero cell; a zero only when nothing else is left.
    return min(candidates, key=lambda k: (cells[k] == 0, cells[k], order[k]))


def _secondary(cells: dict, suppressed: set, lines, order: dict) -> None:
    changed = True
    while changed:
        changed = False
        for line in lines:
            if len(line) < 2:
                continue
            if sum(1 for k in line if k in suppressed) == 1:
                partner = _partner(line, cells, suppressed, order)
                if partner is not None:
                    suppressed.add(partner)
                    changed = True


def _max_flow(capacity: dict, source, sink) -> int:
    """Augmenting paths (depth first) on a small graph: {(u, v): capacity}."""
    residual: dict = defaultdict(int)
    neighbours: dict = defaultdict(set)
    for (u, v), c in capacity.items():
        residual[(u, v)] += c
        neighbours[u].add(v)
        neighbours[v].add(u)
    flow = 0
    while True:
        parent = {source: None}
        stack = [source]
        while stack and sink not in parent:
            u = stack.pop()
            for v in neighbours[u]:
                if v not in parent and residual[(u, v)] > 0:
                    parent[v] = u
                    stack.append(v)
        if sink not in parent:
            return flow
        path, v = [], sink
        while parent[v] is not None:
            path.append((parent[v], v))
            v = parent[v]
        push = min(residual[e] for e in path)
        for u, v in path:
            residual[(u, v)] -= push
            residual[(v, u)] += push
        flow += push


def feasible_2d(cells: dict, suppressed: set, fixed: dict) -> bool:
    """Whether the suppressed cells of a 2-D grid can take non-negative integer values,
    with the cells in `fixed` set to the given values, so that every row and column
    keeps its true total."""
    row_left: dict = defaultdict(int)
    col_left: dict = defaultdict(int)
    for (r, c), n in cells.items():
        if (r, c) in suppressed:
            row_left[r] += n
            col_left[c] += n
    for (r, c), value in fixed.items():
        row_left[r] -= value
        col_left[c] -= value
    if any(v < 0 for v in row_left.values()) or any(v < 0 for v in col_left.values()):
        return False
    capacity = {}
    for r, c in suppressed:
        if (r, c) in fixed:
            continue
        capacity[(("r", r), ("c", c))] = min(row_left[r], col_left[c])
    for r, v in row_left.items():
        capacity[("s", ("r", r))] = v
    for c, v in col_left.items():
        capacity[(("c", c), "t")] = v
    need = sum(row_left.values())
    if need != sum(col_left.values()):
        return False
    return _max_flow(capacity, "s", "t") == need


def determined_2d(cells: dict, suppressed: set) -> list[tuple]:
    """Suppressed non-zero cells whose value follows from the published cells and the
    row, column and grand totals."""
    out = []
    for key in sorted(suppressed, key=repr):
        value = cells[key]
        if value == 0:
            continue
        if not feasible_2d(cells, suppressed, {key: value + 1}) and not (
            value > 0 and feasible_2d(cells, suppressed, {key: value - 1})
        ):
            out.append(key)
    return out


def slices_2d(keys: list[tuple]) -> list[tuple[tuple[int, int], list[tuple]]]:
    """The two-dimensional slices of a grid: for every pair of dimensions, the cells that
    share every other coordinate. A 2-D grid is its own single slice."""
    ndims = len(keys[0]) if keys else 0
    out = []
    for a in range(ndims):
        for b in range(a + 1, ndims):
            groups: dict[tuple, list[tuple]] = defaultdict(list)
            for k in keys:
                groups[tuple(k[i] for i in range(ndims) if i not in (a, b))].append(k)
            out.extend(((a, b), members) for members in groups.values())
    return out


def _exposed_in_slices(cells: dict, suppressed: set, slices) -> tuple | None:
    """A suppressed non-zero cell that follows from the totals of one 2-D slice (its rows,
    columns and total); None when there is none. In more than two dimensions this is a
    necessary check, not a complete one: the other lines only add constraints."""
    for (a, b), members in slices:
        flat = {(k[a], k[b]): cells[k] for k in members}
        hidden = {(k[a], k[b]) for k in members if k in suppressed}
        if len(hidden) < 2:
            continue
        exposed = determined_2d(flat, hidden)
        if exposed:
            ra, rb = exposed[0]
            return next(k for k in members if (k[a], k[b]) == (ra, rb)), (a, b), members
    return None


def suppress_cells(cells: dict[tuple, int], threshold: int) -> set[tuple]:
    """The cells of a full grid {key: count} to suppress."""
    keys = list(cells)
    order = {k: i for i, k in enumerate(keys)}
    suppressed = {k for k, n in cells.items() if 0 < n < threshold}
    if not suppressed:
        return suppressed
    lines = lines_of(keys)
    _secondary(cells, suppressed, lines, order)
    slices = slices_2d(keys) if len(keys[0]) >= 2 else []
    while slices:
        found = _exposed_in_slices(cells, suppressed, slices)
        if found is None:
            break
        cell, (a, b), members = found
        # One more cell of the exposed cell's row or column in that slice, else anywhere.
        same_line = [
            k for k in members if (k[a] == cell[a] or k[b] == cell[b]) and k not in suppressed
        ]
        others = same_line or [k for k in keys if k not in suppressed]
        if not others:
            break  # everything is suppressed already
        suppressed.add(min(others, key=lambda k: (cells[k] == 0, cells[k], order[k])))
        _secondary(cells, suppressed, lines, order)
    return suppressed


def grid(table: Table) -> dict[tuple, int]:
    """{key: count} of a table's rows (which `build_report` lays out as a full grid)."""
    return {tuple(r[d] for d in table.dimensions): r["count"] for r in table.rows}


def protect(table: Table, threshold: int) -> Table:
    """Apply suppression to a table of counts, in place; returns it."""
    cells = grid(table)
    hidden = suppress_cells(cells, threshold)
    for row in table.rows:
        if tuple(row[d] for d in table.dimensions) in hidden:
            row["count"] = SUPPRESSED
    if isinstance(table.total, int) and 0 < table.total < threshold:
        table.total = SUPPRESSED
    return table


def protect_like(table: Table, contributors: Table, threshold: int) -> Table:
    """Suppress the cells of a table of sums (bed-nights) where the table of how many
    records contribute to each cell (stays) is suppressed, and its total likewise."""
    protect(contributors, threshold)
    hidden = {k for k, n in grid(contributors).items() if n == SUPPRESSED}
    for row in table.rows:
        if tuple(row[d] for d in table.dimensions) in hidden:
            row["count"] = SUPPRESSED
    if contributors.total == SUPPRESSED:
        table.total = SUPPRESSED
    return table
