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
5. A cross-tab published with margins (report.MARGINS) is protected together with them
   (`protect_with_margins`, exact; docs/statistics/margins.md).
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


def _partner(line: list[tuple], cells: dict, suppressed: set, order: dict, lonely=()):
    candidates = [k for k in line if k not in suppressed]
    if not candidates:
        return None
    # The cell that costs least information: the smallest non-zero one (a zero only when
    # nothing else is left, since a hidden zero that its lines show to be zero protects
    # nothing); between equals, one that also completes another line with a single
    # suppressed cell, so that one cell does the work of two.
    return min(
        candidates,
        key=lambda k: (cells[k] == 0, cells[k], -sum(k in other for other in lonely), order[k]),
    )


def _secondary(cells: dict, suppressed: set, lines, order: dict) -> None:
    changed = True
    while changed:
        changed = False
        lonely = [set(line) for line in lines if sum(1 for k in line if k in suppressed) == 1]
        for line in lines:
            if len(line) < 2:
                continue
            if sum(1 for k in line if k in suppressed) == 1:
                partner = _partner(line, cells, suppressed, order, lonely)
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


def suppress_cells(
    cells: dict[tuple, int], threshold: int, already: set[tuple] | None = None
) -> set[tuple]:
    """The cells of a full grid {key: count} to suppress (including `already`, cells
    that must be suppressed for another reason, e.g. a linked margin)."""
    keys = list(cells)
    order = {k: i for i, k in enumerate(keys)}
    suppressed = {k for k, n in cells.items() if 0 < n < threshold} | set(already or ())
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


# --- a table published with its margins ------------------------------------------------
#
# A three-way table (exploitation x sex x age) is published with two margins whose
# dimensions split its own: by exploitation alone (the rows) and by sex x age (the
# columns). Seen that way the table is a two-dimensional grid, rows x columns, whose row
# and column totals are those margins, and the checks of a 2-D table are exact.
#
# The margins carry noise of their own, but the analysis treats them as exact: a margin
# cell whose records are those of one table cell (the other cells of its line are zero)
# has the same record set, so the same cell key and the same noise, and would publish
# the hidden cell's own value. Noise therefore does not make margins safe by itself.


def _linked_feasible(
    hidden: set, left_rows: dict, left_cols: dict, open_rows: set, open_cols: set, mass: int
) -> bool:
    """Whether the hidden cells of a 2-D grid can take non-negative integer values with
    the known row totals (`left_rows`: what a known row still needs from its hidden
    cells), the known column totals likewise, rows and columns whose totals are hidden
    (`open_rows`, `open_cols`: any amount) and the hidden cells' sum (`mass`, from the
    grand total)."""
    if mass < 0 or any(v < 0 for v in left_rows.values()) or any(v < 0 for v in left_cols.values()):
        return False
    row_hub = mass - sum(left_rows.values())
    col_hub = mass - sum(left_cols.values())
    if row_hub < 0 or col_hub < 0:
        return False
    capacity: dict = {}
    for r, c in hidden:
        capacity[(("r", r), ("c", c))] = mass
    for r, v in left_rows.items():
        capacity[("s", ("r", r))] = v
    for r in open_rows:
        capacity[("hub_r", ("r", r))] = mass
    capacity[("s", "hub_r")] = row_hub
    for c, v in left_cols.items():
        capacity[(("c", c), "t")] = v
    for c in open_cols:
        capacity[(("c", c), "hub_c")] = mass
    capacity[("hub_c", "t")] = col_hub
    return _max_flow(capacity, "s", "t") == mass


def _linked_determined(flat: dict, hidden: set, hidden_rows: set, hidden_cols: set):
    """The first hidden non-zero cell, or hidden row or column total, whose value follows
    from everything published: ("cell", key), ("row", r), ("col", c); None if none."""
    rows = {r for r, _c in flat}
    cols = {c for _r, c in flat}

    def left(fixed_cells=None, fixed_rows=None, fixed_cols=None):
        fixed_cells, fixed_rows, fixed_cols = fixed_cells or {}, fixed_rows or {}, fixed_cols or {}
        unknown = {k for k in hidden if k not in fixed_cells}
        # The hidden cells' sum is what the grand total leaves after the published cells.
        mass = sum(flat[k] for k in hidden) - sum(fixed_cells.values())
        left_rows, left_cols = {}, {}
        for r in rows:
            if r in hidden_rows and r not in fixed_rows:
                continue
            total = fixed_rows.get(r, sum(flat[(r, c)] for c in cols))
            shown = sum(flat[(r, c)] for c in cols if (r, c) not in hidden)
            left_rows[r] = total - shown - sum(v for k, v in fixed_cells.items() if k[0] == r)
        for c in cols:
            if c in hidden_cols and c not in fixed_cols:
                continue
            total = fixed_cols.get(c, sum(flat[(r, c)] for r in rows))
            shown = sum(flat[(r, c)] for r in rows if (r, c) not in hidden)
            left_cols[c] = total - shown - sum(v for k, v in fixed_cells.items() if k[1] == c)
        open_rows = {r for r in hidden_rows if r not in fixed_rows}
        open_cols = {c for c in hidden_cols if c not in fixed_cols}
        return _linked_feasible(unknown, left_rows, left_cols, open_rows, open_cols, mass)

    for key in sorted(hidden, key=repr):
        v = flat[key]
        if v and not left(fixed_cells={key: v + 1}) and not left(fixed_cells={key: v - 1}):
            return "cell", key
    for r in sorted(hidden_rows, key=repr):
        v = sum(flat[(r, c)] for c in cols)
        if v and not left(fixed_rows={r: v + 1}) and not left(fixed_rows={r: v - 1}):
            return "row", r
    for c in sorted(hidden_cols, key=repr):
        v = sum(flat[(r, c)] for r in rows)
        if v and not left(fixed_cols={c: v + 1}) and not left(fixed_cols={c: v - 1}):
            return "col", c
    return None


