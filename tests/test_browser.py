"""The response browser in a real headless browser: click a theme → a quote → the response,
search, filter, and check that the page makes no network request.

Needs chromium + chromedriver (Debian: ``apt-get install chromium chromium-driver``) and
selenium; skips with the reason when either is missing.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from analysis.config import SHARED_DATA, load_study
from analysis.report.browse import browser_data, browser_html
from analysis.tables import write_table

from test_report import STUDY, contract_tables

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed "
                                "(pip install selenium; it is in the dev extra)")


def _browser_binaries() -> tuple[str, str] | None:
    for browser in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(browser)
        if path:
            driver = shutil.which("chromedriver")
            return (path, driver) if driver else None
    return None


@pytest.fixture(scope="module")
def driver():
    found = _browser_binaries()
    if found is None:
        pytest.skip("no headless browser: install chromium and chromium-driver "
                    "(apt-get install chromium chromium-driver); .ci/run does this")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="browse-profile-")
    options = Options()
    options.binary_location = found[0]
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 f"--user-data-dir={profile}", "--window-size=1400,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    drv = webdriver.Chrome(service=Service(found[1]), options=options)
    drv.implicitly_wait(2)
    yield drv
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _requests(drv) -> list[str]:
    """Network URLs (http, https, ws, ftp) requested while the test ran (CDP network log).

    The browser's own pages (``chrome://``) and the file and ``data:`` URIs are local."""
    urls = []
    for entry in drv.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if url.split(":", 1)[0].lower() in ("http", "https", "ws", "wss", "ftp"):
                urls.append(url)
    return urls


def _page(tmp_path: Path, tables: dict, study) -> Path:
    path = tmp_path / "browse.html"
    path.write_text(browser_html(browser_data(tables, study)), encoding="utf-8")
    return path


def _click_through(drv, path: Path) -> str:
    By = webdriver.common.by.By
    drv.get(path.as_uri())
    assert drv.find_element(By.CSS_SELECTOR, "body[data-ready='1']")
    themes = drv.find_elements(By.CSS_SELECTOR, "#themes .item")
    assert themes, "no theme listed"
    counts = [int(t.find_element(By.CSS_SELECTOR, ".count").text) for t in themes]
    assert sum(counts) > 0
    themes[counts.index(max(counts))].click()
    quotes = drv.find_elements(By.CSS_SELECTOR, "#quotes .quote")
    assert len(quotes) == max(counts)
    quote_text = quotes[0].find_element(By.CSS_SELECTOR, "div").text
    quotes[0].click()
    title = drv.find_element(By.ID, "response-title").text
    current = drv.find_element(By.CSS_SELECTOR, "#response .seg.current")
    assert current.text == quote_text  # the clicked quote is marked in the whole response
    assert drv.find_elements(By.CSS_SELECTOR, "#response .seg.themed")
    return title


def test_click_search_filter_offline(driver, tmp_path):
    By = webdriver.common.by.By
    study = load_study(STUDY, processed_root=tmp_path / "p", report_root=tmp_path / "r")
    tables = contract_tables()
    tables["segment_priorities"] = pd.DataFrame({
        "segment_id": ["r1:0:0", "r2:0:1"], "priority_id": ["safety_crime", "employment"],
        "evidence": ["tryghed", "økonomien"], "stance": ["support", "concern"]})
    tables["segment_stance"] = pd.DataFrame({"segment_id": ["r1:0:0", "r2:0:1"],
                                             "stance": ["support", "concern"]})
    # a response that tries to close the data script and run code
    tables["responses"].loc[1, "text"] += " </script><script>document.title='pwned'</script>"
    path = _page(tmp_path, tables, study)
    title = _click_through(driver, path)
    assert "r1" in title or "r2" in title
    assert driver.title != "pwned" and "pwned" not in driver.execute_script(
        "return document.body.innerHTML.indexOf('<script>document.title') >= 0 ? 'pwned' : ''")
    search = driver.find_element(By.ID, "search")
    search.send_keys("økonomien")
    hits = driver.find_elements(By.CSS_SELECTOR, "#quotes .quote")
    assert hits and all("økonomien" in h.text for h in hits)
    search.clear()
    search.send_keys("x")
    search.send_keys(webdriver.common.keys.Keys.BACKSPACE)
    priority = driver.find_element(By.CSS_SELECTOR, "#priorities .item[data-id='employment']")
    priority.click()
    assert len(driver.find_elements(By.CSS_SELECTOR, "#quotes .quote")) == 1
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, "stance")).select_by_value("support")
    assert driver.find_elements(By.CSS_SELECTOR, "#quotes .quote") == []
    Select(driver.find_element(By.ID, "stance")).select_by_value("")
    Select(driver.find_element(By.ID, "type")).select_by_value("committee")
    assert driver.find_elements(By.CSS_SELECTOR, "#quotes .quote") == []  # r2 is an organisation
    assert _requests(driver) == []
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0


@pytest.mark.slow
@pytest.mark.shared
def test_blivhoert_theme_to_response(driver, tmp_path):
    if not (SHARED_DATA / "blivhoert-190").is_dir():
        pytest.skip(f"{SHARED_DATA / 'blivhoert-190'} is absent (the shared reference corpora)")
    from analysis import pipeline

    study = load_study("blivhoert-190", processed_root=tmp_path / "p", report_root=tmp_path / "r")
    for name in ("ingest", "themes", "align"):
        pipeline.STAGES[name](study)
    from analysis.tables import load_tables

    path = _page(tmp_path, load_tables(study.processed_dir), study)
    title = _click_through(driver, path)
    assert title.startswith("Svar ")  # Danish study, Danish browser
    assert _requests(driver) == []
