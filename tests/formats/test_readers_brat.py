"""brat reader: entities from `T` lines, everything else counted, malformed lines refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.model import SpanState, Status
from annotator.core.records import RawSpan, Record
from annotator.formats import read_file
from annotator.formats.readers import brat

TEXT = "Sony formed a joint venture with Ericsson,\r\na company based in Sweden.\n"


def write(tmp_path: Path, ann: str, text: str = TEXT) -> Path:
    txt = tmp_path / "doc.txt"
    txt.write_bytes(text.encode("utf-8"))
    (tmp_path / "doc.ann").write_bytes(ann.encode("utf-8"))
    return txt


def read(txt: Path) -> Record:
    (record,) = brat.read(txt, txt.read_bytes().decode("utf-8"))
    return record


def refusal(tmp_path: Path, ann: str) -> InputError:
    with pytest.raises(InputError) as caught:
        read(write(tmp_path, ann))
    return caught.value


def test_entities_become_manual_spans_over_the_exact_text(tmp_path: Path) -> None:
    record = read(write(tmp_path, "T1\tOrganization 0 4\tSony\nT2\tGPE 63 69\tSweden\n"))
    assert record.text == TEXT  # the \r\n stays: brat offsets count it
    assert record.spans == (
        RawSpan(0, 4, "Organization", SpanState.MANUAL, text="Sony"),
        RawSpan(63, 69, "GPE", SpanState.MANUAL, text="Sweden"),
    )
    assert (record.status, record.meta) == (Status.DONE, {"file": "doc.txt"})
    assert record.annotator is None  # brat files name nobody: the importer says who


def test_everything_but_continuous_entities_is_counted(tmp_path: Path) -> None:
    ann = "\n".join(
        [
            "T1\tOrganization 0 4\tSony",
            "T2\tMerge 14 27\tjoint venture",
            "T3\tOrganization 33 41\tEricsson",
            "E1\tMerge:T2 Org1:T1 Org2:T3",
            "T4\tCountry 63 69\tSweden",
            "T5\tPlace 44 45;47 54\ta company",
            "R1\tOrigin Arg1:T3 Arg2:T4\t",
            "A1\tNegated E1",
            "M2\tSpeculated E1",
            "N1\tReference T1 Wikipedia:534366\tSony",
            "#1\tAnnotatorNotes T1\tA named entity.",
            "*\tAlias T1 T3",
        ]
    )
    record = read(write(tmp_path, ann + "\n"))
    assert [span.label for span in record.spans] == ["Organization", "Organization", "Country"]
    assert record.meta["brat_skipped"] == {
        "event": 1,
        "event trigger": 1,
        "discontinuous": 1,
        "relation": 1,
        "attribute": 2,
        "normalization": 1,
        "note": 1,
        "equivalence": 1,
    }


def test_a_span_over_a_line_break_does_not_compare_brats_text_column(tmp_path: Path) -> None:
    (span,) = read(write(tmp_path, "T1\tX 33 45\tEricsson,  a\n")).spans
    assert (span.start, span.end, span.text) == (33, 45, None)


def test_crlf_ann_lines_and_an_empty_ann(tmp_path: Path) -> None:
    record = read(write(tmp_path, "T1\tOrganization 0 4\tSony\r\n\r\n"))
    assert record.spans == (RawSpan(0, 4, "Organization", text="Sony"),)
    empty = read(write(tmp_path, ""))
    assert (empty.spans, empty.status, empty.meta) == ((), Status.NEW, {"file": "doc.txt"})


@pytest.mark.parametrize(
    ("ann", "line", "reason"),
    [
        (
            "T1 Organization 0 4 Sony",
            1,
            "expected an id, a tab, a label and offsets (T1<tab>Person 0 4), "
            "found 'T1 Organization 0 4 Sony'",
        ),
        (
            "T1\tOrganization 0 4\tSony\nT2\tGPE 63\tSweden",
            2,
            "T2: expected a label and two whole numbers (start end), found '63'",
        ),
        (
            "T1\tGPE 6x 69\tSweden",
            1,
            "T1: expected a label and two whole numbers (start end), found '6x 69'",
        ),
        (
            "T1\tGPE -1 4\tSony",
            1,
            "T1: expected a label and two whole numbers (start end), found '-1 4'",
        ),
        (
            "T1\tGPE 0 4;\tSony",
            1,
            "T1: expected a label and two whole numbers (start end), found ''",
        ),
        (
            "\n\n[@Sony#Organization*] formed",
            3,
            "is not a brat annotation line (expected an id such as T1, R1, E1, A1, N1, #1 or *, "
            "then a tab), found '[@Sony#Organization*] formed'",
        ),
    ],
)
def test_malformed_lines_are_refused_with_the_ann_line(
    tmp_path: Path, ann: str, line: int, reason: str
) -> None:
    error = refusal(tmp_path, ann)
    assert (error.path, error.line, error.reason) == (str(tmp_path / "doc.ann"), line, reason)


def test_a_txt_without_ann_is_refused(tmp_path: Path) -> None:
    txt = tmp_path / "alone.txt"
    txt.write_text("Sony.")
    with pytest.raises(InputError) as caught:
        list(brat.read(txt, "Sony."))
    assert str(caught.value) == f"{txt}: has no brat annotation file alone.ann next to it"


def test_the_ann_or_the_txt_can_be_named_on_import(tmp_path: Path) -> None:
    txt = write(tmp_path, "T1\tOrganization 0 4\tSony\n")
    from_ann = read_file(tmp_path / "doc.ann")
    assert from_ann == read_file(txt) == read_file(txt, "brat")
    assert from_ann[0].spans == (RawSpan(0, 4, "Organization", text="Sony"),)


def test_an_ann_without_its_txt_is_refused(tmp_path: Path) -> None:
    ann = tmp_path / "lost.ann"
    ann.write_text("T1\tOrganization 0 4\tSony\n")
    with pytest.raises(InputError) as caught:
        read_file(ann)
    assert str(caught.value) == (
        f"{ann}: is a brat annotation file, but its text lost.txt is missing; "
        "put the .txt next to it"
    )


def test_two_entities_with_one_id_are_refused_naming_both_lines(tmp_path: Path) -> None:
    error = refusal(
        tmp_path, "T1\tOrganization 0 4\tSony\nT2\tGPE 63 69\tSweden\nT1\tX 5 11\tformed\n"
    )
    assert error.line == 3
    assert "T1 is used twice, on lines 1 and 3" in error.reason
