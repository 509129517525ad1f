"""'Endringer siden forrige utgave': this edition's latest values against the previous one's.

The previous edition is recomputed from the same repository with the same functions and its own
data cut-off, so it shows what that edition published (its vintage), needs no earlier output and
equals the headline values in its manifest. A value the previous edition showed that a later
delivery revised is marked with both values."""

from dataclasses import dataclass



@dataclass
class Change:
    id: str
    kind: str  # ny | borte | bedre | dårligere | endret | revidert | uendret
    before: tuple  # (period, value) or (None, None), as the previous edition published it
    after: tuple
    status_before: str = None
    status_after: str = None
    revised: tuple = None  # (published, now): the previous edition's value as revised since


def classify(direction, before, after):
    if before[1] is None and after[1] is None:
        return None
    if before[1] is None:
        return "ny"
    if after[1] is None:
        return "borte"
    if before == after:
        return "uendret"
    if before[0] == after[0]:
        return "revidert"  # same period, a later delivery changed the value
    if after[1] == before[1] or direction == "neutral":
        return "endret"
    better = after[1] < before[1] if direction == "lower" else after[1] > before[1]
    return "bedre" if better else "dårligere"


def compare(current, previous):
    """Changes for every indicator of the current catalogue, skipping those without data."""
    out = []
    for ind in current.catalogue.indicators.values():
        after = current.latest(ind.id)
        before = previous.latest(ind.id) if ind.id in previous.catalogue.indicators else (None, None)
        kind = classify(ind.direction, before, after)
        if kind is None:
            continue
        change = Change(ind.id, kind, before, after, revised=revision(current, ind.id, before))
        if current.target(ind.id):
            change.status_before = (previous.target_status(ind.id)
                                    if before[1] is not None and ind.id in previous.catalogue.indicators
                                    else None)
            change.status_after = current.target_status(ind.id)
        out.append(change)
    return out


def revision(current, id, before):
    """(published value, value now) if the current edition knows a different value for the
    period the previous edition showed, else None."""
    if before[1] is None:
        return None
    now = dict(current.points(id)).get(before[0])
    return (before[1], now) if now is not None and now != before[1] else None
