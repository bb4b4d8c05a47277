#!/usr/bin/python3
"""The console's settings page in a real headless Chromium, against dms-stub with the real driver
and two smsc-sim: open a channel's settings (the option help of the shipped SmsMmsDriver.cfg),
give a value the driver's rules refuse and see the driver's message beside the field with the file
unchanged, fix it and apply: the section is written back with its comments, that channel alone is
configured anew and binds again, both channels send, and no password reaches the page, the API or
the log.

usage: console_settings_browser_test.py DMS_STUB SMSC_SIM DRIVER_MODULE SHIPPED_CFG
           [--screenshots DIR]
Skipped (77) without the browser unless SMSDRV_REQUIRE_BROWSER=1, like console_browser_test.py.
"""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console_browser_test as base  # noqa: E402  (Sim, Stub, the browser)


def config_text(port_a, port_b):
    def channel(name, port, note):
        return (f"# {note}\n[{name}]\n# the SMSC of this channel, on loopback\n"
                f"x-smpp-host = 127.0.0.1\nx-smpp-port = {port}\nx-smpp-system-id = e2e\n"
                f"password = {base.PASSWORD}\n# receipts for the test SMS\n"
                f"x-smpp-delivery-report = yes\nreconnection-timeout = 10\n")
    return (channel("channel-a", port_a, "the channel the settings test edits") + "\n" +
            channel("channel-b", port_b, "a channel nobody touches"))


def section(text, name):
    """The lines of [name] up to the next section header."""
    out, inside = [], False
    for line in text.splitlines():
        if line.startswith("["):
            inside = line == f"[{name}]"
        elif inside:
            out.append(line)
    return out


