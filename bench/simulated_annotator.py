"""A simulated annotator who knows the gold and takes the cheapest route the window allows.

Each turn it reads the open document as the window holds it (the spans, the current span,
the selection, the tokens, what is on screen), lists every way the window offers to take
one step towards the gold, prices each in inputs, and takes the cheapest per span it
brings to the gold (the earlier in the text on a tie). Then it reads the window again: a
decision may have spread to the same words elsewhere, and those are decided like anything
else.

A step is one of: reject or remove a span the gold does not have (make it current, then
Delete); give a span the gold's label (make it current, then a label key); move a span's
edges onto the gold's (make it current, then `[` `]` `Shift+[` `Shift+]`, one token each,
then a label key if the label differs too); draw a gold span (a drag over its text, or E
from the caret once per word, then a label key); Ctrl+L on a span to give its words its
label everywhere, or Ctrl+Shift+L to remove them everywhere, when the core's own
`Gestures` say that leaves less to do. A span becomes current by Tab or Shift+Tab (as many
presses as spans between), N or Shift+N (suggestions only), F and the letter tag shown on
it, or a click (after a scroll-bar click per page it is off screen). A key acts only on a
current span that is on screen. When only correct suggestions are left, Ctrl+Return
accepts them as it marks the document done (A does when the window's Ctrl+Return does not,
as the core's `Gestures` say). The same planner works in every configuration: the
figures differ only by what the window offers and suggests.

Routes are small functions of the window's state, each used only when the window has its
command (`_has`), so a key the window gains is one more function here (`_reach_routes`
for ways of making a span current, `_towards` for ways of reaching a gold span).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QPoint, Qt
from window_inputs import Hands, Input, character_box, on_screen, pages_to

from annotator.core.annotating import Gestures
from annotator.core.hints import hint_tags
from annotator.core.model import Document, Span, SpanState
from annotator.core.navigation import step, visible
from annotator.core.snapping import step_boundary, word_from

Key = tuple[int, int, str]
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier
_EDGE_KEYS = {  # (edge, direction) -> the key and its modifier
    ("start", -1): (Qt.Key.Key_BracketLeft, NONE),
    ("start", 1): (Qt.Key.Key_BracketRight, NONE),
    ("end", -1): (Qt.Key.Key_BracketLeft, SHIFT),
    ("end", 1): (Qt.Key.Key_BracketRight, SHIFT),
}


class PlannerError(RuntimeError):
    """The window did not do what the route expected: a bug in the planner or the window."""


@dataclass(frozen=True, slots=True)
class Route:
    cost: int  # inputs, as estimated before taking it
    start: int  # where in the text it acts; the earlier wins a tie
    what: str
    run: Callable[[], None]
    progress: int = 1  # spans it takes to the gold (more for a key that acts on many)

    @property
    def rank(self) -> tuple[float, int, int]:
        return (self.cost / self.progress, self.cost, self.start)


@dataclass(frozen=True, slots=True)
class Step:
    """One step the annotator took ("fix (3, 9, 'ORG') to ...") and the inputs it sent."""

    what: str
    inputs: tuple[Input, ...]


class SimulatedAnnotator:
    """Takes the open document of `hands`' window to `gold`, one cheapest route at a time."""

    def __init__(self, hands: Hands, gold: frozenset[Key]) -> None:
        self.hands = hands
        self.gold = gold
        self.parts = hands.parts
        self.spent: Counter[str] = Counter()  # inputs by kind of step: "draw", "fix", ...
        self.steps: list[Step] = []  # every step taken, with the inputs it took

    def annotate(self) -> None:
        """Reach the gold in the open document, or a state that marking it done takes to
        the gold (Ctrl+Return accepts the open suggestions), without marking it done."""
        document = self._document()
        limit = self.hands.count + 40 * (len(self.gold) + len(document.spans)) + 20
        while (route := self.cheapest()) is not None:
            before, first = self.hands.count, len(self.hands.recorded)
            route.run()
            self.spent[route.what.split()[0]] += self.hands.count - before
            self.steps.append(Step(route.what, tuple(self.hands.recorded[first:])))
            if self.hands.count > limit:
                raise PlannerError(f"no end in sight in document {document.id}: {route.what}")

    def finish(self) -> None:
        """Ctrl+Return: mark the document done and open the next one."""
        first = len(self.hands.recorded)
        self.hands.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        self.spent["done"] += 1
        self.steps.append(Step("done", tuple(self.hands.recorded[first:])))

    def cheapest(self) -> Route | None:
        routes = list(self.routes())
        return min(routes, key=lambda r: r.rank) if routes else None

    # -- what is left to do -------------------------------------------------------------------

    def routes(self) -> Iterator[Route]:
        document = self._document()
        shown = [s for s in document.spans if s.state is not SpanState.REJECTED]
        present = {s.key for s in shown}
        missing = sorted(g for g in self.gold if g not in present)
        wrong = [s for s in shown if s.key not in self.gold]
        if not missing and not wrong:
            if any(s.state is SpanState.SUGGESTED for s in shown) and not self._done_keeps_them():
                yield Route(1, 0, "accept all", lambda: self.hands.key(Qt.Key.Key_A))
            return
        left = self._work(document)
        for span in wrong:
            # A suggestion over a missing gold span goes when that span is fixed or drawn.
            over_missing = any(span.start < e and s < span.end for s, e, _ in missing)
            if span.state.is_gold or not over_missing:
                yield from self._reject(document, span, left)
        for gold in missing:
            yield from self._towards(document, shown, gold)
        yield from self._on_every_occurrence(document, shown, missing, wrong)

    def _reject(self, document: Document, span: Span, left: int) -> Iterator[Route]:
        """Delete (which takes the same words of its label elsewhere with it, when the
        window spreads decisions) or Shift+Delete (this one only), each priced by the work
        it leaves, as the core's `Gestures` compute it; Delete as before when neither
        leaves less."""
        spreads = getattr(self.parts.editing, "spreads", True)
        keys = [((Qt.Key.Key_Delete, NONE), spreads)]
        if self._has("span.reject_one"):
            keys.append(((Qt.Key.Key_Delete, SHIFT), False))
        found = False
        for key, spread in keys:
            edit = self._gestures(document).reject(span, spread=spread)
            gain = left - self._work(edit.apply(document)) if edit is not None else 0
            if gain > 0:
                found = True
                for route in self._on_span(span, [key], f"reject {span.key}"):
                    yield Route(route.cost, route.start, route.what, route.run, gain)
        if not found:
            yield from self._on_span(span, [(Qt.Key.Key_Delete, NONE)], f"reject {span.key}")

    def _towards(self, document: Document, shown: list[Span], gold: Key) -> Iterator[Route]:
        start, end, label = gold
        for span in shown:
            if not (span.start < end and start < span.end):
                continue
            keys = self._edge_keys(document, span, start, end)
            if keys is None:
                continue
            if span.label != label:
                keys.append(self._label_key(label))
            yield from self._on_span(span, keys, f"fix {span.key} to {gold}")
        if not any(s.state.is_gold and s.start < end and start < s.end for s in shown):
            yield self._draw(gold)
            grow = self._grow_presses(document, gold)
            if grow is not None:
                yield self._grow(gold, grow)

    def _on_every_occurrence(
        self, document: Document, shown: list[Span], missing: list[Key], wrong: list[Span]
    ) -> Iterator[Route]:
        """Ctrl+L on a gold span whose words are missing elsewhere, Ctrl+Shift+L on a wrong
        span whose words and label come back, priced by the work they leave (simulated
        with the core's `Gestures`, as the window computes them)."""
        bulk: list[tuple[Span, str, Qt.KeyboardModifier]] = []
        if self._has("span.label_all"):
            wanted = {(document.text[s:e], label) for s, e, label in missing}
            bulk += [
                (span, "label_all", Qt.KeyboardModifier.ControlModifier)
                for span in shown
                if span.state.is_gold
                and span.key in self.gold
                and (document.covered_text(span), span.label) in wanted
            ]
        if self._has("span.remove_all"):
            repeated = Counter((document.covered_text(span), span.label) for span in wrong)
            bulk += [
                (span, "remove_all", Qt.KeyboardModifier.ControlModifier | SHIFT)
                for span in wrong
                if repeated[(document.covered_text(span), span.label)] > 1
            ]
        left = self._work(document)
        tried: set[tuple[str, str, str]] = set()
        for span, gesture, modifiers in bulk:
            words = (document.covered_text(span), span.label, gesture)
            if words in tried:
                continue
            tried.add(words)
            gain = left - self._left_after(document, span, gesture)
            if gain > 0:
                keys = [(Qt.Key.Key_L, modifiers)]
                for route in self._on_span(span, keys, f"{gesture} {span.key}"):
                    yield Route(route.cost, route.start, route.what, route.run, gain)

    def _done_keeps_them(self) -> bool:
        """Whether Ctrl+Return, as the core computes it, leaves exactly the gold."""
        document = self._document()
        mark_done = getattr(self._gestures(document), "mark_done", None)
        edit = mark_done() if mark_done is not None else None
        if edit is None:
            return False
        after = edit.apply(document)
        return {s.key for s in after.spans if s.state.is_gold} == self.gold

    def _gestures(self, document: Document) -> Gestures:
        dataset = self.parts.session.dataset
        return Gestures(
            document,
            self.parts.session.tokens,
            allow_overlap=dataset.allow_overlap if dataset else False,
        )

    def _left_after(self, document: Document, span: Span, gesture: str) -> int:
        """What would be left to do after `gesture` on `span`, as the core computes it."""
        gestures = self._gestures(document)
        edit = gestures.label_all(span) if gesture == "label_all" else gestures.remove_all(span)
        if edit is None:
            return len(self.gold) + len(document.spans)
        return self._work(edit.apply(document))

    def _work(self, document: Document) -> int:
        """Gold spans missing, plus wrong spans over none of them (a wrong span over a
        missing one goes when that one is fixed or drawn)."""
        shown = [s for s in document.spans if s.state is not SpanState.REJECTED]
        present = {s.key for s in shown}
        missing = [g for g in self.gold if g not in present]
        wrong = [
            s
            for s in shown
            if s.key not in self.gold and not any(s.start < e and b < s.end for b, e, _ in missing)
        ]
        return len(missing) + len(wrong)

    # -- routes -----------------------------------------------------------------------------

    def _on_span(
        self, span: Span, keys: list[tuple[Qt.Key, Qt.KeyboardModifier]], what: str
    ) -> Iterator[Route]:
        """Make `span` current by each way there is, then press `keys`."""
        for cost, reach in self._reach_routes(span):

            def run(reach: Callable[[], None] = reach) -> None:
                reach()
                for key, modifier in keys:
                    self.hands.key(key, modifier)

            yield Route(cost + len(keys), span.start, what, run)

    def _reach_routes(self, span: Span) -> Iterator[tuple[int, Callable[[], None]]]:
        """(inputs, how) for each way of making `span` the current span."""
        view = self.parts.window.article
        if self.parts.state.current_span == span and view.is_on_screen(span):
            yield 0, lambda: None  # a key acts on no span out of sight
            return
        steps = [(Qt.Key.Key_Tab, NONE, False), (Qt.Key.Key_Backtab, SHIFT, False)]
        if self._has("span.next_open") and span.state is SpanState.SUGGESTED:
            steps += [(Qt.Key.Key_N, NONE, True), (Qt.Key.Key_N, SHIFT, True)]
        for key, modifier, open_only in steps:
            forward = modifier == NONE
            presses = self._step_presses(span, forward=forward, open_only=open_only)
            if presses is not None:
                yield presses, lambda k=key, m=modifier: self._step_to(span, k, m)
        if self._has("span.jump") and view.is_on_screen(span):
            tag_length = len(hint_tags(len(view.spans_on_screen()))[0])
            yield 1 + tag_length, lambda: self._jump_to(span)
        click = self._click_offset(span)
        if click is not None:
            yield pages_to(self.parts, click) + 1, lambda: self._click(span, click)

    def _draw(self, gold: Key) -> Route:
        start, end, label = gold

        def run() -> None:
            self._scroll_to(start, end - 1)
            press, _ = character_box(self.parts, start)
            _, release = character_box(self.parts, end - 1)
            self.hands.drag(press, release)
            if self.parts.state.selection != (start, end):
                raise PlannerError(f"a drag over {gold} selected {self.parts.state.selection}")
            self.hands.key(*self._label_key(label))

        return Route(pages_to(self.parts, start) + 2, start, f"draw {gold}", run)

    def _grow_presses(self, document: Document, gold: Key) -> int | None:
        """How many E presses select `gold` from the caret; None when they cannot."""
        tokens = self.parts.session.tokens
        view = self.parts.window.article
        if not self._has("span.grow") or tokens is None or self.parts.state.selection:
            return None
        start, end, _ = gold
        offset, presses = view.caret_offset(), 0
        if on_screen(self.parts, offset) != 0:
            return None
        selected: tuple[int, int] | None = None
        while selected is None or selected[1] < end:
            word = word_from(tokens, document.text, selected[1] if selected else offset)
            if word is None:
                return None
            selected = (selected[0] if selected else word[0], word[1])
            presses += 1
        return presses if selected == (start, end) else None

    def _grow(self, gold: Key, presses: int) -> Route:
        start, end, label = gold

        def run() -> None:
            for _ in range(presses):
                self.hands.key(Qt.Key.Key_E)
            if self.parts.state.selection != (start, end):
                raise PlannerError(f"E selected {self.parts.state.selection}, not {gold}")
            self.hands.key(*self._label_key(label))

        return Route(presses + 1, start, f"grow {gold}", run)

    # -- making a span current ----------------------------------------------------------------

    def _step_presses(self, span: Span, *, forward: bool, open_only: bool) -> int | None:
        """How many Tab (or N, `open_only`) presses make `span` current, as the window
        steps: from the current span, else from the selection or the caret."""
        state = self.parts.state
        shown = visible(self._document().spans, show_rejected=state.show_rejected)
        current = state.current_span
        caret = self.parts.window.article.caret_offset()
        offset = state.selection[0] if state.selection else caret
        for presses in range(1, len(shown) + 1):
            current = step(shown, current, offset=offset, forward=forward, open_only=open_only)
            if current == span:
                return presses
        return None

    def _step_to(self, span: Span, key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
        for _ in range(len(self._document().spans) + 1):
            self.hands.key(key, modifier)
            if self.parts.state.current_span == span:
                return
        raise PlannerError(f"{key.name} never reached {span.key}")

    def _jump_to(self, span: Span) -> None:
        """F, then the letters of the tag the article shows on `span`."""
        view = self.parts.window.article
        self.hands.key(Qt.Key.Key_F)
        tag = next((t for t, tagged in view.jump_tags().items() if tagged == span), None)
        if tag is None:
            raise PlannerError(f"F showed no tag on {span.key}")
        for letter in tag:
            self.hands.key(Qt.Key(Qt.Key.Key_A.value + ord(letter) - ord("a")))
        if self.parts.state.current_span != span:
            raise PlannerError(f"the tag {tag!r} did not make {span.key} current")

    def _click_offset(self, span: Span) -> int | None:
        """A character of `span` where a click finds `span` (not another span over it)."""
        view = self.parts.window.article
        return next((o for o in range(span.start, span.end) if view.span_at(o) == span), None)

    def _click(self, span: Span, offset: int) -> None:
        self._scroll_to(offset)
        left, right = character_box(self.parts, offset)
        self.hands.click(QPoint((left.x() + right.x()) // 2, left.y()))
        if self.parts.state.current_span != span:
            raise PlannerError(
                f"a click on {span.key} made {self.parts.state.current_span} current"
            )

    def _scroll_to(self, offset: int, last: int | None = None) -> None:
        """Page until the character at `offset` is on screen, then scroll line by line
        until the one at `last` is too."""
        for _ in range(1000):
            direction = on_screen(self.parts, offset)
            if direction == 0:
                break
            self.hands.page(direction)
        for _ in range(20):
            if last is None or on_screen(self.parts, last) <= 0:
                break
            self.hands.line(1)
        if on_screen(self.parts, offset) != 0 or (last and on_screen(self.parts, last) != 0):
            raise PlannerError(f"offsets {offset} to {last} never came on screen together")

    # -- keys -------------------------------------------------------------------------------

    def _edge_keys(
        self, document: Document, span: Span, start: int, end: int
    ) -> list[tuple[Qt.Key, Qt.KeyboardModifier]] | None:
        """The bracket keys that move `span`'s edges onto `start:end`, growing first; None
        when the keys cannot get there."""
        tokens = self.parts.session.tokens
        if tokens is None:
            return None
        keys: list[tuple[Qt.Key, Qt.KeyboardModifier]] = []
        now = (span.start, span.end)
        moves = [("start", -1 if start < span.start else 1), ("end", 1 if end > span.end else -1)]
        moves.sort(key=lambda move: move[1] != (-1 if move[0] == "start" else 1))  # grow first
        for edge, direction in moves:
            target = start if edge == "start" else end
            index = 0 if edge == "start" else 1
            while now[index] != target:
                moved = step_boundary(
                    tokens,
                    document.text,
                    *now,
                    edge=edge,
                    direction=direction,  # type: ignore[arg-type]
                )
                if moved is None or (moved[index] - target) * direction > 0:
                    return None  # would pass the gold edge or cannot move
                now = moved
                keys.append(_EDGE_KEYS[(edge, direction)])
        return keys

    def _label_key(self, label: str) -> tuple[Qt.Key, Qt.KeyboardModifier]:
        dataset = self.parts.session.dataset
        assert dataset is not None
        hotkey = next(lb.hotkey for lb in dataset.labels if lb.name == label)
        if not hotkey:
            raise PlannerError(f"the label {label} has no key")
        shifted = hotkey.startswith("Shift+")
        digit = hotkey.removeprefix("Shift+")
        return Qt.Key(Qt.Key.Key_0.value + int(digit)), SHIFT if shifted else NONE

    def _has(self, action: str) -> bool:
        """Whether the window has the command `action` (a key this planner can use)."""
        return action in self.parts.window.actions_by_id

    def _document(self) -> Document:
        document = self.parts.session.document
        if document is None:
            raise PlannerError("no document is open")
        return document
