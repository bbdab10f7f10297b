"""Agreement between annotators who worked on the same documents.

The input is one `DocumentVersions` per document: its tokens and, for each annotator who
marked it done, the spans they left (only gold spans, accepted or drawn, count; suggested
and rejected ones are ignored). An annotator missing from a document did not finish it.
`agreement` reads them once and returns, for every pair of annotators and over all of them:

- span-level precision, recall and F1 with exact matching (same start, end and label),
  overall and per label, over the documents both annotators of a pair finished. The first
  annotator of a pair is the *reference*: precision = matched / the other's spans, recall
  = matched / the reference's spans. Swapping them swaps precision and recall; F1 =
  2 matched / (both annotators' spans) is symmetric. Over all annotators the counts of
  every pair are added up (a micro-average over pairs);
- token-level Cohen's kappa per pair and Krippendorff's alpha (nominal) per pair and over
  all annotators: tokens are the units, each token's category is the label of the span
  containing its first character, or "no entity". Over all annotators a token counts
  only where at least two annotators finished its document, as alpha's definition asks
  (a unit coded by fewer than two coders has no pairable values).

Where a dataset allows overlapping spans, a token's first character can lie in several
spans of one annotator: its category is then the set of their labels (a token in both a
PER and an ORG span agrees only with another token in both).

A figure that the data leaves undefined is None, never a division by zero: precision
without any span to check, kappa or alpha when every token of the compared documents fell
in one and the same category (chance agreement is then certain), anything without a
document both annotators finished. All of this is pure Python, one pass over documents.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, compress
from operator import itemgetter

from annotator.core.model import Span, SpanState
from annotator.core.tokens import Tokens

# A token's category: None for "no entity", a label, or a sorted tuple of several labels
# (only where one annotator's spans overlap). None cannot collide with a label named "O".
Category = str | tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class DocumentVersions:
    """One document as its annotators finished it: annotator -> their spans."""

    tokens: Tokens
    spans: Mapping[str, Sequence[Span]]


@dataclass(frozen=True, slots=True)
class SpanScores:
    """Exact span matches between a reference annotator and another one."""

    matched: int  # spans both gave (same start, end and label in the same document)
    reference: int  # the reference annotator's spans
    other: int  # the other annotator's spans

    @property
    def precision(self) -> float | None:
        """matched / other: how many of the other's spans the reference also gave."""
        return self.matched / self.other if self.other else None

    @property
    def recall(self) -> float | None:
        """matched / reference: how many of the reference's spans the other also gave."""
        return self.matched / self.reference if self.reference else None

    @property
    def f1(self) -> float | None:
        """2 matched / (reference + other), the same whichever annotator is the reference."""
        total = self.reference + self.other
        return 2 * self.matched / total if total else None


@dataclass(frozen=True, slots=True)
class PairAgreement:
    """Two annotators over the documents both finished; `reference` is the first."""

    reference: str
    other: str
    documents: int
    tokens: int
    spans: SpanScores
    per_label: tuple[tuple[str, SpanScores], ...]  # by label name
    kappa: float | None
    alpha: float | None

    def label(self, name: str) -> SpanScores:
        return _label(self.per_label, name)


@dataclass(frozen=True, slots=True)
class Agreement:
    """Every pair of annotators, and all of them together."""

    annotators: tuple[str, ...]
    pairs: tuple[PairAgreement, ...]  # in the order of `annotators`, reference first
    documents: int  # documents at least two annotators finished
    tokens: int  # their tokens: the units of alpha
    spans_compared: int  # gold spans over every version of those documents
    spans: SpanScores  # every pair's counts added up
    per_label: tuple[tuple[str, SpanScores], ...]
    alpha: float | None

    def pair(self, reference: str, other: str) -> PairAgreement:
        for pair in self.pairs:
            if (pair.reference, pair.other) == (reference, other):
                return pair
        raise KeyError((reference, other))

    def label(self, name: str) -> SpanScores:
        return _label(self.per_label, name)


def _label(per_label: tuple[tuple[str, SpanScores], ...], name: str) -> SpanScores:
    for label, scores in per_label:
        if label == name:
            return scores
    return SpanScores(0, 0, 0)


def token_categories(tokens: Tokens, spans: Iterable[Span]) -> list[Category]:
    """Each token's category: the label of the span holding its first character, or None.

    Several spans holding it (overlapping spans of one annotator) give the sorted tuple of
    their distinct labels. Non-gold spans are ignored.
    """
    return _categories(tokens.starts, sorted(_gold_keys(spans)))


