// dms-stub console: logs in with the console token, then shows every channel's state and
// counters, asking /api/channels every two seconds; each card opens the channel's settings
// (settings.js). Every request that changes something carries
// X-DMS-Console: 1 (the console refuses cross-site requests without it).
"use strict";

const $ = (id) => document.getElementById(id);
let timer = null;

async function api(method, path, body) {
  const init = { method, headers: { "X-DMS-Console": "1" }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  let data = null;
  if (res.status !== 204) {
    const text = await res.text();
    try { data = JSON.parse(text); } catch { data = { error: text }; }
  }
  return { status: res.status, data };
}

function show(view) {
  $("login-view").hidden = view !== "login";
  $("channels-view").hidden = view !== "channels";
  $("test-view").hidden = view !== "channels";
  $("settings-view").hidden = view !== "settings";
  $("logout").hidden = view === "login";
}

function element(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// The counters a card shows, in this order, with the words an operator reads.
const shown = [
  ["smsdrv_link_up", "link up"],
  ["smsdrv_queue_depth", "queued"],
  ["smsdrv_queue_capacity", "queue size"],
  ["smsdrv_submit_sm_in_flight", "in flight (window)"],
  ["smsdrv_requests_accepted_total", "accepted"],
  ["smsdrv_requests_succeeded_total", "succeeded"],
  ["smsdrv_requests_failed_total", "failed"],
  ["smsdrv_submit_sm_throttled_total", "throttled"],
  ["smsdrv_inbound_total", "inbound"],
  ["smsdrv_delivery_reports_total", "delivery reports"],
  ["smsdrv_reconnects_total", "reconnects"],
];

function card(ch) {
  const c = element("article", "card");
  c.dataset.channel = ch.name;
  c.appendChild(element("h3", "", ch.name));
  const st = ch.state;
  let state = "waiting for the driver";
  if (st.reported) {
    state = st.name;
    c.classList.add(st.status === 0 ? "up" : "down");
  }
  c.appendChild(element("div", "state", state));
  if (st.reported && st.text) c.appendChild(element("div", "text", st.text));
  const dl = element("dl");
  const add = (k, v) => { dl.appendChild(element("dt", "", k)); dl.appendChild(element("dd", "", String(v))); };
  add("driver", ch.driver);
  if (st.reported) {
    for (const [k, v] of Object.entries(st.attributes)) add(k, v);
    add("since", st.since.replace("T", " ").replace("Z", " UTC"));
  }
  for (const [key, words] of shown) if (key in ch.metrics) add(words, ch.metrics[key]);
  c.appendChild(dl);
  const settings = element("button", "settings-open", "Settings");
  settings.type = "button";
  settings.dataset.settings = ch.name;
  c.appendChild(settings);
  return c;
}

async function refresh() {
  let r;
  try {
    r = await api("GET", "/api/channels");
  } catch (e) {
    $("channels-error").textContent = "dms-stub does not answer: " + e.message;
    return;
  }
  if (r.status === 401) { stop(); show("login"); return; }
  if (r.status !== 200) { $("channels-error").textContent = r.data.error; return; }
  $("channels-error").textContent = "";
  $("updated").textContent = "updated " + r.data.now.replace("T", " ").replace("Z", " UTC");
  const list = $("channels");
  list.replaceChildren(...r.data.channels.map(card));
  // The test form's channel list follows the channels served, keeping the choice.
  const select = $("test-channel");
  const chosen = select.value;
  const names = r.data.channels.map((c) => c.name);
  if (names.join("\n") !== Array.from(select.options, (o) => o.value).join("\n")) {
    select.replaceChildren(...names.map((n) => { const o = element("option", "", n); o.value = n; return o; }));
    if (names.includes(chosen)) select.value = chosen;
  }
  refreshTests();
}

async function refreshTests() {
  const r = await api("GET", "/api/test-sms");
  if (r.status !== 200) return;
  const rows = r.data.messages.map((m) => {
    const tr = element("tr");
    tr.dataset.id = m.id;
    tr.appendChild(element("td", "", m.id));
    tr.appendChild(element("td", "", m.channel));
    tr.appendChild(element("td", "", m.to));
    const outcome = !m.answered ? "sending" : m.ok ? "sent" : m.status + ": " + m.text;
    tr.appendChild(element("td", !m.answered ? "" : m.ok ? "ok" : "failed", outcome));
    tr.appendChild(element("td", "", m.messageId));
    const report = Object.entries(m.report).map(([k, v]) => k.replace(/^_sms/, "") + " " + v).join(", ");
    tr.appendChild(element("td", "report", report || (m.ok ? "waiting" : "")));
    return tr;
  });
  $("tests").tBodies[0].replaceChildren(...rows);
}

function start() {
  show("channels");
  refresh();
  if (!timer) timer = setInterval(refresh, 2000);
}

function stop() {
  if (timer) clearInterval(timer);
  timer = null;
}

$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const r = await api("POST", "/api/login", { token: $("token").value });
  $("token").value = "";
  if (r.status === 204) { $("login-error").textContent = ""; start(); }
  else $("login-error").textContent = r.data ? r.data.error : "refused";
});

$("test-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const r = await api("POST", "/api/test-sms",
    { channel: $("test-channel").value, to: $("test-to").value, text: $("test-text").value });
  $("test-error").textContent = r.status === 202 ? "" : (r.data ? r.data.error : "refused");
  refreshTests();
});

$("logout").addEventListener("click", async () => {
  await api("POST", "/api/logout");
  stop();
  show("login");
});

api("GET", "/api/session").then((r) => (r.status === 204 ? start() : show("login")));