def main():
    args = argparse.ArgumentParser()
    for name in ("dms_stub", "smsc_sim", "driver", "shipped_cfg"):
        args.add_argument(name)
    args.add_argument("--screenshots")
    a = args.parse_args()
    base.require_browser()
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    root = tempfile.mkdtemp(prefix="smsdrv-settings-")
    sims, stub, browser = [], None, None
    failures = []
    check = base.checker(failures)

    try:
        token_file = base.server_root(root, a.driver, a.shipped_cfg)
        sim_a, sim_b = base.Sim(a.smsc_sim), base.Sim(a.smsc_sim)
        sims = [sim_a, sim_b]
        config = os.path.join(root, "dms.cfg")
        with open(config, "w") as f:
            f.write(config_text(sim_a.port, sim_b.port))
        with open(config) as f:
            before = f.read()
        stub = base.Stub(a.dms_stub, config, token_file)
        browser = base.start_browser(1100, 1400)
        wait = WebDriverWait(browser, 60, poll_frequency=0.2)
        pages = []

        def state(channel):
            for c in json.loads(stub.api("/api/channels"))["channels"]:
                if c["name"] == channel:
                    return c["state"]
            return None

        def js(script, *values):
            pages.append(browser.page_source)
            return browser.execute_script(script, *values)

        # Log in; both channels bound.
        browser.get(f"http://127.0.0.1:{stub.port}/")
        wait.until(lambda b: b.find_element(By.ID, "login-view").is_displayed())
        browser.find_element(By.ID, "token").send_keys(base.TOKEN)
        browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
        wait.until(lambda b: all((state(c) or {}).get("name") == "SMSDRV_OK"
                                 for c in ("channel-a", "channel-b")))
        wait.until(lambda b: js("return !!document.querySelector(\"button[data-settings='channel-a']\")"))
        bound_a = state("channel-a")["changes"]
        bound_b = state("channel-b")["changes"]

        # The settings of channel-a: its values, the option table's help, no password.
        js("document.querySelector(\"button[data-settings='channel-a']\").click()")
        wait.until(lambda b: js("const e = document.getElementById('opt-x-smpp-port');"
                                "return e ? e.value : null") == str(sim_a.port))
        help_port = js("return document.querySelector(\".field[data-option='x-smpp-port'] .help\")"
                       ".textContent")
        check("TCP port of the SMSC" in help_port and "1-65535" in help_port
              and "default: 2775" in help_port,
              f"a field carries the option table's help, range and default ({help_port})")
        window_help = js("return document.querySelector("
                         "\".field[data-option='x-smpp-submit-window-size'] .help\").textContent")
        check("1-1000" in window_help, "the window size's range is shown (1-1000)")
        check(js("const e = document.getElementById('opt-password'); return [e.type, e.value]")
              == ["password", ""], "the password field is write-only: empty, type password")
        check(js("return document.getElementById('opt-x-gateway-type').value") == ""
              and js("return document.querySelector(\"fieldset[data-plugin='http']\").hidden"),
              "the SMPP plugin is chosen (the default); the HTTP plugin's fields are hidden")
        check(js("return Array.from(document.getElementById('opt-x-failover-channel').options,"
                 " (o) => o.value)") == ["", "channel-b"],
              "the failover gateway offers the other channel")
        if a.screenshots:
            browser.save_screenshot(os.path.join(a.screenshots, "console-settings.png"))

        # A window beyond the driver's range: its message beside the field, nothing changed.
        field = browser.find_element(By.ID, "opt-x-smpp-submit-window-size")
        field.clear()
        field.send_keys("5000")
        browser.find_element(By.ID, "settings-apply").click()
        at_field = "[data-error-for='x-smpp-submit-window-size']"
        try:
            wait.until(lambda b: js(f"return document.querySelector(\"{at_field}\").textContent"))
            message = js(f"return document.querySelector(\"{at_field}\").textContent")
            check(message.startswith("[channel-a] x-smpp-submit-window-size = '5000': "),
                  f"the driver's message is shown beside the field ({message})")
            check(js(f"return document.querySelector(\"{at_field}\").closest('.field')"
                     ".classList.contains('at-fault')"), "the field is marked")
            check(js("return document.querySelector(\"[data-error-for='x-smpp-port']\")"
                     ".textContent") == "", "no other field is blamed")
        except TimeoutException:
            check(False, "the driver's message is shown beside the field")
        with open(config) as f:
            check(f.read() == before, "the refused value changes nothing in the file")
        check(state("channel-a")["changes"] == bound_a, "nor the channel")
        if a.screenshots:
            browser.execute_script(f"document.querySelector(\"{at_field}\").closest('.field')"
                                   ".scrollIntoView({block: 'center'})")
            browser.save_screenshot(os.path.join(a.screenshots, "console-settings-error.png"))

        # Fixed and applied: written back, channel-a configured anew and bound again.
        field = browser.find_element(By.ID, "opt-x-smpp-submit-window-size")
        field.clear()
        field.send_keys("20")
        base.apply_settings(browser, wait, js, check)
        with open(config) as f:
            after = f.read()
        want_a = section(before, "channel-a")
        want_a.insert(want_a.index("reconnection-timeout = 10") + 1,
                      "x-smpp-submit-window-size = 20")
        check(section(after, "channel-a") == want_a,
              "channel-a's section has the new line, its comments and the password line kept")
        check(section(after, "channel-b") == section(before, "channel-b")
              and after.startswith("# the channel the settings test edits\n"),
              "the other section and the comments around are as they were")
        try:
            WebDriverWait(browser, 60, poll_frequency=0.3).until(
                lambda b: state("channel-a")["changes"] > bound_a
                and state("channel-a")["name"] == "SMSDRV_OK")
            check(True, "channel-a binds again with its new settings")
        except TimeoutException:
            check(False, f"channel-a binds again with its new settings ({state('channel-a')})")
        check(state("channel-b")["changes"] == bound_b and state("channel-b")["name"] == "SMSDRV_OK",
              "channel-b is not touched")
        check(js("return document.getElementById('opt-x-smpp-submit-window-size').value") == "20",
              "the page shows the value as the file now has it")
        # Both channels send: the one configured anew and the one left alone.
        for channel in ("channel-a", "channel-b"):
            sent = base.send_test_sms(stub, channel)

            def outcome(_):
                for m in json.loads(stub.api("/api/test-sms"))["messages"]:
                    if m["id"] == sent and m["answered"]:
                        return m
                return None
            try:
                m = WebDriverWait(browser, 60, poll_frequency=0.3).until(outcome)
                check(m["ok"] and m["messageId"] != "",
                      f"a test SMS through {channel} is sent afterwards ({m['status']})")
            except TimeoutException:
                check(False, f"a test SMS through {channel} is answered afterwards")
        # Back on the channels page, channel-a's card is bound.
        browser.find_element(By.ID, "settings-back").click()
        wait.until(lambda b: js("const e = document.querySelector(\"article[data-channel='channel-a']"
                                " .state\"); return e ? e.textContent : null") == "SMSDRV_OK")
        check(True, "the channels page shows channel-a bound")

        answers = stub.api("/api/settings/channel-a") + stub.api("/api/settings/channel-b")
        check(stub.finish() == 0, "dms-stub ends cleanly (exit 0)")
        log = "".join(stub.log)
        check("console: [channel-a] written to " + config in log,
              "the log says what was written, naming the options")
        for secret, name in ((base.PASSWORD, "the SMSC password"), (base.TOKEN, "the console token")):
            check(all(secret not in p for p in pages), f"{name} is in no page source")
            check(secret not in answers, f"{name} is in no API answer")
            check(secret not in log, f"{name} is in no log line")
    except Exception as e:  # a step that could not even be checked: say which, with the log
        import traceback
        traceback.print_exc()
        failures.append(f"{type(e).__name__}: {e}")
    finally:
        status = base.finish(failures, stub, browser, [s.proc for s in sims], root)
    return status


if __name__ == "__main__":
    sys.exit(main())
