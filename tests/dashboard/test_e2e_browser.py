"""End to end: the real ``streamlit run dashboard/app.py`` server in headless Chromium.

Starts the server on a free localhost port, drives Debian's ``chromium`` through
``chromedriver`` (selenium, dev extra), checks that every page's own address opens it (no
"Page not found" box; ``/target`` straight away on a fresh server, ``/`` leads there), that
the Target-risk page shows the classic probability with the recommended method and its
backtest verdict as the headline, and saves a screenshot of every page under
``artifacts/screenshots/``. About 2-3 minutes on a busy 2-core machine.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
TAKEOUT = ROOT / "tests" / "analytics" / "fixtures" / "takeout" / "takeout.zip"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WAIT = 120  # seconds; the machine may be shared and busy

pytestmark = pytest.mark.skipif(
    not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
    reason="needs Debian chromium and chromium-driver (installed by the setup script --dev)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = _free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer",
    ]  # fmt: skip
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"streamlit did not start: {log.read().decode(errors='replace')}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    profile = tempfile.mkdtemp(prefix="riskcast-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=1500,2200"):  # fmt: skip
        opts.add_argument(flag)
    driver = webdriver.Chrome(options=opts, service=webdriver.ChromeService(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _text(driver: webdriver.Chrome, by: str, what: str) -> str:
    """An element's text, read again if Streamlit redraws it while it is being read."""
    for _ in range(20):
        try:
            return driver.find_element(by, what).text
        except StaleElementReferenceException:
            time.sleep(0.25)
    return driver.find_element(by, what).text


def _body(driver: webdriver.Chrome) -> str:
    return _text(driver, By.TAG_NAME, "body")


def _settled(driver: webdriver.Chrome, *texts: str) -> None:
    """Wait until every text is on the page and the script is no longer running."""

    def ready(d: webdriver.Chrome) -> bool:
        body = _body(d)
        if not all(t in body for t in texts):
            return False
        running = d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
        return not any("Running" in e.text for e in running)

    try:
        WebDriverWait(
            driver, WAIT, poll_frequency=0.5, ignored_exceptions=[StaleElementReferenceException]
        ).until(ready)
    except TimeoutException:
        pytest.fail(f"page never showed {texts!r}; it shows:\n{_body(driver)[:2000]}")
    time.sleep(1.0)  # let plotly finish drawing before a screenshot


def _shot(driver: webdriver.Chrome, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    assert driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    return path


def _click(driver: webdriver.Chrome, label: str) -> None:
    buttons = [b for b in driver.find_elements(By.TAG_NAME, "button") if b.text.strip() == label]
    assert buttons, f"no button {label!r}"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", buttons[0])
    buttons[0].click()


NOT_FOUND = "Page not found"
#: the sidebar's entries: the app's page titles (Streamlit's older file-named mode, which a
#: folder called pages/ used to switch on, would list "target risk", "forecast"...)
TITLES = ("Target risk", "Forecast", "Search history", "Online regression")


def _sidebar(driver: webdriver.Chrome) -> str:
    return _text(driver, By.CSS_SELECTOR, '[data-testid="stSidebarNav"]')


def test_target_address_opens_the_target_page_with_the_recommended_headline(server, browser):
    # the first session of a fresh server, straight at /target (it used to show a
    # "Page not found" box over the page)
    browser.get(f"{server}/target")
    _settled(browser, "P(hit) =", "Recommended")
    body = _body(browser)
    assert NOT_FOUND not in body, body[:3000]
    assert browser.current_url.rstrip("/").endswith("/target")
    assert all(t in _sidebar(browser) for t in TITLES), _sidebar(browser)
    found = dict(re.findall(r"([\w-]+): P\(hit\) = ([\d.]+)%", body))
    assert set(found) >= {"iid-normal", "iid-johnson", "seasonal", "bootstrap"}, body[:3000]
    assert 23.0 < float(found["iid-normal"]) < 31.0  # DESIGN.md: near 27%
    assert 141.7 == float(re.search(r"Actual to date \(2015\)\s+([\d.]+)", body).group(1))
    # the headline is the recommended method, with its P(hit) and its backtest verdict,
    # shown before any other method's number
    method = re.search(r"Recommended: ([\w-]+) has the lowest CRPS", body).group(1)
    lines = {
        m: (p, v)
        for m, p, v in re.findall(r"([\w-]+): P\(hit\) = ([\d.]+% ± [\d.]+ pp) \(([\w ]+)\)", body)
    }
    assert set(lines) == set(found)  # every method's line carries its verdict
    head = re.search(rf"{method}: P\(year total ≥ 186\) = ([\d.]+% ± [\d.]+ pp) — ([\w ]+)", body)
    assert head, body[:3000]
    assert (head.group(1), head.group(2)) == lines[method]
    assert head.group(2) == "calibrated"
    assert method not in ("iid-normal", "iid-johnson")  # the backtest rejects those two
    assert body.index(head.group(0)) < min(body.index(f"{m}: P(hit)") for m in found)
    assert f"Headline: {method}, recommended by the calibration backtest" in body
    _shot(browser, "1_target_risk")


def test_root_address_leads_to_the_target_page(server, browser):
    browser.get(f"{server}/")
    _settled(browser, "P(hit) =", "Recommended")
    assert NOT_FOUND not in _body(browser)
    assert browser.current_url.rstrip("/").endswith("/target")


def test_every_other_page_renders_and_is_captured(server, browser):
    browser.get(f"{server}/forecast")
    _settled(browser, "Forecast with intervals", "Backtest", "Train the LSTM forecaster")
    assert NOT_FOUND not in _body(browser)
    _shot(browser, "2_forecast")

    browser.get(f"{server}/search")
    _settled(browser, "Upload a Takeout export")
    assert NOT_FOUND not in _body(browser)
    try:  # the upload box may come a moment after the text on a busy machine
        upload = WebDriverWait(browser, WAIT, poll_frequency=0.5).until(
            lambda d: d.find_element(By.CSS_SELECTOR, 'input[type="file"]')
        )
    except TimeoutException:
        pytest.fail(f"no upload box on /search; the page shows:\n{_body(browser)[:2000]}")
    upload.send_keys(str(TAKEOUT))
    _settled(browser, "Entries", "Searches", "Entries per year")
    body = _body(browser)
    assert NOT_FOUND not in body
    # time zone left at UTC: the page shows what the library loads for that zone
    from analytics import load_takeout

    n = len(load_takeout(TAKEOUT, tz="UTC"))
    assert re.search(rf"Entries\s+{n}\b", body), body[:3000]
    _shot(browser, "3_search_history")

    browser.get(f"{server}/online")
    _settled(browser, "Press Fit")
    _click(browser, "Fit")
    _settled(browser, "Stream the remaining 77 rows")
    _click(browser, "Stream the remaining 77 rows of ex1data1")
    _settled(browser, "Rolling MAE", "Stream the remaining 0 rows")
    body = _body(browser)
    assert NOT_FOUND not in body
    assert all(t in _sidebar(browser) for t in TITLES), _sidebar(browser)
    assert re.search(r"coef population_10k\s+1\.1930", body), body[:3000]
    _shot(browser, "4_online_regression")
