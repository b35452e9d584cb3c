# test_ui_browser.py CMD_FIFO REPLY_FIFO: a headless Chromium, driven by Selenium, that
# does what test_ui_browser.sh asks, one command per line on CMD_FIFO, and answers each with
# one line on REPLY_FIFO: "ok" or "fail: why". It runs in the host's namespace beside
# wallflower-ui, so that 127.0.0.1 is that host's own loopback. Fields are separated by tabs.
#
#   open URL                      load the page; remember it so that a reload is seen
#   same-page                     the page loaded by `open` is still the one shown (no reload)
#   has LIST TEXT SECS            within SECS, an item of <ul id=LIST> contains TEXT
#   lacks LIST TEXT SECS          within SECS, no item of LIST contains TEXT
#   exact LIST TEXT               an item's name is exactly TEXT, as text: no element was made
#                                 from it and no script ran from it
#   click LIST TEXT LABEL         clicks the button LABEL of the item containing TEXT
#   keys LIST TEXT LABEL [ARIA]   reaches that button with Tab alone, then presses Enter;
#                                 its accessible name is ARIA, or at least names the person
#   buttons LIST TEXT LABELS      the item containing TEXT has exactly the buttons LABELS
#                                 (comma-separated, in order)
#   image ID SECS                 within SECS, <img id=ID> has loaded a picture
#   said TEXT SECS                within SECS, the live region announces TEXT
#   status TEXT SECS              within SECS, the status line contains TEXT
#   cross-site URL ID             a page of another origin (127.0.0.1, another port) that
#                                 POSTs a decline of offer ID to URL's server, with the
#                                 browser's cookies if it would send them; waits for it
#   no-token URL                  without cookies, URL (the page without ?token=) is refused
#   shot FILE WIDTH SCHEME        a screenshot at WIDTH pixels, SCHEME light or dark
#   quit
import http.server
import sys
import threading
import time
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

PAGE_MARK = "wf-" + str(time.time_ns())


class Fail(Exception):
    pass


def browser():
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    # Root in a test namespace: Chromium's sandbox needs user namespaces it cannot have
    # here. The page is our own, served from loopback.
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--no-first-run", "--disable-background-networking", "--disable-sync",
              "--disable-component-update", "--disable-default-apps", "--disable-extensions",
              "--disable-features=MediaRouter,OptimizationHints,Translate",
              "--window-size=1280,1000", "--force-device-scale-factor=1"):
        o.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def until(secs, what, fn):
    end = time.monotonic() + float(secs)
    while True:
        try:
            r = fn()
        except WebDriverException:
            r = None
        if r:
            return r
        if time.monotonic() > end:
            raise Fail("after %s s: %s" % (secs, what))
        time.sleep(0.2)


def items(d, lst):
    return d.find_elements(By.CSS_SELECTOR, "ul#%s > li" % lst)


def item(d, lst, text):
    for li in items(d, lst):
        if text in li.text:
            return li
    return None


def button_of(d, lst, text, label):
    li = until(10, "an item of %s containing %r" % (lst, text), lambda: item(d, lst, text))
    for b in li.find_elements(By.TAG_NAME, "button"):
        if b.text == label:
            return b
    raise Fail("no button %r in the item %r" % (label, li.text))


