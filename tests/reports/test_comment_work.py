"""Working a unit's comments: grouped with a count, each with its day and overall rating, searchable without tones,
paged, tagged with topics (counted in the reports), and payment mentions kept from the unit concerned."""

from __future__ import annotations

import io
import re
import uuid
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import insert, select, text

from survey_app import create_app
from survey_app.models import CommentReview, Response
from survey_app.platform.extensions import db
from survey_app.reports.grouping import fold, group, matches, signature
from survey_app.reports.paging import PAGE_SIZE
from tests.reports.conftest import A_COMMENTS, UNIT_C_COMMENT, Province, sign_in
from tests.reports.test_comments import form_token
from tests.reports.test_official_report import _all_text, _docx


@pytest.mark.parametrize(("text", "folded"), [
    ("Phải CHỜ đợi lâu!!", "phai cho doi lau"),
    ("Đường   xá\tđi lại,khó khăn…", "duong xa di lai kho khan"),
    ("Lâuuuu quá", "lau qua"),
    ("Nhà vệ sinh chưa sạch sẽ.", "nha ve sinh chua sach se"),
])
def test_folding_drops_tones_case_punctuation_and_repeats(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_search_finds_words_typed_without_tones() -> None:
    assert matches("Phải chờ đợi rất lâu", "cho doi")
    assert matches("Phải chờ đợi rất lâu", "LÂU chờ")
    assert not matches("Cán bộ nhiệt tình", "cho doi")


def test_near_identical_comments_form_one_group_the_largest_first() -> None:
    class Said:
        def __init__(self, text: str) -> None:
            self.text = text

    said = [Said(t) for t in ("Phải chờ lâu", "phải chờ lâu!!", "PHAI CHO LAU", "lâu, phải chờ", "Cán bộ tốt")]
    groups = group(said)
    assert [g.count for g in groups] == [4, 1]
    assert groups[0].text == "PHAI CHO LAU" or groups[0].text in {s.text for s in said[:4]}
    assert signature("Rất rất tốt") == signature("tốt rất")


def _unit_url(province: Province) -> str:
    return f"/reports/{province.campaign_id}/units/{province.unit_a}"


def test_each_comment_shows_its_day_and_the_overall_rating(agency: FlaskClient, province: Province) -> None:
    page = agency.get(f"{_unit_url(province)}?lang=vi").get_data(as_text=True)
    item = page[page.index(A_COMMENTS[0]):].split("</li>")[0]  # its respondent answered 5 to the overall question
    assert "15/07/2026" in item and "Rất hài lòng" in item
    item = page[page.index("Thằng cán bộ"):].split("</li>")[0]  # overall 4
    assert "15/07/2026" in item and "Hài lòng" in item and "Rất hài lòng" not in item
    english = agency.get(f"{_unit_url(province)}?lang=en").get_data(as_text=True)
    assert "Overall rating: Very satisfied" in english and "Jul 15, 2026" in english


def test_search_of_the_comment_list_ignores_tones(agency: FlaskClient, province: Province) -> None:
    found = agency.get(f"{_unit_url(province)}/comments?lang=en&q=cho+lau").get_data(as_text=True)
    assert "Phải chờ lâu" in found and A_COMMENTS[0] not in found
    assert "1 of 3 comments match." in found
    none = agency.get(f"{_unit_url(province)}/comments?lang=en&q=xyz").get_data(as_text=True)
    assert "No comment matches." in none


def test_agency_tags_topics_counted_on_unit_and_province_reports(app: Flask, agency: FlaskClient, admin_client,  # type: ignore[no-untyped-def]
                                                                  province: Province) -> None:
    url = _unit_url(province)
    token = form_token(agency.get(url).get_data(as_text=True))
    saved = agency.post(f"{url}/comments/{province.a_comment_ids[1]}/topics",
                        data={"topic": ["waiting_time", "facilities", "no-such-topic"], "csrf_token": token,
                              "back": "list", "q": "cho", "page": "1", "within": ""})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"{url}/comments?q=cho&page=1#comment-list")
    with app.app_context():
        assert db.session.get(CommentReview, province.a_comment_ids[1]).topics == ["waiting_time", "facilities"]

    page = agency.get(f"{url}?lang=en").get_data(as_text=True)
    topics = page.split('id="t-topics"')[1].split("</table>")[0]
    assert re.search(r"Waiting time</th>\s*<td class=\"num\">1</td>", topics)
    assert re.search(r"Staff attitude</th>\s*<td class=\"num\">0</td>", topics)
    filtered = agency.get(f"{url}/comments?lang=en&topic=waiting_time").get_data(as_text=True)
    assert "Phải chờ lâu" in filtered and A_COMMENTS[0] not in filtered

    province_page = admin_client.get(f"/reports/{province.campaign_id}/?lang=en").get_data(as_text=True)
    counted = province_page.split('id="t-topics"')[1].split("</table>")[0]
    assert re.search(r"Waiting time</th>\s*<td class=\"num\">1</td>", counted)
    assert re.search(r"Facilities</th>\s*<td class=\"num\">1</td>", counted)


def test_agency_cannot_reach_another_units_comments(agency: FlaskClient, province: Province) -> None:
    other = f"/reports/{province.campaign_id}/units/{province.unit_b}"
    assert agency.get(f"{other}/comments").status_code == 404
    token = form_token(agency.get(_unit_url(province)).get_data(as_text=True))
    assert agency.post(f"{other}/comments/{province.a_comment_ids[0]}/topics",
                       data={"topic": "fees", "csrf_token": token}).status_code == 404
    # a response of unit A named through unit A, but not a comment the agency may see (hidden): 404 as well
    assert agency.post(f"{_unit_url(province)}/comments/999999/topics",
                       data={"topic": "fees", "csrf_token": token}).status_code == 404
    assert agency.post(f"{_unit_url(province)}/comments/{province.a_comment_ids[0]}/topics",
                       data={"topic": "fees"}).status_code == 400  # no CSRF token