def _cheapest(candidates, value):
    """The candidate that costs least information: the smallest non-zero, else a zero."""
    return min(candidates, key=lambda k: (value(k) == 0, value(k), repr(k)))


def suppress_linked(
    flat: dict[tuple, int], row_margin: dict, col_margin: dict, threshold: int
) -> tuple[set, set, set]:
    """Suppression of a 2-D grid {(row, col): count} published together with its row
    totals `row_margin` {row: count} and column totals `col_margin` {col: count} (the
    published, possibly noisy, values) and its grand total. Returns the hidden cells,
    rows and columns.

    1. Primary suppression of the grid and of the margins (on their own published values).
    2. Each margin, with the grand total, keeps none or at least two hidden cells; each
       row or column of the grid whose total is published, and the whole grid, likewise
       (the cheapest partner: the smallest non-zero cell).
    3. An exact check (a maximum flow with the hidden totals left open): every hidden
       non-zero cell and hidden total can still take two values given everything
       published. Otherwise the cheapest further cell of its row or column is hidden
       and the steps run again, to a fixed point.
    """
    rows = {r for r, _c in flat} | set(row_margin)
    cols = {c for _r, c in flat} | set(col_margin)
    flat = {(r, c): flat.get((r, c), 0) for r in rows for c in cols}
    hidden_rows = {r for r, n in row_margin.items() if 0 < n < threshold}
    hidden_cols = {c for c, n in col_margin.items() if 0 < n < threshold}
    hidden = {k for k, n in flat.items() if 0 < n < threshold}
    order = {k: i for i, k in enumerate(sorted(flat, key=repr))}
    row_sum = lambda r: sum(flat[(r, c)] for c in cols)  # noqa: E731
    col_sum = lambda c: sum(flat[(r, c)] for r in rows)  # noqa: E731
    while True:
        changed = False
        for margin, hidden_m, total_of in (
            (rows, hidden_rows, row_sum),
            (cols, hidden_cols, col_sum),
        ):
            left = [k for k in margin if k not in hidden_m]
            if len(hidden_m) == 1 and left:
                hidden_m.add(_cheapest(left, total_of))
                changed = True
        # The line rule on the lines whose total is published: a row or column whose
        # margin cell is hidden needs no partner for its own sake.
        lines = [[(r, c) for c in cols] for r in rows if r not in hidden_rows]
        lines += [[(r, c) for r in rows] for c in cols if c not in hidden_cols]
        lines.append(list(flat))
        before = len(hidden)
        _secondary(flat, hidden, lines, order)
        if changed or len(hidden) != before:
            continue
        found = _linked_determined(flat, hidden, hidden_rows, hidden_cols)
        if found is not None:
            kind, key = found
            if kind == "cell":
                line = [k for k in flat if (k[0] == key[0] or k[1] == key[1])]
            elif kind == "row":
                line = [(key, c) for c in cols]
            else:
                line = [(r, key) for r in rows]
            line = [k for k in line if k not in hidden] or [k for k in flat if k not in hidden]
            if line:
                hidden.add(_cheapest(line, flat.get))
                changed = True
            elif kind == "cell" and key[1] not in hidden_cols:
                # Every cell is hidden, yet the margins pin it (a row of zeros shown as a
                # zero total): its column's total goes too.
                hidden_cols.add(key[1])
                changed = True
            elif kind == "cell" and key[0] not in hidden_rows:
                hidden_rows.add(key[0])
                changed = True
            elif kind == "row" and set(rows) - hidden_rows:
                hidden_rows.add(_cheapest(sorted(set(rows) - hidden_rows, key=repr), row_sum))
                changed = True
            elif kind == "col" and set(cols) - hidden_cols:
                hidden_cols.add(_cheapest(sorted(set(cols) - hidden_cols, key=repr), col_sum))
                changed = True
        if not changed:
            return hidden, hidden_rows, hidden_cols


def protect_with_margins(table: Table, row_margin: Table, col_margin: Table, threshold: int):
    """Apply suppression, in place, to a table and two margins whose dimensions split the
    table's own (e.g. exploitation x sex x age with exploitation, and sex x age), so
    that no hidden cell of any of them follows from the others (`suppress_linked`)."""
    rd, cd = row_margin.dimensions, col_margin.dimensions
    assert sorted(rd + cd) == sorted(table.dimensions), (rd, cd, table.dimensions)

    def split(row):
        return tuple(row[d] for d in rd), tuple(row[d] for d in cd)

    flat = {split(r): r["count"] for r in table.rows}
    rows = {tuple(r[d] for d in rd): r["count"] for r in row_margin.rows}
    cols = {tuple(r[d] for d in cd): r["count"] for r in col_margin.rows}
    hidden, hidden_rows, hidden_cols = suppress_linked(flat, rows, cols, threshold)
    for row in table.rows:
        if split(row) in hidden:
            row["count"] = SUPPRESSED
    for margin, hidden_m, dims in ((row_margin, hidden_rows, rd), (col_margin, hidden_cols, cd)):
        for row in margin.rows:
            if tuple(row[d] for d in dims) in hidden_m:
                row["count"] = SUPPRESSED
    for t in (table, row_margin, col_margin):
        if isinstance(t.total, int) and 0 < t.total < threshold:
            t.total = SUPPRESSED
    return table