_label_of = itemgetter(2)


def _gold_keys(spans: Iterable[Span]) -> set[tuple[int, int, str]]:
    # Compared by identity: an enum's hash is computed in Python, a third of this loop.
    accepted, manual = SpanState.ACCEPTED, SpanState.MANUAL
    return {(s.start, s.end, s.label) for s in spans if s.state is accepted or s.state is manual}


def _categories(
    starts: Sequence[int], keys: list[tuple[int, int, str]], covered: list[bool] | None = None
) -> list[Category]:
    """`token_categories` for gold spans as (start, end, label), sorted; marks in `covered`
    the tokens inside a span."""
    categories: list[Category] = [None] * len(starts)
    furthest = -1
    search = bisect_left
    for start, end, label in keys:
        first = search(starts, start)
        last = search(starts, end, first)
        if start >= furthest:
            if last - first == 1:  # most names are one token
                categories[first] = label
                if covered is not None:
                    covered[first] = True
            elif first < last:
                categories[first:last] = [label] * (last - first)
                if covered is not None:
                    covered[first:last] = [True] * (last - first)
        else:
            for index in range(first, last):
                categories[index] = _joined(categories[index], label)
            if covered is not None:
                covered[first:last] = [True] * (last - first)
        if end > furthest:
            furthest = end
    return categories


def _joined(category: Category, label: str) -> Category:
    if category is None:
        return label
    labels = set(category) if isinstance(category, tuple) else {category}
    labels.add(label)
    return label if len(labels) == 1 else tuple(sorted(labels))


def agreement(
    documents: Iterable[DocumentVersions], annotators: Sequence[str] | None = None
) -> Agreement:
    """Agreement over `documents`, among `annotators` (in that order; all, by name, if None).

    Versions of annotators not in `annotators` are left out; a document fewer than two of
    them finished is not compared.
    """
    order = list(dict.fromkeys(annotators)) if annotators is not None else None
    rank = {name: index for index, name in enumerate(order)} if order is not None else None
    seen: set[str] = set()
    # Per group of annotators who finished a document: how often each tuple of their
    # categories occurred on one token. Pairwise confusions and alpha come from these.
    joint: dict[tuple[str, ...], Counter[tuple[Category, ...]]] = {}
    documents_by_group: Counter[tuple[str, ...]] = Counter()
    matched: dict[tuple[str, str], Counter[str]] = {}
    labels_by_group_member: dict[tuple[tuple[str, ...], str], Counter[str]] = {}
    spans_compared = 0
    for document in documents:
        names = [name for name in document.spans if rank is None or name in rank]
        if len(names) < 2:
            continue
        names.sort(key=(lambda name: name) if rank is None else rank.__getitem__)
        group = tuple(names)
        seen.update(group)
        documents_by_group[group] += 1
        keys = {name: _gold_keys(document.spans[name]) for name in group}
        for name in group:
            spans_compared += len(keys[name])
            member = labels_by_group_member.setdefault((group, name), Counter())
            member.update(map(_label_of, keys[name]))
        for first, second in combinations(group, 2):
            both = keys[first] & keys[second]
            if both:
                matched.setdefault((first, second), Counter()).update(map(_label_of, both))
        if len(document.tokens):
            versions = [sorted(keys[name]) for name in group]
            _count_units(document.tokens, versions, joint.setdefault(group, Counter()))
    names_in_order = tuple(order if order is not None else sorted(seen))
    pairs = tuple(
        _pair(first, second, documents_by_group, joint, matched, labels_by_group_member)
        for first, second in combinations(names_in_order, 2)
    )
    all_units: Counter[tuple[Category, ...]] = Counter()
    for counts in joint.values():
        all_units.update(counts)
    per_label_total: dict[str, list[int]] = {}
    for pair in pairs:
        for label, scores in pair.per_label:
            sums = per_label_total.setdefault(label, [0, 0, 0])
            sums[0] += scores.matched
            sums[1] += scores.reference
            sums[2] += scores.other
    return Agreement(
        annotators=names_in_order,
        pairs=pairs,
        documents=sum(documents_by_group.values()),
        tokens=sum(all_units.values()),
        spans_compared=spans_compared,
        spans=SpanScores(
            sum(p.spans.matched for p in pairs),
            sum(p.spans.reference for p in pairs),
            sum(p.spans.other for p in pairs),
        ),
        per_label=tuple(
            (label, SpanScores(*sums)) for label, sums in sorted(per_label_total.items())
        ),
        alpha=krippendorff_alpha(all_units),
    )


