"""Property-based tests over every page's parameters: any input gives a page, never a 500."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.web.app import create_app
from tests.conftest import SEEDS_DIR

HOSTILE = '"><img src=x onerror=alert(1)>'
junk = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["-1", "0", "abc", "1e9", "99999999999999999999", "%00", "../..", HOSTILE, "NaN"]
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
ROUTES = [
    ("/statements", ["year", "agenda", "sort", "page"]),
    ("/search", ["q", "year_from", "year_to", "agenda", "sort", "page"]),
    ("/statements/S-PRST-2012-16", ["q"]),
    ("/api/statements", ["year", "agenda", "sort", "limit", "offset"]),
    ("/api/search", ["q", "year_from", "year_to", "agenda", "sort", "limit", "offset"]),
]
PATHS = [
    "/statements/{}",
    "/statements/{}/paragraphs/1",
    "/statements/S-PRST-2012-16/paragraphs/{}",
    "/statements/{}/source.txt",
    "/meetings/{}",
    "/api/statements/{}",
]


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from app.ingest.pipeline import ingest
    from app.store.engine import make_engine, migrate

    db: Path = tmp_path_factory.mktemp("routes") / "archive.db"
    migrate(db)
    engine = make_engine(db)
    ingest(engine, [SEEDS_DIR])
    engine.dispose()
    with TestClient(create_app(db)) as client:
        yield client


def assert_sound(response, typed: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, (response.status_code, typed)
    if response.headers.get("content-type", "").startswith("text/html"):
        assert "<img src=x" not in response.text


@pytest.mark.parametrize(("path", "names"), ROUTES)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_query_parameters_never_break_a_page(fuzz_client, path, names, data) -> None:  # type: ignore[no-untyped-def]
    params = {name: data.draw(junk, label=name) for name in names if data.draw(st.booleans())}
    response = fuzz_client.get(path, params=params, follow_redirects=False)
    assert_sound(response, " ".join(params.values()))


@pytest.mark.parametrize("pattern", PATHS)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(segment=junk.filter(lambda s: s not in ("", ".", "..")))
def test_path_segments_never_break_a_page(fuzz_client, pattern, segment) -> None:  # type: ignore[no-untyped-def]
    response = fuzz_client.get(pattern.format(quote(segment, safe="")), follow_redirects=False)
    assert_sound(response, segment)
