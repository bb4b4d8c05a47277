#!/usr/bin/python3
"""The console's settings page for a Generic HTTP(S) SMS plugin channel, in a real headless
Chromium, against dms-stub with the real driver and tests/support/http_gateway.py: the HTTP
plugin's fields are shown (the SMPP ones hidden) with the channel's values and its extra
parameters; a parameter added in the table and marked "Is Password" is written back as
x-http-password-param-<N>, the channel is configured anew and a test SMS reaches the gateway with
every extra parameter in order; the password value is in no page, API answer or log line, and a
password parameter left empty keeps its value.

usage: console_http_settings_browser_test.py DMS_STUB DRIVER_MODULE SHIPPED_CFG HTTP_GATEWAY
Skipped (77) without the browser unless SMSDRV_REQUIRE_BROWSER=1, like console_browser_test.py.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console_browser_test as base  # noqa: E402  (Stub, the browser)

API_KEY = "k3y-Never-Shown-7731"  # the gateway's password parameter, set before the test
PIN = "pin-Added-In-Page-5519"  # the one the test adds in the page


class Gateway:
    """http_gateway.py on a free port; every request's parameters, in order of arrival."""

    def __init__(self, script):
        self.proc = subprocess.Popen([sys.executable, script, "--port", "0", "--success", "ACK"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        first = json.loads(self.proc.stdout.readline())
        self.port = first["listening"]
        self.requests = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            record = json.loads(line)
            if "n" in record:
                self.requests.append(record)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def config_text(port):
    return ("# an HTTP gateway channel the settings test edits\n[channel-web]\n"
            "x-gateway-type = http\n"
            f"x-http-url = http://127.0.0.1:{port}/send\n"
            "x-http-destination-param = to\nx-http-message-param = text\n"
            "x-http-success-contains = ACK\n"
            "# the provider's account and key\n"
            "x-http-param-1 = user=contact-centre\n"
            f"x-http-password-param-2 = apikey={API_KEY}\n")


def main():
    args = argparse.ArgumentParser()
    for name in ("dms_stub", "driver", "shipped_cfg", "http_gateway"):
        args.add_argument(name)
    a = args.parse_args()
    base.require_browser()
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    root = tempfile.mkdtemp(prefix="smsdrv-http-settings-")
    gateway, stub, browser = None, None, None
    failures = []
    check = base.checker(failures)

    try:
        token_file = base.server_root(root, a.driver, a.shipped_cfg)
        gateway = Gateway(a.http_gateway)
        config = os.path.join(root, "dms.cfg")
        with open(config, "w") as f:
            f.write(config_text(gateway.port))
        stub = base.Stub(a.dms_stub, config, token_file)
        browser = base.start_browser(1100, 1600)
        wait = WebDriverWait(browser, 60, poll_frequency=0.2)
        pages, answers = [], []

        def js(script, *values):
            pages.append(browser.page_source)
            return browser.execute_script(script, *values)

        def api(path):
            answers.append(stub.api(path))
            return answers[-1]

        def rows():
            return js("return Array.from(document.querySelectorAll('#params tbody tr'), (tr) => "
                      "[tr.querySelector('.param-name').value, tr.querySelector('.param-value')"
                      ".value, tr.querySelector('.param-secret').checked])")

        def sent_through(channel):
            sent = base.send_test_sms(stub, channel, "+4917612345678", "hi there")

            def outcome(_):
                for m in json.loads(api("/api/test-sms"))["messages"]:
                    if m["id"] == sent and m["answered"]:
                        return m
                return None
            return WebDriverWait(browser, 60, poll_frequency=0.3).until(outcome)

        browser.get(f"http://127.0.0.1:{stub.port}/")
        wait.until(lambda b: b.find_element(By.ID, "login-view").is_displayed())
        browser.find_element(By.ID, "token").send_keys(base.TOKEN)
        browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
        wait.until(lambda b: js("return !!document.querySelector(\"button[data-settings="
                                "'channel-web']\")"))
        js("document.querySelector(\"button[data-settings='channel-web']\").click()")
        wait.until(lambda b: js("return !!document.getElementById('params')"))

        # The HTTP plugin's fields with the channel's values; the SMPP plugin's hidden.
        check(js("return document.getElementById('opt-x-gateway-type').value") == "http",
              "the Generic HTTP(S) SMS plugin is chosen")
        check(not js("return document.querySelector(\"fieldset[data-plugin='http']\").hidden")
              and js("return document.querySelector(\"fieldset[data-plugin='smpp']\").hidden"),
              "its fields are shown, the SMPP plugin's hidden")
        check(js("return document.getElementById('opt-x-http-url').value")
              == f"http://127.0.0.1:{gateway.port}/send", "the SMS URL is the channel's")
        check(rows() == [["user", "contact-centre", False], ["apikey", "", True]],
              f"the extra parameters in order; the password one shown empty ({rows()})")

        # Add a parameter marked Is Password, then apply.
        js("document.getElementById('add-param').click()")
        row = browser.find_elements(By.CSS_SELECTOR, "#params tbody tr")[-1]
        row.find_element(By.CSS_SELECTOR, ".param-name").send_keys("pin")
        row.find_element(By.CSS_SELECTOR, ".param-secret").click()
        check(row.find_element(By.CSS_SELECTOR, ".param-value").get_attribute("type")
              == "password", "Is Password makes the value a password field")
        row.find_element(By.CSS_SELECTOR, ".param-value").send_keys(PIN)
        base.apply_settings(browser, wait, js, check)
        with open(config) as f:
            written = f.read()
        check("x-http-param-1 = user=contact-centre\n" in written
              and f"x-http-password-param-2 = apikey={API_KEY}\n" in written
              and f"x-http-password-param-3 = pin={PIN}\n" in written
              and "# the provider's account and key\n" in written,
              "the file has the new password parameter as the third, the others and the comment "
              "kept")
        check(rows() == [["user", "contact-centre", False], ["apikey", "", True],
                         ["pin", "", True]],
              f"the page shows three parameters, the passwords empty ({rows()})")

        # A test SMS carries every extra parameter, in order, after the predefined ones.
        try:
            m = sent_through("channel-web")
            check(m["ok"], f"a test SMS through the HTTP channel is sent ({m['status']})")
        except TimeoutException:
            check(False, "a test SMS through the HTTP channel is answered")
        last = gateway.requests[-1]["params"] if gateway.requests else {}
        raw = gateway.requests[-1]["raw"] if gateway.requests else ""
        names = [kv.split("=", 1)[0] for kv in raw.split("&")]
        check(names == ["to", "text", "user", "apikey", "pin"]
              and last.get("user") == ["contact-centre"] and last.get("apikey") == [API_KEY]
              and last.get("pin") == [PIN] and last.get("to") == ["4917612345678"],
              f"the gateway got to, text, user, apikey, pin in that order ({names})")

        # Apply again without touching the passwords: they keep their values.
        js("document.querySelector(\"#params tbody tr:first-child .param-value\").value = 'ops'")
        base.apply_settings(browser, wait, js, check)
        with open(config) as f:
            written = f.read()
        check("x-http-param-1 = user=ops\n" in written
              and f"x-http-password-param-2 = apikey={API_KEY}\n" in written
              and f"x-http-password-param-3 = pin={PIN}\n" in written,
              "password parameters left empty keep their values")

        api("/api/settings/channel-web")
        api("/api/channels")
        check(stub.finish() == 0, "dms-stub ends cleanly (exit 0)")
        log = "".join(stub.log) + "".join(stub.events)
        for secret, name in ((API_KEY, "the API key set before"), (PIN, "the PIN added in the page"),
                             (base.TOKEN, "the console token")):
            check(all(secret not in p for p in pages), f"{name} is in no page source")
            check(all(secret not in x for x in answers), f"{name} is in no API answer")
            check(secret not in log, f"{name} is in no log line or event")
    except Exception as e:  # a step that could not even be checked: say which, with the log
        import traceback
        traceback.print_exc()
        failures.append(f"{type(e).__name__}: {e}")
    finally:
        status = base.finish(failures, stub, browser, [gateway.proc] if gateway else [], root)
    return status


if __name__ == "__main__":
    sys.exit(main())