class Evil(http.server.BaseHTTPRequestHandler):
    """Another site: its page POSTs to wallflower-ui as a cross-site request would."""
    target = ""
    offer = 0

    def do_GET(self):
        body = ("<!DOCTYPE html><title>elsewhere</title><script>"
                "fetch(%r, {method: 'POST', mode: 'no-cors', credentials: 'include',"
                " headers: {'Content-Type': 'text/plain'}, body: '{\"id\": %d}'})"
                ".finally(() => { document.title = 'sent'; });"
                "</script>" % (self.target + "/api/decline", self.offer)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def run(d, cmd, a):
    if cmd == "open":
        d.get(a[0])
        until(10, "the status line leaves 'Connecting'", lambda: "Connecting" not in
              d.find_element(By.ID, "status").text)
        d.execute_script("window.wfMark = arguments[0];", PAGE_MARK)
    elif cmd == "same-page":
        if d.execute_script("return window.wfMark;") != PAGE_MARK:
            raise Fail("the page was loaded again")
    elif cmd == "has":
        until(a[2], "%s shows %r" % (a[0], a[1]), lambda: item(d, a[0], a[1]))
    elif cmd == "lacks":
        until(a[2], "%s no longer shows %r" % (a[0], a[1]), lambda: item(d, a[0], a[1]) is None)
    elif cmd == "exact":
        li = until(10, "%s shows %r" % (a[0], a[1]), lambda: item(d, a[0], a[1]))
        name = li.find_element(By.CLASS_NAME, "name")
        got = d.execute_script("return [arguments[0].textContent, arguments[0].children.length,"
                               " document.querySelectorAll('main img').length,"
                               " window.wfInjected === undefined];", name)
        if got[0] != a[1] or got[1] != 0 or got[2] != 2 or not got[3]:
            raise Fail("text %r, %d child elements, %d images in the page, script ran: %s"
                       % (got[0], got[1], got[2], not got[3]))
    elif cmd == "click":
        button_of(d, a[0], a[1], a[2]).click()
    elif cmd == "keys":
        want = button_of(d, a[0], a[1], a[2])
        d.execute_script("document.activeElement && document.activeElement.blur();"
                         " window.scrollTo(0, 0);")
        body = d.find_element(By.TAG_NAME, "body")
        body.click()
        for _ in range(60):
            d.switch_to.active_element.send_keys(Keys.TAB)
            if d.switch_to.active_element == want:
                break
        else:
            raise Fail("Tab never reached %s's %r button" % (a[1], a[2]))
        label = want.get_attribute("aria-label") or ""
        if len(a) > 3 and label != a[3]:
            raise Fail("the button's label is %r, not %r" % (label, a[3]))
        if len(a) == 3 and a[1].split()[0] not in label:
            raise Fail("the button's label %r does not name the person" % label)
        d.switch_to.active_element.send_keys(Keys.ENTER)
    elif cmd == "buttons":
        li = until(10, "%s shows %r" % (a[0], a[1]), lambda: item(d, a[0], a[1]))
        got = [b.text for b in li.find_elements(By.TAG_NAME, "button")]
        if got != a[2].split(","):
            raise Fail("the item %r has the buttons %r" % (a[1], got))
    elif cmd == "image":
        until(a[1], "<img id=%s> shows a picture" % a[0], lambda: d.execute_script(
            "const i = document.getElementById(arguments[0]);"
            " return i.complete && i.naturalWidth > 0;", a[0]))
    elif cmd == "said":
        until(a[1], "the live region says %r" % a[0],
              lambda: a[0] in d.find_element(By.ID, "announce").get_attribute("textContent"))
    elif cmd == "status":
        until(a[1], "the status line says %r" % a[0],
              lambda: a[0] in d.find_element(By.ID, "status").text)
    elif cmd == "cross-site":
        u = urllib.parse.urlsplit(a[0])
        Evil.target = "%s://%s" % (u.scheme, u.netloc)
        Evil.offer = int(a[1])
        # Threaded: Chromium may open a second connection and leave it idle, which would
        # hold a one-at-a-time server (and the page load) until it timed out.
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Evil)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        try:
            d.get("http://127.0.0.1:%d/" % srv.server_address[1])
            until(10, "the other site's request ends", lambda: d.title == "sent")
        finally:
            srv.shutdown()
    elif cmd == "no-token":
        d.delete_all_cookies()
        d.get(a[0])
        if d.find_elements(By.ID, "inbox") or "403" not in d.page_source:
            raise Fail("the page without its token showed: %.200r" % d.page_source)
    elif cmd == "shot":
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [
            {"name": "prefers-color-scheme", "value": a[2]}]})
        d.set_window_size(int(a[1]), 1000)
        h = d.execute_script("return document.documentElement.scrollHeight;")
        d.set_window_size(int(a[1]), min(int(h) + 140, 4000))
        time.sleep(0.5)
        d.save_screenshot(a[0])
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        d.set_window_size(1280, 1000)
    else:
        raise Fail("unknown command %r" % cmd)


def main():
    cmds = open(sys.argv[1], "r", encoding="utf-8")
    replies = open(sys.argv[2], "w", encoding="utf-8", buffering=1)
    d = browser()
    try:
        for line in cmds:
            f = line.rstrip("\n").split("\t")
            if f[0] == "quit":
                replies.write("ok\n")
                break
            try:
                run(d, f[0], f[1:])
                replies.write("ok\n")
            except (Fail, WebDriverException, IndexError, ValueError) as e:
                replies.write("fail: %s\n" % " ".join(str(e).split())[:400])
    finally:
        d.quit()


if __name__ == "__main__":
    main()
