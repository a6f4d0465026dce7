"""Comments: shown for a unit of 5 or more respondents, escaped, and hidden (with a reason, undone) by the province
administrator."""

from __future__ import annotations

import csv
import io
import re

from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import CommentReview, Response
from survey_app.platform.extensions import db
from tests.reports.conftest import A_COMMENTS, Province, sign_in
from tests.reports.test_small_cells import pdf_text

ABUSIVE = A_COMMENTS[2]


def form_token(page: str) -> str:
    """The CSRF token of the first form of a page, as a browser would send it."""
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page)
    assert tag is not None, "the page has no form with a CSRF token"
    value = re.search(r'value="([^"]+)"', tag.group(0))
    assert value is not None
    return value.group(1)


def test_comments_are_shown_escaped_in_alphabetical_order(agency: FlaskClient, province: Province) -> None:
    page = agency.get(f"/reports/{province.campaign_id}/units/{province.unit_a}?lang=en").get_data(as_text=True)
    assert "Phải chờ lâu &lt;b&gt;quá&lt;/b&gt;" in page
    assert "<b>quá</b>" not in page
    positions = [page.index(text) for text in ("Cán bộ nhiệt tình", "Phải chờ lâu", "Thằng cán bộ")]
    assert positions == sorted(positions)
    assert "Hide this comment" not in page  # agencies cannot moderate


def test_admin_hides_a_comment_with_a_reason_from_agencies_and_exports(app: Flask, admin: FlaskClient, make_user,  # type: ignore[no-untyped-def]
                                                                        province: Province) -> None:
    response_id = province.a_comment_ids[2]
    unit_url = f"/reports/{province.campaign_id}/units/{province.unit_a}"
    page = admin.get(f"{unit_url}?lang=en").get_data(as_text=True)
    assert "Hide this comment" in page
    token = form_token(page)
    refused = admin.post(f"{unit_url}/comments/{response_id}?lang=en", data={"hide": "1", "reason": "  ",
                                                                           "csrf_token": token})
    assert refused.status_code == 302
    assert "Enter the reason for hiding this comment" in admin.get(f"{unit_url}?lang=en").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Response, response_id).comment_hidden is False

    moderated = admin.post(f"{unit_url}/comments/{response_id}?lang=en",
                           data={"hide": "1", "reason": "Insults a named officer", "csrf_token": token})
    assert moderated.status_code == 302
    assert moderated.headers["Location"].endswith(f"{unit_url}#comments")
    with app.app_context():
        assert db.session.get(Response, response_id).comment_hidden is True
        hidden_on = db.session.get(CommentReview, response_id).hidden_on

    admin_page = admin.get(f"{unit_url}?lang=en").get_data(as_text=True)
    assert "1 comment is hidden from agencies and exports." in admin_page
    assert ABUSIVE in admin_page and "Hidden from agencies and exports" in admin_page
    assert "Reason: Insults a named officer" in admin_page
    assert f"(by admin on {hidden_on.strftime('%b')} {hidden_on.day}, {hidden_on.year}" in admin_page

    agency = sign_in(app.test_client(), make_user("agency-a@example.org", unit_ids=(province.unit_a,)))
    agency_page = agency.get(f"{unit_url}?lang=en").get_data(as_text=True)
    assert ABUSIVE not in agency_page and A_COMMENTS[0] in agency_page
    assert "Insults a named officer" not in agency_page
    assert ABUSIVE not in agency.get(f"{unit_url}/comments?lang=en").get_data(as_text=True)
    comments_csv = agency.get(f"{unit_url}/tables/comments.csv").get_data(as_text=True)
    assert ABUSIVE not in comments_csv and A_COMMENTS[0] in comments_csv
    assert ABUSIVE not in pdf_text(agency.get(f"{unit_url}/report.pdf").data)
    raw = admin.get(f"/reports/{province.campaign_id}/responses.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff"))))
    assert ABUSIVE not in raw and any(r["comment"] == A_COMMENTS[0] for r in rows)

    shown_again = admin.post(f"{unit_url}/comments/{response_id}", data={"hide": "0", "csrf_token": token})
    assert shown_again.status_code == 302
    assert ABUSIVE in agency.get(f"{unit_url}?lang=en").get_data(as_text=True)
    with app.app_context():  # the undo is complete: no reason, author or day left behind
        review = db.session.get(CommentReview, response_id)
        assert (review.hidden_reason, review.hidden_by_id, review.hidden_on) == (None, None, None)


def test_agencies_cannot_hide_comments(app: Flask, agency: FlaskClient, province: Province) -> None:
    unit_url = f"/reports/{province.campaign_id}/units/{province.unit_a}"
    token = form_token(agency.get(unit_url).get_data(as_text=True))
    refused = agency.post(f"{unit_url}/comments/{province.a_comment_ids[2]}",
                          data={"hide": "1", "reason": "I do not like it", "csrf_token": token})
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.get(Response, province.a_comment_ids[2]).comment_hidden is False


def test_moderation_needs_a_csrf_token(app: Flask, admin: FlaskClient, province: Province) -> None:
    url = f"/reports/{province.campaign_id}/units/{province.unit_a}/comments/{province.a_comment_ids[2]}"
    assert admin.post(url, data={"hide": "1", "reason": "Abuse"}).status_code == 400
    token = form_token(admin.get(f"/reports/{province.campaign_id}/units/{province.unit_a}").get_data(as_text=True))
    assert admin.post(url, data={"hide": "1", "reason": "Abuse", "csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(Response, province.a_comment_ids[2]).comment_hidden is True


def test_a_response_of_another_unit_cannot_be_moderated_through_this_unit(app: Flask, admin: FlaskClient,
                                                                          province: Province) -> None:
    token = form_token(admin.get(f"/reports/{province.campaign_id}/units/{province.unit_a}").get_data(as_text=True))
    url = f"/reports/{province.campaign_id}/units/{province.unit_b}/comments/{province.a_comment_ids[0]}"
    assert admin.post(url, data={"hide": "1", "reason": "Abuse", "csrf_token": token}).status_code == 404
