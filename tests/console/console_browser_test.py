#!/usr/bin/python3
"""dms-stub's web console in a real headless Chromium (Debian chromium, chromium-driver and
python3-selenium): log in, watch a channel go down and come back while smsc-sim goes away and
returns, send a test SMS and see its delivery report, and find no password or token in the page,
the API answers or the log.

usage: console_browser_test.py DMS_STUB SMSC_SIM DRIVER_MODULE [--screenshots DIR]

Without Chromium, its driver or Selenium the test is skipped (exit 77), unless
SMSDRV_REQUIRE_BROWSER=1 (set by `make test`): then it fails.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

try:
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
    SELENIUM_MISSING = None
except ImportError as e:  # checked by require_browser()
    SELENIUM_MISSING = str(e)

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

TOKEN = "browser-test-token-0123456789abcdef"
PASSWORD = "e2e-pw"


class Sim:
    """smsc-sim on 127.0.0.1 (port 0: a free one), with its port."""

    def __init__(self, path, port=0):
        self.proc = subprocess.Popen(
            [path, "--listen", f"127.0.0.1:{port}", "--account", f"e2e:{PASSWORD}", "--quiet",
             "--exit-on-eof", "--dlr-delay-ms", "200"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in self.proc.stdout:
            event = json.loads(line)
            if event.get("event") == "listening":
                self.port = event["port"]
                break
        else:
            raise RuntimeError("smsc-sim did not start")
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)


class Stub:
    """dms-stub with the console, its log collected."""

    def __init__(self, path, config, token_file):
        self.proc = subprocess.Popen(
            [path, "run", "--config", config, "--console", "127.0.0.1:0",
             "--console-token-file", token_file, "--drain", "2"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.log = []
        self.events = []
        self.port = None
        found = threading.Event()

        def read_log():
            for line in self.proc.stderr:
                self.log.append(line)
                marker = "console on http://127.0.0.1:"
                if marker in line and self.port is None:
                    self.port = int(line.split(marker)[1].split("/")[0])
                    found.set()
            found.set()

        threading.Thread(target=read_log, daemon=True).start()
        threading.Thread(target=lambda: [self.events.append(l) for l in self.proc.stdout],
                         daemon=True).start()
        if not found.wait(30) or self.port is None:
            raise RuntimeError("dms-stub did not start its console:\n" + "".join(self.log))

    def api(self, path):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}",
                                     headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.read().decode()

    def finish(self):
        self.proc.stdin.close()
        return self.proc.wait(timeout=60)


def require_browser():
    """Returns when the browser can run; otherwise exits: 77 (skipped), or 1 when
    SMSDRV_REQUIRE_BROWSER=1 says the browser must be there."""
    missing = [what for what, gone in (
        (f"python3-selenium ({SELENIUM_MISSING})", SELENIUM_MISSING is not None),
        (f"chromium ({CHROMIUM})", not os.access(CHROMIUM, os.X_OK)),
        (f"chromium-driver ({CHROMEDRIVER})", not os.access(CHROMEDRIVER, os.X_OK))) if gone]
    if not missing:
        return
    print("browser test: missing " + ", ".join(missing) + " (run scripts/setup.sh)", flush=True)
    sys.exit(1 if os.environ.get("SMSDRV_REQUIRE_BROWSER") == "1" else 77)


def start_browser(width=1100, height=900):
    """Headless Chromium through chromium-driver."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={width},{height}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def server_root(root, driver, shipped_cfg=None):
    """Lays out a messaging server's root in `root`: the module in
    media-channel-drivers/channel-smsmms (with the shipped SmsMmsDriver.cfg as its option help,
    when given) and the console's token file (mode 0600), whose path it returns."""
    module_dir = os.path.join(root, "media-channel-drivers", "channel-smsmms")
    os.makedirs(os.path.join(module_dir, "Configuration"))
    shutil.copy(driver, os.path.join(module_dir, "libsmsmms.so"))
    if shipped_cfg:
        shutil.copy(shipped_cfg, os.path.join(module_dir, "Configuration", "SmsMmsDriver.cfg"))
    token_file = os.path.join(root, "console.token")
    with open(token_file, "w") as f:
        f.write(TOKEN + "\n")
    os.chmod(token_file, 0o600)
    return token_file


