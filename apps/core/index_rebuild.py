"""One step of a blind-index rebuild in batches (decision 0038): the shape every table
whose rows carry one keyed column shares."""


def rekey_next_batch(queryset, *, after: int, size: int, field: str, keys_for):
    """Lock the next `size` rows of `queryset` after primary key `after`, rewrite
    `field` where `keys_for(rows)` (one key per row, in order) differs, and return
    (last primary key, rows rewritten), or None past the last row. Run it in a
    transaction: the rows stay locked while rewritten, so an edit of one of them waits."""
    rows = list(queryset.select_for_update().filter(pk__gt=after).order_by("pk")[:size])
    if not rows:
        return None
    stale = []
    for row, key in zip(rows, keys_for(rows), strict=True):
        if key != getattr(row, field):
            setattr(row, field, key)
            stale.append(row)
    queryset.model.objects.bulk_update(stale, [field])
    return rows[-1].pk, len(stale)
