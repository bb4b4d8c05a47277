// dms-stub console, settings page: a channel's section of the options file as a form, with
// what the driver's shipped options file says of each option (meaning, values, default). Apply
// sends only what changed; dms-stub checks it by its own and the driver's rules, and shows a
// refusal beside the field at fault. Password fields start empty and stay write-only: empty
// means unchanged. Uses api() and element() of console.js.
"use strict";

let settingsData = null; // the last GET /api/settings/<channel>

function pluginOf(name) {
  if (name.startsWith("x-smpp-") || name === "password") return "smpp";
  if (name.startsWith("x-http-")) return "http";
  return "general";
}

function valuesText(o) {
  const parts = [];
  if (o.kind === "integer") parts.push(`${o.min}-${o.max}${o.unit ? " " + o.unit : ""}`);
  if (o.kind === "boolean") parts.push("true/false");
  if (o.kind === "choice") parts.push(o.choices.join(", "));
  if (o.default !== null) parts.push(o.default === "" ? "default: empty" : "default: " + o.default);
  else if (o.example && !o.secret) parts.push("e.g. " + o.example);
  if (o.required) parts.push("required" + (o.required === "any" ? "" : " for " + o.required));
  if (o.host) parts.push("read by dms-stub");
  return parts.join(" · ");
}

// One option: label, input, help line, and the place for its error.
function optionField(o) {
  const div = element("div", "field");
  div.dataset.option = o.name;
  const id = "opt-" + o.name;
  const label = element("label", "", o.name);
  label.htmlFor = id;
  div.appendChild(label);
  const current = o.set && !o.secret && o.masked === undefined ? o.value : "";
  let input;
  if (o.masked !== undefined) {
    // A URL with a password or an access token: shown masked, write-only like a password.
    input = element("input");
    input.placeholder = o.masked + " (leave empty to keep it)";
  } else if (o.secret) {
    input = element("input");
    input.type = "password";
    input.autocomplete = "new-password";
    input.placeholder = o.set ? "set; leave empty to keep it" : "not set";
  } else if (o.name === "x-failover-channel") {
    input = element("select");
    const names = ["", ...settingsData.channels];
    if (current && !names.includes(current)) names.push(current);
    for (const n of names) {
      const opt = element("option", "", n || "(none)");
      opt.value = n;
      input.appendChild(opt);
    }
  } else if (o.kind === "boolean" || o.kind === "choice") {
    input = element("select");
    const names = ["", ...(o.kind === "boolean" ? ["true", "false"] : o.choices)];
    if (current && !names.includes(current)) names.push(current);
    for (const n of names) {
      const opt = element("option", "", n || `(default: ${o.default ?? "not set"})`);
      opt.value = n;
      input.appendChild(opt);
    }
  } else {
    input = element("input");
    if (o.kind === "integer") input.inputMode = "numeric";
    input.placeholder = o.default !== null ? o.default : o.example ? "e.g. " + o.example : "";
  }
  input.id = id;
  input.name = o.name;
  input.value = current;
  input.dataset.original = current;
  input.dataset.secret = o.secret || o.masked !== undefined ? "1" : "";
  div.appendChild(input);
  div.appendChild(element("small", "help", o.meaning + (valuesText(o) ? " (" + valuesText(o) + ")" : "")));
  const err = element("p", "field-error");
  err.dataset.errorFor = o.name;
  err.setAttribute("role", "alert");
  div.appendChild(err);
  return div;
}

function paramRow(p) {
  const tr = element("tr");
  tr.dataset.keep = p.secret && p.option ? p.option : "";
  const name = element("input");
  name.className = "param-name";
  name.value = p.param || "";
  name.setAttribute("aria-label", "parameter name");
  const value = element("input");
  value.className = "param-value";
  value.type = p.secret ? "password" : "text";
  value.autocomplete = "new-password";
  value.value = p.secret ? "" : p.value || "";
  value.placeholder = p.secret && p.option ? "set; leave empty to keep it" : "";
  value.setAttribute("aria-label", "parameter value");
  const secret = element("input");
  secret.type = "checkbox";
  secret.className = "param-secret";
  secret.checked = !!p.secret;
  secret.setAttribute("aria-label", "is password");
  secret.addEventListener("change", () => { value.type = secret.checked ? "password" : "text"; });
  const remove = element("button", "param-remove", "Remove");
  remove.type = "button";
  remove.addEventListener("click", () => tr.remove());
  for (const e of [name, value, secret, remove]) {
    const td = element("td");
    td.appendChild(e);
    tr.appendChild(td);
  }
  const err = element("td", "field-error");
  tr.appendChild(err);
  return tr;
}

function paramsNow() {
  return Array.from(document.querySelectorAll("#params tbody tr"), (tr) => ({
    param: tr.querySelector(".param-name").value,
    value: tr.querySelector(".param-value").value,
    secret: tr.querySelector(".param-secret").checked,
    keep: tr.dataset.keep,
  }));
}

function showPlugin() {
  const type = $("opt-x-gateway-type");
  const plugin = type && type.value ? type.value : (settingsData.options.find((o) => o.name === "x-gateway-type") || {}).default || "smpp";
  for (const fs of document.querySelectorAll("#settings-form fieldset[data-plugin]"))
    fs.hidden = fs.dataset.plugin !== "general" && fs.dataset.plugin !== "others" && fs.dataset.plugin !== plugin;
}