def send_test_sms(stub, channel, to="4917612345678", text="after"):
    """POST /api/test-sms as a script would (the token and the console's header); the
    message's id."""
    req = urllib.request.Request(
        f"http://127.0.0.1:{stub.port}/api/test-sms", method="POST",
        data=json.dumps({"channel": channel, "to": to, "text": text}).encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "X-DMS-Console": "1",
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as res:
        return json.loads(res.read())["id"]


def checker(failures):
    """check(condition, what): prints "ok" or "FAIL" with `what`, and keeps a failure."""
    def check(condition, what):
        print(("ok   " if condition else "FAIL ") + what, flush=True)
        if not condition:
            failures.append(what)
    return check


def apply_settings(browser, wait, js, check):
    """Clicks the settings page's Apply and checks that it says the channel is configured
    anew (the page's error text otherwise)."""
    browser.find_element(By.ID, "settings-apply").click()
    try:
        wait.until(lambda b: "configured anew" in js(
            "return document.getElementById('settings-result').textContent"))
        check(True, "Apply says the channel is configured anew")
    except TimeoutException:
        check(False, "Apply says the channel is configured anew ("
              + js("return document.getElementById('settings-error').textContent") + ")")


def finish(failures, stub, browser, procs, root):
    """Ends a browser test: the browser closed, what still runs killed (dms-stub, the peers'
    Popen objects), `root` removed; returns the exit status: 1 with dms-stub's log when a check
    failed, else 0."""
    if browser is not None:
        browser.quit()
    for p in ([stub.proc] if stub is not None else []) + list(procs):
        if p.poll() is None:
            p.kill()
    shutil.rmtree(root, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed", flush=True)
        if stub is not None:
            print("dms-stub log:\n" + "".join(stub.log), flush=True)
        return 1
    return 0


def channel_cfg(name, port):
    return (f"[{name}]\nx-smpp-host = 127.0.0.1\nx-smpp-port = {port}\nx-smpp-system-id = e2e\n"
            f"password = {PASSWORD}\nx-smpp-delivery-report = yes\nreconnection-timeout = 10\n")


def main():
    args = argparse.ArgumentParser()
    args.add_argument("dms_stub")
    args.add_argument("smsc_sim")
    args.add_argument("driver")
    args.add_argument("--screenshots")
    a = args.parse_args()
    require_browser()

    root = tempfile.mkdtemp(prefix="smsdrv-console-")
    sims, stub, browser = [], None, None
    failures = []
    check = checker(failures)

    try:
        token_file = server_root(root, a.driver)
        sim_a, sim_b = Sim(a.smsc_sim), Sim(a.smsc_sim)
        sims = [sim_a, sim_b]
        config = os.path.join(root, "dms.cfg")
        with open(config, "w") as f:
            f.write(channel_cfg("channel-a", sim_a.port) + channel_cfg("channel-b", sim_b.port))
        stub = Stub(a.dms_stub, config, token_file)

        browser = start_browser()
        # Generous: on a loaded 2-core machine Chromium alone may take seconds per step.
        wait = WebDriverWait(browser, 60, poll_frequency=0.2)
        pages = []  # every page source seen, to look for secrets in

        # The page redraws its cards every two seconds: each read is one script, so that it never
        # holds an element the next redraw replaces.
        def state_of(channel):
            pages.append(browser.page_source)
            return browser.execute_script(
                "const e = document.querySelector(`article[data-channel='${arguments[0]}'] .state`);"
                "return e ? e.textContent : null;", channel)

        # Log in: a wrong token is refused with a message, the right one shows the channels.
        browser.get(f"http://127.0.0.1:{stub.port}/")
        wait.until(lambda b: b.find_element(By.ID, "login-view").is_displayed())
        browser.find_element(By.ID, "token").send_keys("not-the-token-at-all")
        browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
        wait.until(lambda b: b.find_element(By.ID, "login-error").text != "")
        check("not the console's token" in browser.find_element(By.ID, "login-error").text,
              "a wrong token is refused, said beside the form")
        browser.find_element(By.ID, "token").send_keys(TOKEN)
        browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
        wait.until(lambda b: state_of("channel-a") == "SMSDRV_OK" and state_of("channel-b") == "SMSDRV_OK")
        check(True, "after the login both channels are shown bound (SMSDRV_OK)")
        if a.screenshots:
            browser.save_screenshot(os.path.join(a.screenshots, "console-channels.png"))

        # The SMSC goes away: channel-a shows its failure; channel-b stays bound.
        port_a = sim_a.port
        sim_a.stop()
        try:
            wait.until(lambda b: state_of("channel-a") not in (None, "SMSDRV_OK"))
            down = state_of("channel-a")
            check(True, f"channel-a shows the lost link live ({down}) without a reload")
        except TimeoutException:
            check(False, "channel-a shows the lost link live")
        check(state_of("channel-b") == "SMSDRV_OK", "channel-b stays bound meanwhile")
        if a.screenshots:
            browser.save_screenshot(os.path.join(a.screenshots, "console-channel-down.png"))
        # ... and comes back on the same port: bound again (the reconnect back-off is at most 10 s).
        sim_a = Sim(a.smsc_sim, port_a)
        sims.append(sim_a)
        try:
            WebDriverWait(browser, 90, poll_frequency=0.5).until(
                lambda b: state_of("channel-a") == "SMSDRV_OK")
            check(True, "channel-a is shown bound again once the SMSC is back")
        except TimeoutException:
            check(False, "channel-a is shown bound again once the SMSC is back")

        # A test SMS through channel-a: its outcome, message id and delivery report appear.
        wait.until(lambda b: len(Select(b.find_element(By.ID, "test-channel")).options) == 2)
        Select(browser.find_element(By.ID, "test-channel")).select_by_value("channel-a")
        browser.find_element(By.ID, "test-to").send_keys("4917612345678")
        browser.find_element(By.CSS_SELECTOR, "#test-form button").click()

        def report_cell(b):
            pages.append(b.page_source)
            return b.execute_script(
                "const r = document.querySelector('#tests tr[data-id=\"console-test-1\"]');"
                "return r ? Array.from(r.cells, (c) => c.textContent) : null;")

        try:
            wait.until(lambda b: "DELIVRD" in (report_cell(b) or [""] * 6)[5])
            cells = report_cell(browser)
            check(cells[3] == "sent", "the test SMS is shown sent")
            check(cells[4] != "", f"with the SMSC's message id ({cells[4]})")
            check(cells[2] == "*********5678", "the number is shown masked")
            check("DeliveryStat DELIVRD" in cells[5], f"and its delivery report ({cells[5]})")
        except TimeoutException:
            check(False, "the test SMS's delivery report is shown")
        if a.screenshots:
            browser.execute_script("document.getElementById('test-view').scrollIntoView()")
            browser.save_screenshot(os.path.join(a.screenshots, "console-test-sms.png"))
        # A phone-sized window: one column.
        browser.set_window_size(400, 860)
        browser.execute_script("window.scrollTo(0, 0)")
        time.sleep(0.5)
        boxes = browser.execute_script(
            "return Array.from(document.querySelectorAll('article.card'),"
            " (c) => { const r = c.getBoundingClientRect(); return [r.x, r.y]; });")
        check(len(boxes) == 2 and boxes[0][1] < boxes[1][1] and boxes[0][0] == boxes[1][0],
              "on a phone-sized screen the cards stack in one column")
        if a.screenshots:
            browser.save_screenshot(os.path.join(a.screenshots, "console-phone.png"))

        # Logging out: the API refuses the browser's session afterwards.
        browser.find_element(By.ID, "logout").click()
        wait.until(lambda b: b.find_element(By.ID, "login-view").is_displayed())
        status = browser.execute_async_script(
            "const done = arguments[0]; fetch('/api/channels').then(r => done(r.status));")
        check(status == 401, "after logging out the API answers 401")

        answers = stub.api("/api/channels") + stub.api("/api/test-sms")
        finished = stub.finish()
        stub_exit_checked = finished == 0
        check(stub_exit_checked, "dms-stub ends cleanly (exit 0)")
        log = "".join(stub.log)
        for secret, name in ((PASSWORD, "the SMSC password"), (TOKEN, "the console token")):
            check(all(secret not in p for p in pages), f"{name} is in no page source")
            check(secret not in answers, f"{name} is in no API answer")
            check(secret not in log, f"{name} is in no log line")
        check("4917612345678" not in "".join(pages) + answers,
              "the test number is in no page or API answer in clear")
    except Exception as e:  # a step that could not even be checked: say which, with the log
        import traceback
        traceback.print_exc()
        failures.append(f"{type(e).__name__}: {e}")
    finally:
        status = finish(failures, stub, browser, [s.proc for s in sims], root)
    return status


if __name__ == "__main__":
    sys.exit(main())
