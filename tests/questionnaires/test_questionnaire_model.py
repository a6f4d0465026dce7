"""Skip logic and the other behaviour of the model that forms and analysis use."""

from __future__ import annotations

import pytest

import questionnaires
from questionnaires import Item, Option, ShowIf

RULE = ShowIf("q", ("yes", "4", "5"))


@pytest.mark.parametrize(("answers", "holds"), [
    ({"q": "yes"}, True),
    ({"q": "no"}, False),
    ({"q": 4}, True),                  # likert answers are stored as integers, rules hold strings
    ({"q": 3}, False),
    ({"q": "na"}, False),
    ({"q": ["no", "yes"]}, True),      # multi: any chosen code
    ({"q": []}, False),
    ({"q": None}, False),
    ({}, False),                       # unanswered or itself hidden
    ({"other": "yes"}, False),
])
def test_show_if_holds(answers: dict[str, object], holds: bool) -> None:
    assert RULE.holds(answers) is holds
    item = Item(id="follow_up", type="likert5", text="Follow up", show_if=RULE)
    assert item.visible(answers) is holds


def test_item_without_rule_is_always_visible() -> None:
    assert Item(id="q", type="yes_no", text="Q").visible({})


def test_equality_ignores_where_the_text_was_written() -> None:
    one = Item(id="q", type="single", text="Q", options=(Option("a", "A"), Option("b", "B")), line=3)
    other = Item(id="q", type="single", text="Q", options=(Option("a", "A"), Option("b", "B")), line=30)
    assert one == other and hash(one) == hash(other)


def test_texts_list_every_translatable_string_once_per_place() -> None:
    form = questionnaires.parse("""\
id: tiny
version: 1
sector: health
target: 0.8
title: Tiny
sections:
  - id: only
    title: Only
    items:
      - id: overall
        type: likert5
        text: Overall?
        help: Think of today.
        role: overall
""")
    assert list(form.texts()) == ["Tiny", "Only", "Overall?", "Think of today.", "Very dissatisfied", "Dissatisfied",
                                  "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied",
                                  "Not applicable"]