PAYMENT = "Phải đưa phong bì mới được làm nhanh"


def _add(app: Flask, province: Province, texts: list[str], overall: int = 4) -> None:
    with app.app_context():
        db.session.execute(insert(Response), [
            {"campaign_id": province.campaign_id, "unit_id": province.unit_a, "questionnaire_id": "one_stop",
             "questionnaire_version": 1, "channel": "qr", "locale": "vi", "submitted_on": date(2026, 8, 2),
             "answers": {"overall": overall, "comment": text}, "submission_id": uuid.uuid4().hex,
             "comment_hidden": False} for text in texts])
        db.session.commit()


def test_payment_mentions_are_kept_from_the_unit_when_the_province_so_sets(app: Flask, agency: FlaskClient,
                                                                           admin_client, province: Province) -> None:  # type: ignore[no-untyped-def]
    _add(app, province, [PAYMENT])
    url = _unit_url(province)
    assert PAYMENT not in agency.get(url).get_data(as_text=True)
    assert PAYMENT not in agency.get(f"{url}/comments?q=phong+bi").get_data(as_text=True)
    assert PAYMENT not in agency.get(f"{url}/tables/comments.csv").get_data(as_text=True)
    assert PAYMENT in admin_client.get(url).get_data(as_text=True)
    app.config["COMMENT_PAYMENT_WITHHELD_FROM_UNITS"] = False
    assert PAYMENT in agency.get(url).get_data(as_text=True)


def test_unit_page_stays_small_with_2000_comments_and_pages_the_rest(app: Flask, admin_client,  # type: ignore[no-untyped-def]
                                                                      province: Province) -> None:
    same = ["Phải chờ lâu quá", "phải chờ  lâu QUÁ!!", "Phai cho lau qua", "Quá lâu, phải chờ"] * 10
    _add(app, province, same + [f"Góp ý số {i}: cần thêm ghế ngồi ở khu chờ" for i in range(2000 - len(same))])
    url = _unit_url(province)
    page = admin_client.get(url).get_data(as_text=True)
    size = len(page.encode())
    assert size < 150_000, f"the unit page is {size} bytes with 2 000 comments"
    listed = page.split('id="comment-list"')[1].split("</ul>")[0]
    assert listed.count("<li") == PAGE_SIZE
    assert "40 người đã viết ý kiến này" in listed.split("</li>")[0]  # the group of 40 near-identical comments first
    assert f'href="{url}/comments?page=2#comment-list"' in page
    last = admin_client.get(f"{url}/comments?page=999").get_data(as_text=True)  # clamped to the last page
    assert 'aria-current="page">40<' in last and "Góp ý số" in last
    assert admin_client.get(f"{url}/comments?page=abc").status_code == 200


@pytest.fixture
def admin_client(app: Flask, make_user) -> FlaskClient:  # type: ignore[no-untyped-def]
    """The province administrator, on a client of its own (the ``agency`` fixture holds the default one)."""
    return sign_in(app.test_client(), make_user("admin@example.org", role="province_admin"))


def test_the_report_to_the_peoples_committee_says_what_citizens_wrote(app: Flask, admin_client,  # type: ignore[no-untyped-def]
                                                                     province: Province) -> None:
    _add(app, province, ["Phải chờ lâu quá", "phải chờ lâu QUÁ!!"])
    with app.app_context():
        db.session.add(CommentReview(response_id=province.a_comment_ids[1], topics=["waiting_time"]))
        db.session.commit()
    text = _all_text(Document(io.BytesIO(_docx(admin_client, province))))
    wrote = text.split("Ý kiến của người dân", 1)[1].split("Đơn vị cần quan tâm", 1)[0]
    assert "5 ý kiến" in wrote  # unit A's three and the two new ones; unit C's (3 respondents) is never counted
    assert "Thời gian chờ: 1" in wrote
    assert "“Phải chờ lâu quá” (2 người)" in wrote
    assert UNIT_C_COMMENT not in text


def test_the_migration_keeps_comments_hidden_before_reasons_were_recorded(tmp_path: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}", "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="8d3f1a2b6c70")
        db.session.execute(text("INSERT INTO campaigns (id, name, starts_on, ends_on, status, created_at) "
                                "VALUES (1, 'Q3', '2026-07-01', '2026-09-30', 'open', '2026-06-01 00:00:00')"))
        db.session.execute(text("INSERT INTO units (id, code, name, sector, level, area, default_locale, qr_token, "
                                "kiosk_token) VALUES (1, 'MC', 'Unit', 'one_stop', 'commune', '', 'vi', 'q', 'k')"))
        for number, hidden in ((1, 1), (2, 0)):
            db.session.execute(text(
                "INSERT INTO responses (id, campaign_id, unit_id, questionnaire_id, questionnaire_version, channel, "
                "locale, submitted_on, answers, submission_id, comment_hidden) VALUES (:id, 1, 1, 'one_stop', 1, "
                "'qr', 'vi', '2026-07-15', '{\"comment\": \"x\"}', :sid, :hidden)"),
                {"id": number, "sid": f"s{number}", "hidden": hidden})
        db.session.commit()
        upgrade()
        assert db.session.get(Response, 1).comment_hidden is True
        reviews = db.session.scalars(select(CommentReview)).all()
        assert [(r.response_id, r.topics, r.hidden_reason) for r in reviews] == [(1, [], None)]
