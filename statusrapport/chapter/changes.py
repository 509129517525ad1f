"""'Endringer siden forrige utgave': this edition's latest values against the previous one's.

The previous edition is recomputed from the same repository with the same functions, so the
comparison needs no earlier output and equals the headline values in its manifest."""

from dataclasses import dataclass



@dataclass
class Change:
    id: str
    kind: str  # ny | borte | bedre | dårligere | endret | uendret
    before: tuple  # (period, value) or (None, None)
    after: tuple
    status_before: str = None
    status_after: str = None


def classify(direction, before, after):
    if before[1] is None and after[1] is None:
        return None
    if before[1] is None:
        return "ny"
    if after[1] is None:
        return "borte"
    if before == after:
        return "uendret"
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
        change = Change(ind.id, kind, before, after)
        if current.target(ind.id):
            change.status_before = (previous.target_status(ind.id)
                                    if before[1] is not None and ind.id in previous.catalogue.indicators
                                    else None)
            change.status_after = current.target_status(ind.id)
        out.append(change)
    return out