def _count_units(
    tokens: Tokens,
    versions: list[list[tuple[int, int, str]]],
    counts: Counter[tuple[Category, ...]],
) -> None:
    """Add each token's tuple of categories (one per version) to `counts`.

    Tokens outside every span are counted at once: most tokens are, in news.
    """
    covered = [False] * len(tokens)
    columns = [_categories(tokens.starts, keys, covered) for keys in versions]
    counts.update(compress(zip(*columns, strict=True), covered))
    outside = len(covered) - covered.count(True)
    if outside:
        counts[(None,) * len(versions)] += outside


def _pair(
    first: str,
    second: str,
    documents_by_group: Counter[tuple[str, ...]],
    joint: dict[tuple[str, ...], Counter[tuple[Category, ...]]],
    matched: dict[tuple[str, str], Counter[str]],
    labels_by_group_member: dict[tuple[tuple[str, ...], str], Counter[str]],
) -> PairAgreement:
    documents = 0
    confusion: Counter[tuple[Category, ...]] = Counter()
    reference_labels: Counter[str] = Counter()
    other_labels: Counter[str] = Counter()
    for group, count in documents_by_group.items():
        if first not in group or second not in group:
            continue
        documents += count
        reference_labels.update(labels_by_group_member[(group, first)])
        other_labels.update(labels_by_group_member[(group, second)])
        i, j = group.index(first), group.index(second)
        for categories, times in joint.get(group, Counter()).items():
            confusion[(categories[i], categories[j])] += times
    both = matched.get((first, second), Counter())
    labels = sorted(set(reference_labels) | set(other_labels))
    return PairAgreement(
        reference=first,
        other=second,
        documents=documents,
        tokens=sum(confusion.values()),
        spans=SpanScores(both.total(), reference_labels.total(), other_labels.total()),
        per_label=tuple(
            (label, SpanScores(both[label], reference_labels[label], other_labels[label]))
            for label in labels
        ),
        kappa=cohen_kappa(confusion),
        alpha=krippendorff_alpha(confusion),
    )


def cohen_kappa(confusion: Mapping[tuple[Category, ...], int]) -> float | None:
    """Cohen's kappa from how often each pair (first's, second's) of categories occurred.

    kappa = (p_o - p_e) / (1 - p_e), p_o the share of units where both agree, p_e =
    sum over categories c of (first's share of c) * (second's share of c). In whole
    numbers, with N units: (N * agreed - sum_c a_c b_c) / (N^2 - sum_c a_c b_c).
    None when N is 0 or p_e is 1 (both always gave the same single category).
    """
    total = agreed = 0
    first: Counter[Category] = Counter()
    second: Counter[Category] = Counter()
    for pair, count in confusion.items():
        a, b = pair
        total += count
        first[a] += count
        second[b] += count
        if a == b:
            agreed += count
    chance = sum(count * second[category] for category, count in first.items())
    denominator = total * total - chance
    if denominator == 0:
        return None
    return (total * agreed - chance) / denominator


def krippendorff_alpha(units: Mapping[tuple[Category, ...], int]) -> float | None:
    """Krippendorff's alpha, nominal, from how often each tuple of values occurred in a unit.

    A tuple holds one unit's values (one per coder who coded it); units with fewer than two
    values have no pairable values and are skipped. With o_ck the coincidences
    (sum over units u of the number of ordered pairs of values c, k from different coders
    in u, divided by m_u - 1), n_c = sum_k o_ck and n = sum_c n_c:
    alpha = 1 - D_o / D_e = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k.
    None when no value is pairable or only one category occurs (D_e = 0).
    """
    mismatched_by_size: Counter[int] = Counter()  # whole numbers, divided at the end
    values: Counter[Category] = Counter()  # n_c
    for unit, count in units.items():
        m = len(unit)
        if m < 2:
            continue
        in_unit = Counter(unit)
        for category, times in in_unit.items():
            values[category] += count * times
        mismatched_pairs = m * m - sum(times * times for times in in_unit.values())
        mismatched_by_size[m] += count * mismatched_pairs
    n = values.total()
    expected = n * n - sum(times * times for times in values.values())  # sum_{c != k} n_c n_k
    if n < 2 or expected == 0:
        return None
    disagreeing = sum(pairs / (m - 1) for m, pairs in mismatched_by_size.items())
    return 1 - (n - 1) * disagreeing / expected
