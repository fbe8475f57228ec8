"""A path variable repeated in the query string (`/communes/32026?code=1`) answers as if it were absent.

Every route of the app's url_map is tried with each of its path variables
repeated in the query string, in several forms, on pages that succeed and on
pages that fail (the error page renders the language switch too), signed out
and signed in. A route with a path variable this file has no sample value
for fails the test, so new routes are covered when they are added.
"""

from __future__ import annotations

import io
import json
import re
from urllib.parse import quote

import pytest

from tests.accounts import TOKEN, signed_in
from tests.routes import DONOR, SAMPLE_PATHS, rule_url

SWITCH = re.compile(r'id="lang-switch" href="([^"]*)"')
PROJECTS_CSV = (
    "project_id,title,donor,sector,budget,currency,start_date,end_date,status,locations\n"
    'Q-1,Trạm y tế,Query Donor,health,1.500.000.000,VND,01/03/2024,31/12/2025,ongoing,'
    '"Xã Tân Thành, Thành phố Cà Mau"\n').encode()
# The repeated argument: another valid value, empty, twice, hostile, and each with
# a query that makes the data views fail (so their error page renders as well).
REPEATS = [lambda good: "1", lambda good: "", lambda good: ["a", "b"], lambda good: "<script>x</script>",
           lambda good: good]
FAILING = {"version": "1999"}
SLOW = {"pages.map_image"}    # a print map takes a second or two: signed out only (no page chrome)


def _send(client, rule, url):
    if "GET" in rule.methods:
        return client.get(url)
    page = client.get("/login").get_data(as_text=True)         # any form carries the session's token
    form = {"csrf_token": TOKEN.search(page).group(1), "file": (io.BytesIO(PROJECTS_CSV), "q.csv")}
    return client.post(url, data=form, content_type="multipart/form-data")


def _same_answer(baseline, response, url):
    assert response.status_code != 500, url
    assert response.status_code == baseline.status_code, url
    if response.mimetype == "application/json":
        assert json.loads(response.data) == json.loads(baseline.data), url
    if response.mimetype == "text/html":
        base_switch = SWITCH.search(baseline.get_data(as_text=True))
        switch = SWITCH.search(response.get_data(as_text=True))
        assert (switch and switch.group(1)) == (base_switch and base_switch.group(1)), url


def test_every_route_answers_a_repeated_path_variable_as_if_absent(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.arguments]
    missing = {rule.endpoint for rule in rules} - set(SAMPLE_PATHS)
    assert not missing, f"add sample path values for {sorted(missing)}"
    assert {"pages.commune", "pages.donor", "pages.map_image", "api.commune_json"} <= {r.endpoint for r in rules}
    public, planner = app.test_client(), signed_in(app, "planner1")
    tried = 0
    for rule in rules:
        values, quick = SAMPLE_PATHS[rule.endpoint]
        for client in (public,) if rule.endpoint in SLOW else (public, planner):
            for extra in ({}, FAILING):
                for path_values in (values, {name: "nope" for name in values}):
                    query = {**quick, **extra}
                    baseline = _send(client, rule, rule_url(rule, path_values, query))
                    for name in rule.arguments:
                        for repeat in REPEATS:
                            url = rule_url(rule, path_values, {**query, name: repeat(values[name])})
                            _same_answer(baseline, _send(client, rule, url), url)
                            tried += 1
                    every = {**query, **{name: "1" for name in rule.arguments}}
                    _same_answer(baseline, _send(client, rule, rule_url(rule, path_values, every)), every)
    assert tried > 300


@pytest.mark.parametrize("url", ["/communes/32026?code=1", f"/donors/{quote(DONOR)}?donor=y",
                                 "/map.png?fmt=png&dpi=bad", "/api/v1/communes/32026?code=99999",
                                 f"/api/v1/donors/{quote(DONOR)}?donor=Nobody"])
def test_the_issue_urls(app, url):
    response = app.test_client().get(url)
    assert response.status_code in (200, 400), response.status_code


def test_donor_query_never_filters_the_donor_of_the_path(app):
    client = app.test_client()
    alone = json.loads(client.get(f"/api/v1/donors/{quote(DONOR)}").data)
    repeated = client.get(f"/api/v1/donors/{quote(DONOR)}?donor=Sample+Donor+B+%28fictitious%29")
    assert repeated.status_code == 200 and json.loads(repeated.data) == alone
    assert alone["totals"]["projects"] > 0


@pytest.mark.parametrize("query, expected", [
    ("province=95&province=96", "?province=95&amp;province=96&amp;lang=en"),
    ("_external=1&_scheme=javascript&_anchor=x", "?_external=1&amp;_scheme=javascript&amp;_anchor=x&amp;lang=en"),
    ("lang=vi&year=2024", "?year=2024&amp;lang=en"),
    ("donor=A%26B%3Dc", "?donor=A%26B%3Dc&amp;lang=en"),
    ("endpoint=api.openapi&values=1", "?endpoint=api.openapi&amp;values=1&amp;lang=en"),
])
def test_language_switch_keeps_every_query_value_and_stays_on_this_path(app, query, expected):
    client = app.test_client()
    client.set_cookie("lang", "vi")
    html = client.get(f"/planner?{query}").get_data(as_text=True)
    assert SWITCH.search(html).group(1) == "/planner" + expected


def test_language_switch_on_a_404_page_is_relative(app):
    html = app.test_client().get("/no-such-page?x=1&lang=en").get_data(as_text=True)
    assert SWITCH.search(html).group(1) == "?x=1&amp;lang=vi"