function renderSettings(d) {
  settingsData = d;
  $("settings-title").textContent = d.channel;
  $("settings-source").textContent =
    `driver ${d.driver} · ${d.file}` + (d.help ? ` · option help from ${d.help}` : " · the driver ships no option help");
  const form = $("settings-fields");
  form.replaceChildren();
  const groups = {
    general: ["Gateway", "Primary gateway: this channel. Failover gateway: x-failover-channel."],
    smpp: ["SMPP SMS plugin", ""],
    http: ["Generic HTTP(S) SMS plugin", ""],
  };
  const sets = {};
  for (const [key, [title, note]] of Object.entries(groups)) {
    const fs = element("fieldset");
    fs.dataset.plugin = key;
    fs.appendChild(element("legend", "", title));
    if (note) fs.appendChild(element("p", "note", note));
    sets[key] = fs;
    form.appendChild(fs);
  }
  for (const o of d.options) {
    if (!o.supported && !o.set) continue; // documented, not built yet: nothing to choose
    sets[pluginOf(o.name)].appendChild(optionField(o));
  }
  if (d.families.length > 0) {
    const fs = sets.http;
    fs.appendChild(element("h3", "", "Extra parameters"));
    fs.appendChild(element("p", "note", d.families.map((f) => `${f.name}: ${f.meaning}`).join(" ")));
    const table = element("table");
    table.id = "params";
    table.innerHTML = "<thead><tr><th>Name</th><th>Value</th><th>Is Password</th><th></th><th></th></tr></thead><tbody></tbody>";
    for (const p of d.extra) table.tBodies[0].appendChild(paramRow(p));
    fs.appendChild(table);
    const add = element("button", "", "Add Parameter");
    add.type = "button";
    add.id = "add-param";
    add.addEventListener("click", () => table.tBodies[0].appendChild(paramRow({})));
    fs.appendChild(add);
  }
  if (d.others.length > 0) {
    const fs = element("fieldset");
    fs.dataset.plugin = "others";
    fs.appendChild(element("legend", "", "Other options of the section"));
    for (const o of d.others)
      fs.appendChild(optionField({ name: o.name, meaning: "not described by the driver's option help", kind: "text",
        default: null, example: "", required: "", secret: o.secret, host: false, supported: true, set: true,
        value: o.value, masked: o.masked }));
    form.appendChild(fs);
  }
  settingsData.originalParams = JSON.stringify(paramsNow());
  const type = $("opt-x-gateway-type");
  if (type) type.addEventListener("change", showPlugin);
  showPlugin();
}

async function openSettings(channel) {
  show("settings");
  $("settings-error").textContent = "";
  $("settings-result").textContent = "";
  const r = await api("GET", "/api/settings/" + encodeURIComponent(channel));
  if (r.status === 401) { stop(); show("login"); return; }
  if (r.status !== 200) { $("settings-error").textContent = r.data.error; return; }
  renderSettings(r.data);
}

function clearFieldErrors() {
  for (const e of document.querySelectorAll("#settings-form .field-error")) e.textContent = "";
  for (const e of document.querySelectorAll("#settings-form .at-fault")) e.classList.remove("at-fault");
}

$("settings-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  clearFieldErrors();
  $("settings-error").textContent = "";
  $("settings-result").textContent = "";
  const changes = {};
  for (const input of document.querySelectorAll("#settings-fields [data-original]")) {
    if (input.dataset.secret) {
      if (input.value !== "") changes[input.name] = input.value;
    } else if (input.value !== input.dataset.original) {
      changes[input.name] = input.value === "" ? null : input.value;
    }
  }
  const body = { changes };
  const params = paramsNow();
  if (settingsData.families.length > 0 && JSON.stringify(params) !== settingsData.originalParams) {
    body.extra = params;
    // Row i becomes <family>-(i+1): where the rules' messages about it are shown.
    const family = (secret) => settingsData.families.find((f) => f.secret === secret).name.replace(/<N>$/, "");
    document.querySelectorAll("#params tbody tr").forEach((tr, i) => {
      tr.lastChild.dataset.errorFor = family(params[i].secret) + (i + 1);
    });
  }
  const r = await api("POST", "/api/settings/" + encodeURIComponent(settingsData.channel), body);
  if (r.status === 200) {
    $("settings-result").textContent = r.data.replaced
      ? `Applied: written to ${settingsData.file}; ${settingsData.channel} is configured anew.`
      : `Applied: ${settingsData.channel} was already so; nothing reloaded.`;
    const channel = settingsData.channel;
    const result = $("settings-result").textContent;
    await openSettings(channel);
    $("settings-result").textContent = result;
    return;
  }
  if (r.status === 401) { stop(); show("login"); return; }
  $("settings-error").textContent = r.data ? r.data.error : "refused";
  for (const [option, message] of Object.entries((r.data && r.data.fields) || {})) {
    const place = document.querySelector(`#settings-form [data-error-for="${CSS.escape(option)}"]`);
    if (place) {
      place.textContent = message;
      (place.closest(".field") || place.closest("tr")).classList.add("at-fault");
    }
  }
});

$("settings-back").addEventListener("click", () => start());

$("channels").addEventListener("click", (ev) => {
  const b = ev.target.closest("button[data-settings]");
  if (b) openSettings(b.dataset.settings);
});
