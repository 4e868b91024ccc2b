/* detente workbench: plain JavaScript, no build step, no external libraries.
 *
 * One page, routed by the URL hash:  #/  the library;  #/model/ID/SECTION  a model.
 * Every action goes through the JSON API (/api/..., described at /api/docs).
 */
"use strict";

// ---------------------------------------------------------------------------------------------
// DOM helpers
// ---------------------------------------------------------------------------------------------
function h(tag, props, ...children) {
  const el = document.createElementNS(
    tag === "svg" || props?.svg ? "http://www.w3.org/2000/svg" : "http://www.w3.org/1999/xhtml",
    tag
  );
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false || key === "svg") continue;
    if (key === "class") el.setAttribute("class", value);
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "value") el.value = value;
    else if (key === "checked") el.checked = !!value;
    else if (key === "selected") el.selected = !!value;
    else if (key === "disabled") el.disabled = !!value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  return put(el, ...children);
}
/** Append children (nested arrays flattened; null, undefined and false skipped). */
function put(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}
function s(tag, props, ...children) { return h(tag, { ...(props || {}), svg: true }, ...children); }
function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
function fmt(n) { return n === null || n === undefined ? "—" : Number(n).toLocaleString("en"); }
function plural(n, word, many) { return `${fmt(n)} ${n === 1 ? word : many || word + "s"}`; }
function debounce(fn, ms) {
  let timer = null;
  const wrapped = (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  wrapped.flush = (...args) => { clearTimeout(timer); fn(...args); };
  return wrapped;
}
function clone(value) { return value === undefined ? undefined : JSON.parse(JSON.stringify(value)); }
function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type: type || "text/plain" }));
  const a = h("a", { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 2000);
}
function slug(text) {
  return (text || "model").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "model";
}
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7a5195", "#444444"];
const OUTCOME_COLOURS = ["#3d9a5b", "#4a7fc1", "#e0a53a", "#c8553d", "#8e6bb5", "#2aa198", "#b5838d", "#6c757d"];

// ---------------------------------------------------------------------------------------------
// API client
// ---------------------------------------------------------------------------------------------
// The access token comes once, in the address (?token=...): the server answers that request
// with an HttpOnly cookie that carries it from then on, so the page neither keeps the token
// in storage a script could read nor leaves it in the address bar, the history or bookmarks.
const TOKEN = (() => {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get("token");
  if (fromUrl) {
    params.delete("token");
    const query = params.toString();
    history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
  }
  return fromUrl;
})();

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.detail) || `request failed (${status})`);
    this.status = status;
    this.body = body || {};
  }
}

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (TOKEN) headers.Authorization = `Bearer ${TOKEN}`;
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, { detail: "cannot reach the workbench server: is 'detente serve' still running?" });
  }
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, typeof data === "object" ? data : { detail: data });
  return data;
}

// ---------------------------------------------------------------------------------------------
// Notices and dialogs
// ---------------------------------------------------------------------------------------------
/** A notice; one given a ``model`` belongs to that model's page and goes when the page does,
 * so its buttons can never act on another model. */
function notify(text, kind = "ok", { timeout = kind === "ok" ? 4000 : 0, actions = [], id, model } = {}) {
  const box = document.getElementById("notices");
  if (id) document.getElementById(id)?.remove();
  const note = h("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status", id, "data-test": "notice", "data-model": model },
    h("div", { class: "text" }, text),
    actions.map(([label, fn, cls]) => h("button", { class: cls || "", onclick: () => { note.remove(); fn(); } }, label)),
    h("button", { class: "link", title: "Dismiss", "aria-label": "Dismiss", onclick: () => note.remove() }, "✕"));
  box.append(note);
  if (timeout) setTimeout(() => note.remove(), timeout);
  return note;
}
function clearNotices() { clear(document.getElementById("notices")); }
function showError(err, prefix) {
  const message = err instanceof ApiError || err instanceof Error ? err.message : String(err);
  notify((prefix ? prefix + ": " : "") + message, "error");
}

function dialog({ title, body, buttons }) {
  const dlg = document.getElementById("dialog");
  clear(dlg);
  return new Promise((resolve) => {
    const done = (value) => { dlg.close(); resolve(value); };
    dlg.append(
      h("h2", {}, title),
      body,
      h("div", { class: "buttons" },
        buttons.map(([label, value, cls]) => h("button", { class: cls || "", "data-test": `dialog-${slug(label)}`, onclick: () => done(value) }, label)))
    );
    dlg.onclose = () => resolve(dlg.returnValue === "" ? null : null);
    dlg.oncancel = () => resolve(null);
    dlg.showModal();
    const input = dlg.querySelector("input");
    if (input) { input.focus(); input.select(); }
  });
}
async function confirmDialog(title, text, yes = "Delete", cls = "danger solid") {
  return (await dialog({ title, body: h("p", {}, text), buttons: [["Cancel", false], [yes, true, cls]] })) === true;
}
async function promptDialog(title, label, value) {
  const input = h("input", { type: "text", value, "aria-label": label, style: "width:100%" });
  const form = h("form", { onsubmit: (e) => { e.preventDefault(); document.getElementById("dialog").close(); } },
    h("label", { class: "field" }, h("span", { class: "name" }, label), input));
  const result = await dialog({ title, body: form, buttons: [["Cancel", false], ["OK", true, "primary"]] });
  if (result === false) return null;
  const text = input.value.trim();
  return text || null;
}

// ---------------------------------------------------------------------------------------------
// App state and routing
// ---------------------------------------------------------------------------------------------
const App = {
  limits: null,
  cases: null,
  page: null,      // the current page object (LibraryPage or ModelPage)
};

function route() {
  const hash = location.hash.replace(/^#\/?/, "");
  const parts = hash.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "model" && parts[1]) {
    if (App.page instanceof ModelPage && App.page.id === parts[1]) {
      App.page.show(parts[2] || App.page.section);
      return;
    }
    if (App.page instanceof ModelPage && !App.page.leave()) return;
    App.page = new ModelPage(parts[1], parts[2]);
  } else {
    if (App.page instanceof ModelPage) App.page.leave();
    App.page = new LibraryPage();
  }
  App.page.start();
}

async function boot() {
  try {
    App.limits = await api("GET", "/api/limits");
  } catch (err) {
    clear(document.getElementById("app")).append(h("div", { class: "error-box" }, err.message));
    return;
  }
  window.addEventListener("hashchange", route);
  route();
}

function setCrumbs(...items) {
  const nav = clear(document.getElementById("crumbs"));
  nav.append(h("a", { href: "#/" }, "Library"));
  for (const item of items) nav.append(h("span", { class: "sep" }, "›"), h("span", { class: "current" }, item));
}
function setTopRight(...items) { clear(document.getElementById("topbar-right")).append(...items); }

// ---------------------------------------------------------------------------------------------
// Library: saved models and bundled cases
// ---------------------------------------------------------------------------------------------
const STARTER = {
  format: "detente/1",
  name: "New model",
  options: [{ name: "option_1" }],
  decision_makers: [{ name: "DM_1", options: ["option_1"], preferences: { prioritization: ["option_1"] } }],
};

class LibraryPage {
  start() {
    setCrumbs();
    setTopRight(h("a", { class: "button", href: "/api/docs", target: "_blank", rel: "noopener" }, "API"));
    document.title = "detente workbench";
    this.root = clear(document.getElementById("app"));
    this.render();
    this.load();
  }
  async load() {
    try {
      const [models, cases] = await Promise.all([api("GET", "/api/models"), App.cases || api("GET", "/api/cases")]);
      App.cases = cases;
      this.models = models;
      this.render();
    } catch (err) { showError(err); }
  }
  render() {
    const root = clear(this.root);
    const fileInput = h("input", { type: "file", accept: ".yaml,.yml,.json,.gmcr", class: "hidden", "data-test": "import-file",
      onchange: (e) => this.importFile(e.target.files[0], e.target) });
    root.append(
      h("div", { class: "lib-head" },
        h("h1", {}, "Your models"),
        h("button", { class: "primary", "data-test": "new-model", onclick: () => this.createNew() }, "+ New model"),
        h("button", { "data-test": "import", onclick: () => fileInput.click() }, "Import file…"),
        fileInput),
      h("p", { class: "help" },
        "Build a conflict as decision makers, the options they control and their preferences; then ask which states are stable, how the conflict can move from the status quo, and which strategy leads where. ",
        "Start from a bundled case below or a new model. Import reads detente YAML/JSON and gmcr-py .gmcr files."),
      this.modelTable(),
      h("h2", {}, "Bundled cases"),
      h("p", { class: "help" }, "Opening a case saves a copy in your models, which you can change freely."),
      h("div", { class: "cases" }, (App.cases || []).map((c) => h("div", { class: "card case", "data-test": `case-${c.name}` },
        h("h3", {}, c.title),
        h("p", {}, c.description || ""),
        h("div", { class: "small muted" }, `${plural(c.n_dms, "decision maker")}, ${plural(c.n_options, "option")}`),
        h("div", { class: "row" }, h("button", { class: "primary", "data-test": `open-case-${c.name}`, onclick: () => this.openCase(c) }, "Open a copy"))))));
  }
  modelTable() {
    if (!this.models) return h("p", { class: "loading" }, "Loading…");
    if (!this.models.length) return h("div", { class: "card empty", "data-test": "no-models" }, "No saved models yet: open a bundled case, import a file or create a new model.");
    return h("div", { class: "table-wrap" }, h("table", { "data-test": "model-table" },
      h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", { class: "num" }, "Decision makers"), h("th", { class: "num" }, "Options"),
        h("th", { class: "num" }, "Feasible states"), h("th", {}, "Last saved"), h("th", {}, ""))),
      h("tbody", {}, this.models.map((m) => h("tr", { "data-test": "model-row", "data-id": m.id },
        h("td", {}, h("a", { href: `#/model/${m.id}`, "data-test": "model-link" }, m.name), m.description ? h("div", { class: "small muted" }, m.description.slice(0, 140)) : null),
        h("td", { class: "num" }, fmt(m.n_dms)), h("td", { class: "num" }, fmt(m.n_options)), h("td", { class: "num" }, fmt(m.n_states)),
        h("td", {}, when(m.updated), h("div", { class: "small muted" }, `version ${m.version}`)),
        h("td", { class: "actions" }, h("div", { class: "row nowrap" },
          h("button", { "data-test": "rename", onclick: () => this.rename(m) }, "Rename"),
          h("button", { "data-test": "duplicate", onclick: () => this.duplicate(m) }, "Duplicate"),
          h("button", { "data-test": "export-yaml", onclick: () => this.exportModel(m, "yaml") }, "YAML ⤓"),
          h("button", { "data-test": "export-json", onclick: () => this.exportModel(m, "json") }, "JSON ⤓"),
          h("button", { class: "danger", "data-test": "delete", onclick: () => this.remove(m) }, "Delete"))))))));
  }
  async createNew() {
    try {
      const record = await api("POST", "/api/models", { model: STARTER });
      location.hash = `#/model/${record.id}/options`;
    } catch (err) { showError(err); }
  }
  async openCase(c) {
    try {
      const record = await api("POST", `/api/cases/${encodeURIComponent(c.name)}/copy`);
      notify(`Saved a copy of “${c.title}” in your models.`);
      location.hash = `#/model/${record.id}`;
    } catch (err) { showError(err); }
  }
  async importFile(file, input) {
    if (!file) return;
    try {
      const content = await file.text();
      const record = await api("POST", "/api/import", { content, filename: file.name });
      notify(`Imported “${record.name}” from ${file.name}.`);
      location.hash = `#/model/${record.id}`;
    } catch (err) {
      showError(err, `Cannot import ${file.name}`);
    } finally { input.value = ""; }
  }
  async rename(m) {
    const name = await promptDialog("Rename model", "New name", m.name);
    if (!name || name === m.name) return;
    try {
      await api("PATCH", `/api/models/${m.id}`, { name, version: m.version });
      this.load();
    } catch (err) { showError(err, "Cannot rename"); this.load(); }
  }
  async duplicate(m) {
    try {
      const record = await api("POST", `/api/models/${m.id}/duplicate`, {});
      notify(`Saved “${record.name}”.`);
      this.load();
    } catch (err) { showError(err, "Cannot duplicate"); }
  }
  async exportModel(m, format) {
    try {
      const headers = TOKEN ? { Authorization: `Bearer ${TOKEN}` } : {};
      const response = await fetch(`/api/models/${m.id}/export?format=${format}`, { headers });
      if (!response.ok) throw new ApiError(response.status, await response.json());
      download(`${slug(m.name)}.${format}`, await response.text(), format === "json" ? "application/json" : "application/yaml");
    } catch (err) { showError(err, "Cannot export"); }
  }
  async remove(m) {
    if (!(await confirmDialog("Delete model?", `Delete “${m.name}”? This cannot be undone.`))) return;
    try {
      await api("DELETE", `/api/models/${m.id}`);
      removeAllDrafts(m.id);
      notify(`Deleted “${m.name}”.`);
      this.load();
    } catch (err) { showError(err, "Cannot delete"); }
  }
}
// Drafts are kept per browser tab: sessionStorage names the tab (a reload keeps the name, a
// new tab gets its own), so two tabs on one model never overwrite each other's unsaved work.
// A closed tab's draft stays in localStorage and is offered when the model is opened again.
const TAB_ID = (() => {
  let id = null;
  try { id = sessionStorage.getItem("detente-tab"); } catch { /* storage is off */ }
  if (!id) {
    id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    try { sessionStorage.setItem("detente-tab", id); } catch { /* storage is off */ }
  }
  return id;
})();
function draftKey(id) { return `detente:draft:${id}:${TAB_ID}`; }
/** Drafts of model ``id`` that other tabs left (``tab`` names the tab), newest first; the
 * key without a tab is the single draft earlier versions kept. */
function otherDrafts(id) {
  const prefix = `detente:draft:${id}:`;
  const single = `detente:draft:${id}`;
  const found = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (!key || key === draftKey(id) || !(key.startsWith(prefix) || key === single)) continue;
    try {
      const draft = JSON.parse(localStorage.getItem(key));
      if (draft && draft.doc) found.push({ ...draft, key, tab: key.slice(prefix.length) || null });
    } catch { /* not a draft */ }
  }
  return found.sort((a, b) => (b.at || 0) - (a.at || 0));
}
function removeAllDrafts(id) {
  for (const draft of otherDrafts(id)) localStorage.removeItem(draft.key);
  localStorage.removeItem(draftKey(id));
  localStorage.removeItem(sessionKey(id));
}
/** What a model page keeps across reloads besides the draft: its analyses' settings and the
 * jobs it started (re-attached, or answered from the server's result cache, on reload). */
function sessionKey(id) { return `detente:session:${id}`; }
/** Tabs of this browser tell each other which models they show and when they save. */
const CHANNEL = typeof BroadcastChannel === "function" ? new BroadcastChannel("detente-workbench") : null;

/** JSON with object keys sorted: two documents are the same exactly when these are equal. */
function canon(value) {
  return JSON.stringify(value, (key, v) => (v && typeof v === "object" && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));
}
function isPlainObject(x) { return !!x && typeof x === "object" && !Array.isArray(x); }
/** Three-way merge of two edits of ``base``, field by field (as version control merges
 * text line by line): a field only one side changed takes that side's value; a field both
 * changed to different values is a conflict (kept as ``mine`` until the user chooses).
 * Objects merge key by key; lists of the same length item by item; other lists whole. */
function merge3(base, mine, theirs, path = [], conflicts = []) {
  if (canon(mine) === canon(theirs) || canon(theirs) === canon(base)) return { value: clone(mine), conflicts };
  if (canon(mine) === canon(base)) return { value: clone(theirs), conflicts };
  if (isPlainObject(mine) && isPlainObject(theirs) && (base === undefined || isPlainObject(base))) {
    const value = {};
    for (const key of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
      const merged = merge3(base?.[key], mine[key], theirs[key], [...path, key], conflicts).value;
      if (merged !== undefined) value[key] = merged;
    }
    return { value, conflicts };
  }
  if (Array.isArray(mine) && Array.isArray(theirs) && Array.isArray(base) && mine.length === theirs.length && base.length === mine.length) {
    return { value: mine.map((item, k) => merge3(base[k], item, theirs[k], [...path, k], conflicts).value), conflicts };
  }
  conflicts.push({ path, mine: clone(mine), theirs: clone(theirs) });
  return { value: clone(mine), conflicts };
}
/** A place in a model document in the user's terms: "decision makers › “US” › statement 2". */
function describePath(doc, path) {
  const parts = [];
  path.forEach((key, i) => {
    if (typeof key !== "number") { parts.push(String(key).replace(/_/g, " ")); return; }
    const item = getPath(doc, path.slice(0, i + 1));
    const kind = path[i - 1] === "prioritization" ? "statement" : "item";
    parts.push(isPlainObject(item) && item.name ? `“${item.name}”` : `${kind} ${key + 1}`);
  });
  return parts.join(" › ") || "the whole model";
}
function shortValue(value) {
  if (value === undefined || value === null || value === "") return "(empty)";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

// ---------------------------------------------------------------------------------------------
// Model documents: small helpers over detente/1 data
// ---------------------------------------------------------------------------------------------
function optionTop(option) {
  const levels = option ? option.levels : null;
  if (levels === undefined || levels === null || levels === "") return 1;
  if (typeof levels === "number") return Math.max(1, levels);
  const m = String(levels).match(/^\s*0\s*\.\.\s*(\d+)\s*$/);
  if (m) return Math.max(1, +m[1]);
  if (/^\s*\d+\s*$/.test(String(levels))) return Math.max(1, +levels);
  return 1;
}
function readValue(raw) {
  if (raw === true) return 1;
  if (raw === false) return 0;
  if (typeof raw === "number") return raw;
  if (typeof raw === "string") {
    const t = raw.trim().toUpperCase();
    if (t === "Y" || t === "YES" || t === "TRUE") return 1;
    if (t === "N" || t === "NO" || t === "FALSE") return 0;
    if (/^\d+$/.test(t)) return +t;
  }
  return null;
}
function writeValue(value, top) { return top === 1 ? (value ? "Y" : "N") : value; }
function valueName(value, top) { return top === 1 ? (value ? "Y" : "N") : String(value); }
function optionNames(doc) { return (doc.options || []).map((o) => (o && typeof o.name === "string" ? o.name : "")); }
function dmNames(doc) { return (doc.decision_makers || []).map((d) => (d && typeof d.name === "string" ? d.name : "")); }
function labelTokens(label, options) {
  if (typeof label !== "string") return null;
  const text = label.trim();
  const tokens = /[.\s,/]/.test(text) ? text.split(/[.\s,/]+/).filter(Boolean) : text.split("");
  return tokens.length === options.length ? tokens : null;
}
/** A state written as a mapping {option: value}, from a label, mapping or (via states) number. */
function stateMapping(ref, doc, states) {
  const options = doc.options || [];
  if (ref && typeof ref === "object" && !Array.isArray(ref)) return { ...ref };
  let label = ref;
  if (typeof ref === "number" && states) label = (states.find((st) => st.id === ref) || {}).label;
  const tokens = labelTokens(label, options);
  if (!tokens) return null;
  const out = {};
  tokens.forEach((t, k) => {
    const v = readValue(t);
    if (v !== null && options[k]) out[options[k].name] = writeValue(v, optionTop(options[k]));
  });
  return out;
}
function getPath(obj, path) {
  let node = obj;
  for (const key of path) {
    if (node === null || node === undefined) return undefined;
    node = node[key];
  }
  return node;
}
function setPath(obj, path, value) {
  let node = obj;
  path.slice(0, -1).forEach((key, i) => {
    if (node[key] === null || typeof node[key] !== "object") node[key] = typeof path[i + 1] === "number" ? [] : {};
    node = node[key];
  });
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last, 1);
    else delete node[last];
  } else node[last] = value;
}
function locKey(loc) { return loc.join("."); }
function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
/** The concept names typed in a "more concepts" field: separated by commas or spaces
 * outside parentheses ("(0.7,0.5)-GMR" is one), or by semicolons when a per-DM assignment
 * ("US=SEQ, *=Nash") is among them. */
function conceptEntries(text) {
  if (text.includes("=")) return text.split(";").map((t) => t.trim()).filter(Boolean);
  const out = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth += 1;
    if (ch === ")") depth = Math.max(0, depth - 1);
    if (depth === 0 && /[\s,;]/.test(ch)) { if (current) out.push(current); current = ""; } else current += ch;
  }
  if (current) out.push(current);
  return out;
}
function renameInStatement(text, from, to) {
  if (typeof text !== "string" || !from) return text;
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(to) ? to : `'${to}'`;
  return text
    .replace(new RegExp(`'${escapeRegExp(from)}'`, "g"), plain)
    .replace(new RegExp(`(^|[^A-Za-z0-9_'])${escapeRegExp(from)}(?![A-Za-z0-9_'])`, "g"), (m, pre) => pre + plain);
}
function sectionOfLoc(loc) {
  const head = loc[0];
  if (head === "options") return "options";
  if (head === "decision_makers") return loc[2] === "alternatives" || loc[2] === "uncertain_order" ? "uncertainty" : "dms";
  if (head === "infeasible" || head === "merge") return "feasibility";
  if (head === "status_quo") return "status";
  if (head === "outcomes") return "outcomes";
  if (head === "strategies") return "strategies";
  if (head === "perceptions") return "perceptions";
  return "overview";
}

const EDIT_SECTIONS = [
  ["overview", "Overview"], ["options", "Options"], ["dms", "Decision makers"], ["feasibility", "Feasibility"],
  ["status", "Status quo"], ["outcomes", "Outcomes"], ["strategies", "Strategies"], ["perceptions", "Perceptions"],
  ["uncertainty", "Uncertain preferences"], ["yaml", "YAML"],
];
const RESULT_SECTIONS = [
  ["stability", "Stability"], ["paths", "Status quo paths"], ["coalitions", "Coalitions"], ["compare", "Strategy comparison"],
  ["hypergame", "Misperception"], ["probabilities", "Uncertainty analysis"], ["inverse", "Inverse analysis"], ["report", "Report"],
];
const CONCEPTS = ["Nash", "GMR", "SMR", "SEQ", "SIM", "SEQSIM"];
const MOVES = [["improvements", "unilateral improvements"], ["any", "any unilateral moves"], ["coalitions", "improvements, coalitions too"]];

// ---------------------------------------------------------------------------------------------
// The model page: editor, live validation, drafts, saving, analyses
// ---------------------------------------------------------------------------------------------
class ModelPage {
  constructor(id, section) {
    this.id = id;
    this.section = section || "overview";
    this.doc = null;
    this.version = null;
    this.savedKey = null;
    this.validation = null;
    this.validateSeq = 0;
    this.results = {};
    this.jobs = {};
    this.params = {};
    this.yamlText = null;
    this.yamlDocKey = null;
    this.explainState = null;
    this.scheduleValidate = debounce(() => this.validate(), 250);
    this.saveDraft = debounce(() => this.writeDraft(), 300);
    this.base = null;          // the saved document the edits started from (for merging)
    this.undoStack = [];       // earlier documents, as JSON, most recent last
    this.redoStack = [];
    this.snapshot = null;      // the document as JSON when it was last remembered
    this.lastEditAt = 0;
    this.jobRecords = {};      // slot -> { kind, params, key } of the jobs this page started
    this.otherTabs = new Set();
    this.onKey = (e) => {
      const key = e.key.toLowerCase();
      if ((e.ctrlKey || e.metaKey) && key === "s") { e.preventDefault(); this.save(); }
      if (e.key === "Escape" && this.explainState) { this.explainState = null; this.paintExplain(); }
      // The YAML editor keeps the browser's own undo, which knows its text.
      if ((e.ctrlKey || e.metaKey) && (key === "z" || key === "y") && !e.target?.closest?.("[data-yaml-editor]")) {
        e.preventDefault();
        if (key === "y" || e.shiftKey) this.redo(); else this.undo();
      }
    };
    this.onMessage = (e) => this.heard(e.data || {});
    this.onUnload = () => { this.saveDraft.flush(); this.writeSession(); };
  }

  // -- lifecycle ----------------------------------------------------------------------------------
  async start() {
    this.root = clear(document.getElementById("app"));
    this.root.append(h("p", { class: "loading" }, "Loading the model…"));
    document.addEventListener("keydown", this.onKey);
    let record;
    try {
      record = await api("GET", `/api/models/${encodeURIComponent(this.id)}`);
    } catch (err) {
      clear(this.root).append(h("div", { class: "error-box" }, err.message, " ", h("a", { href: "#/" }, "Back to the library")));
      return;
    }
    this.loaded(record);
    const draft = this.readDraft();
    if (draft && canon(draft.doc) !== canon(record.model)) this.restore(draft, record);
    this.restoreSession();
    window.addEventListener("beforeunload", this.onUnload);
    CHANNEL?.addEventListener("message", this.onMessage);
    CHANNEL?.postMessage({ type: "open", model: this.id, tab: TAB_ID });
    this.layout();
    this.validate();
    this.resumeJobs();
    // Drafts left by tabs that are closed now; open tabs answer "here" within milliseconds.
    if (!draft) setTimeout(() => this.offerOtherDrafts(record), 400);
  }
  /** Put a draft (this tab's, or a closed tab's) back on the page, saying so. */
  restore(draft, record, { fromOtherTab = false } = {}) {
    this.doc = draft.doc;
    this.base = draft.base ?? (draft.version === record.version ? clone(record.model) : null);
    this.version = draft.version;
    this.yamlText = draft.yaml ?? null;
    this.yamlDocKey = draft.yaml ? JSON.stringify(draft.doc) : null;
    this.snapshot = JSON.stringify(this.doc);
    const discard = () => {
      if (this.left) return;
      localStorage.removeItem(draftKey(this.id));
      this.loaded(record);
      this.yamlText = null;
      this.changed(true);
    };
    const whose = fromOtherTab ? "the unsaved changes of another tab" : "your unsaved changes";
    const at = new Date(draft.at).toLocaleString();
    if (draft.version === record.version) {
      notify(`Restored ${whose} from ${at}.`, "warn", { actions: [["Discard them", discard]], id: "draft-note", model: this.id });
    } else {
      notify(`Restored ${whose} from ${at}. They are based on version ${draft.version}, but the model was saved elsewhere since (now version ${record.version}); saving will merge them with it, field by field.`, "warn",
        { actions: [["Discard them", discard]], id: "draft-note", model: this.id });
    }
  }
  offerOtherDrafts(record) {
    if (this.left || this.dirty) return;
    const open = (d) => d.tab && this.otherTabs.has(d.tab);
    const other = otherDrafts(this.id).find((d) => !open(d) && canon(d.doc) !== canon(record.model));
    if (!other) return;
    notify(`This browser has unsaved changes to this model from a tab that was closed (${new Date(other.at).toLocaleString()}).`, "warn", {
      id: "draft-note", model: this.id, actions: [
        ["Restore them here", () => {
          if (this.left) return;
          localStorage.removeItem(other.key);
          this.restore(other, record, { fromOtherTab: true });
          this.writeDraft();
          this.layout();
          this.validate();
        }],
        ["Discard them", () => localStorage.removeItem(other.key)],
      ] });
  }
  /** Messages from this browser's other tabs. */
  heard(message) {
    if (this.left || message.model !== this.id || message.tab === TAB_ID) return;
    if (message.type === "open") CHANNEL?.postMessage({ type: "here", model: this.id, tab: TAB_ID });
    if (message.type === "open" || message.type === "here") {
      this.otherTabs.add(message.tab);
      notify("This model is also open in another tab. Each tab keeps its own unsaved changes; a save merges them with the other tab's, field by field.", "warn", { id: "other-tab-note", model: this.id, timeout: 10000 });
    } else if (message.type === "closed") {
      this.otherTabs.delete(message.tab);
    } else if (message.type === "saved" && message.version > (this.record?.version ?? 0)) {
      if (!this.dirty) {
        this.reloadSaved();
        notify(`Saved in another tab: this tab now shows version ${message.version}.`, "ok", { id: "other-save-note", model: this.id });
      } else {
        notify(`This model was saved in another tab (version ${message.version}). Your unsaved changes are kept; saving will merge them with it.`, "warn", { id: "other-save-note", model: this.id });
      }
    }
  }
  leave() {
    document.removeEventListener("keydown", this.onKey);
    window.removeEventListener("beforeunload", this.onUnload);
    CHANNEL?.removeEventListener("message", this.onMessage);
    CHANNEL?.postMessage({ type: "closed", model: this.id, tab: TAB_ID });
    for (const job of Object.values(this.jobs)) clearTimeout(job.timer);
    this.saveDraft.flush();
    this.writeSession();
    this.left = true;
    for (const note of document.querySelectorAll(`#notices [data-model]`)) note.remove();
    return true;
  }
  loaded(record) {
    this.record = record;
    this.doc = clone(record.model);
    this.base = clone(record.model);
    this.version = record.version;
    this.savedKey = JSON.stringify(record.model);
    this.snapshot = JSON.stringify(this.doc);
  }
  get dirty() { return JSON.stringify(this.doc) !== this.savedKey; }
  readDraft() {
    try { return JSON.parse(localStorage.getItem(draftKey(this.id)) || "null"); } catch { return null; }
  }
  writeDraft() {
    if (!this.doc) return;
    if (!this.dirty && !this.yamlText) { localStorage.removeItem(draftKey(this.id)); return; }
    try {
      localStorage.setItem(draftKey(this.id), JSON.stringify({ doc: this.doc, base: this.base, version: this.version, yaml: this.section === "yaml" ? this.yamlText : null, at: Date.now() }));
    } catch { /* storage full: the edit stays on the page */ }
  }
  writeSession() {
    try {
      localStorage.setItem(sessionKey(this.id), JSON.stringify({ params: this.params, jobs: this.jobRecords, at: Date.now() }));
    } catch { /* storage full: settings stay on the page */ }
  }
  restoreSession() {
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(sessionKey(this.id)) || "null"); } catch { /* none */ }
    if (!saved) return;
    if (isPlainObject(saved.params)) this.params = saved.params;
    if (isPlainObject(saved.jobs)) this.jobRecords = saved.jobs;
  }
  /** After a reload: every job this page had started on the same model comes back, attached
   * to the running job (the server answers an identical request with it) or answered at once
   * from the server's cache of finished results. */
  resumeJobs() {
    const key = this.docKey();
    for (const [slot, record] of Object.entries(this.jobRecords)) {
      if (record.key !== key) { delete this.jobRecords[slot]; continue; }
      this.runJob(slot, record.kind, record.params, null, { resumed: true });
    }
  }

  // -- undo and redo ------------------------------------------------------------------------------
  /** Remember the document before an edit; keystrokes within a moment are one edit. */
  remember(structural) {
    const now = JSON.stringify(this.doc);
    if (now === this.snapshot) return;
    const burst = !structural && Date.now() - this.lastEditAt < 800;
    if (!burst && this.snapshot !== null) {
      this.undoStack.push(this.snapshot);
      if (this.undoStack.length > 200) this.undoStack.shift();
    }
    this.redoStack = [];
    this.snapshot = now;
    this.lastEditAt = structural ? 0 : Date.now();
  }
  undo() { this.travel(this.undoStack, this.redoStack); }
  redo() { this.travel(this.redoStack, this.undoStack); }
  travel(from, to) {
    if (!from.length) return;
    const focused = document.activeElement?.dataset?.loc;
    to.push(JSON.stringify(this.doc));
    this.doc = JSON.parse(from.pop());
    this.snapshot = JSON.stringify(this.doc);
    this.lastEditAt = 0;
    this.yamlText = null;
    this.scheduleValidate();
    this.saveDraft();
    this.renderHead();
    this.renderSection();
    if (focused) this.body.querySelector(`[data-loc="${focused}"]`)?.focus();
  }

  // -- layout -------------------------------------------------------------------------------------
  layout() {
    const root = clear(this.root);
    this.sidebar = h("nav", { class: "sidebar", "aria-label": "Model sections" });
    this.main = h("section", { class: "model-main" });
    this.head = h("div", { class: "model-bar" });
    this.problemsBox = h("div", { "data-test": "problems" });
    this.body = h("div", { class: "section-body" });
    this.explainBox = h("div");
    this.main.append(this.head, this.problemsBox, this.body);
    root.append(h("div", { class: "model-page" }, this.sidebar, this.main), this.explainBox);
    this.renderHead();
    this.renderSidebar();
    this.renderSection();
  }
  show(section) {
    if (section && section !== this.section) {
      if (this.section === "yaml") this.leaveYaml();
      this.section = section;
      this.renderSidebar();
      this.renderSection();
      window.scrollTo(0, 0);
    }
  }
  go(section) { location.hash = `#/model/${this.id}/${section}`; }
  renderHead() {
    const name = this.doc.name || "Untitled model";
    document.title = `${name} — detente workbench`;
    setCrumbs(name);
    const v = this.validation;
    const count = v && v.n_states !== undefined && v.n_states !== null
      ? h("span", { class: "count", "data-test": "state-count" }, h("b", {}, fmt(v.n_states)), ` feasible ${v.n_states === 1 ? "state" : "states"}`,
        h("span", { class: "muted small" }, ` of ${fmt(v.n_combinations)} combinations`))
      : h("span", { class: "count muted", "data-test": "state-count" }, v ? "feasible states: cannot count yet" : "checking…");
    const problems = v ? v.errors.length : 0;
    const pill = !v ? h("span", { class: "status-pill info" }, "checking…")
      : problems ? h("span", { class: "status-pill bad", "data-test": "validity" }, `${plural(problems, "problem")}`)
        : h("span", { class: "status-pill ok", "data-test": "validity" }, "✓ valid");
    const dirty = this.dirty;
    put(clear(this.head), 
      h("h1", {}, name),
      count,
      h("span", { class: `save-state ${dirty ? "dirty" : ""}`, "data-test": "save-state" }, dirty ? "unsaved changes" : `saved · version ${this.version}`),
      h("button", { class: "icon", "data-test": "undo", title: "Undo (Ctrl+Z)", "aria-label": "Undo", disabled: !this.undoStack.length, onclick: () => this.undo() }, "↶"),
      h("button", { class: "icon", "data-test": "redo", title: "Redo (Ctrl+Shift+Z)", "aria-label": "Redo", disabled: !this.redoStack.length, onclick: () => this.redo() }, "↷"),
      h("button", { class: "primary", "data-test": "save", disabled: !dirty, title: "Save (Ctrl+S)", onclick: () => this.save() }, "Save"));
    setTopRight(pill, h("a", { class: "button", href: "/api/docs", target: "_blank", rel: "noopener" }, "API"));
  }
  renderSidebar() {
    const counts = {};
    for (const e of this.validation?.errors || []) {
      const sec = sectionOfLoc(e.loc);
      counts[sec] = (counts[sec] || 0) + 1;
    }
    // A result's slot is not always its section's name ("uncertainty" results belong to the
    // Uncertainty analysis section, not to the Uncertain preferences editor).
    const withResults = new Set(Object.keys(this.results).flatMap((slot) =>
      RESULT_SECTIONS.map(([key]) => key).filter((key) => this.slotsOf(key).includes(slot))));
    const link = ([key, title]) => h("a", { href: `#/model/${this.id}/${key}`, class: key === this.section ? "active" : "", "data-test": `nav-${key}` },
      h("span", {}, title), counts[key] ? h("span", { class: "badge" }, counts[key]) : withResults.has(key) ? h("span", { class: "badge done", title: "has results" }, "✓") : null);
    put(clear(this.sidebar), h("h4", {}, "Model"), EDIT_SECTIONS.map(link), h("h4", {}, "Analysis"), RESULT_SECTIONS.map(link));
  }
  renderSection() {
    const body = clear(this.body);
    const render = this[`section_${this.section}`];
    if (!render) { body.append(h("p", {}, "Unknown section. ", h("a", { href: `#/model/${this.id}` }, "Overview"))); return; }
    try {
      put(body, render.call(this));
      this.paintLive();
      this.paintJobs();
      this.paintExplain();
    } catch (err) {
      console.error(err);
      body.append(h("div", { class: "error-box" }, "This part of the model cannot be shown in the form (", String(err.message || err), "). Use the YAML section to edit it."));
    }
    this.markErrors();
  }

  // -- editing --------------------------------------------------------------------------------------
  /** Apply a change to the document; re-render the section if its structure changed. */
  changed(structural = false) {
    this.remember(structural);
    this.scheduleValidate();
    this.saveDraft();
    this.renderHead();
    if (structural) this.renderSection();
  }
  edit(fn, structural = true) {
    fn(this.doc);
    this.changed(structural);
  }
  set(path, value, structural = false) {
    setPath(this.doc, path, value);
    this.changed(structural);
  }
  /** A text input bound to a path of the document. */
  input(path, { placeholder, cls, mono, optional, onchange, label, type = "text", numeric, style } = {}) {
    const current = getPath(this.doc, path);
    const el = h("input", {
      type, class: cls || (mono ? "mono" : ""), placeholder, style, "data-loc": locKey(path), "aria-label": label || path[path.length - 1],
      value: current === undefined || current === null ? "" : String(current),
    });
    el.addEventListener("input", () => {
      let value = el.value;
      if (numeric) value = value.trim() === "" ? undefined : Number(value);
      if (optional && value === "") value = undefined;
      this.set(path, value);
    });
    if (onchange) el.addEventListener("change", onchange);
    return el;
  }
  textarea(path, { rows = 2, placeholder, label } = {}) {
    const el = h("textarea", { rows, placeholder, "data-loc": locKey(path), "aria-label": label || path[path.length - 1] });
    el.value = getPath(this.doc, path) ?? "";
    el.addEventListener("input", () => this.set(path, el.value === "" ? undefined : el.value));
    return el;
  }
  field(title, control, help) {
    return h("label", { class: "field" }, h("span", { class: "name" }, title), control, help ? h("span", { class: "help" }, help) : null);
  }
  /** Buttons to move or remove item k of the list at path. */
  listTools(path, k, { what = "item", confirmText } = {}) {
    const list = getPath(this.doc, path) || [];
    const move = (d) => this.edit(() => { const [x] = list.splice(k, 1); list.splice(k + d, 0, x); });
    return [
      h("button", { class: "icon", title: `Move ${what} up`, "aria-label": `Move ${what} up`, disabled: k === 0, onclick: () => move(-1) }, "▲"),
      h("button", { class: "icon", title: `Move ${what} down`, "aria-label": `Move ${what} down`, disabled: k === list.length - 1, onclick: () => move(1) }, "▼"),
      h("button", { class: "icon danger", title: `Remove ${what}`, "aria-label": `Remove ${what}`, "data-test": "remove",
        onclick: async () => {
          if (confirmText && !(await confirmDialog(`Remove ${what}?`, confirmText, "Remove"))) return;
          this.edit(() => list.splice(k, 1));
        } }, "✕"),
    ];
  }
  /** An editable list of statements (prioritization, most important first). */
  statementList(path, { what = "statement", empty } = {}) {
    const list = getPath(this.doc, path);
    const items = Array.isArray(list) ? list : [];
    const rows = items.map((text, k) => h("div", { class: "statement-wrap" },
      h("div", { class: "statement", "data-test": "statement" },
        h("span", { class: "num" }, `${k + 1}.`),
        this.input([...path, k], { mono: true, placeholder: "e.g. not strike, talks iff assurance, sanctions >= 6", label: `${what} ${k + 1}` }),
        this.listTools(path, k, { what }))));
    const add = h("button", { "data-test": "add-statement", onclick: () => {
      this.edit(() => { if (!Array.isArray(getPath(this.doc, path))) setPath(this.doc, path, []); getPath(this.doc, path).push(""); });
      const inputs = this.body.querySelectorAll(`[data-loc="${locKey([...path, items.length])}"]`);
      if (inputs.length) inputs[0].focus();
    } }, `+ Add ${what}`);
    return h("div", { class: "statements", "data-loc": locKey(path) },
      rows.length ? rows : h("div", { class: "muted small" }, empty || "No statements yet."), h("div", { class: "row" }, add));
  }
  statementHelp() {
    const names = optionNames(this.doc).filter(Boolean);
    return h("p", { class: "help" }, "Statements use option names with ", h("code", {}, "not"), ", ", h("code", {}, "and"), ", ", h("code", {}, "or"), ", ",
      h("code", {}, "A if B"), ", ", h("code", {}, "iff"), ", parentheses, and for dials ", h("code", {}, "sanctions >= 6"), ". Options: ",
      names.map((n, i) => [i ? ", " : "", h("code", {}, n)]), ".");
  }
  valueSelect(option, current, onchange, { any = null, label } = {}) {
    const top = optionTop(option);
    const values = Array.from({ length: top + 1 }, (_, v) => v);
    const sel = h("select", { class: "value-select", "aria-label": label || option.name },
      any !== null ? h("option", { value: "", selected: current === null || current === undefined }, any) : null,
      values.map((v) => h("option", { value: String(v), selected: current !== null && current !== undefined && readValue(current) === v }, valueName(v, top))));
    sel.addEventListener("change", () => onchange(sel.value === "" ? null : writeValue(Number(sel.value), top)));
    return sel;
  }

  // -- live validation --------------------------------------------------------------------------------
  async validate() {
    const seq = ++this.validateSeq;
    const useText = this.section === "yaml" && this.yamlText !== null && this.yamlPending;
    const limit = this.rankingLimit || 15;
    const body = useText ? { text: this.yamlText, format: "yaml", ranking_limit: limit } : { model: this.doc, ranking_limit: limit };
    let result;
    try {
      result = await api("POST", "/api/validate", body);
    } catch (err) {
      if (seq === this.validateSeq) notify(`Cannot check the model: ${err.message}`, "error", { id: "validate-error" });
      return;
    }
    if (seq !== this.validateSeq || this.left) return;
    document.getElementById("validate-error")?.remove();
    if (useText) {
      this.yamlPending = false;
      if (result.document) {
        this.doc = result.document;
        this.yamlDocKey = JSON.stringify(this.doc);
        this.remember(false);
        this.saveDraft();
      }
    }
    this.validation = result;
    this.renderHead();
    this.renderSidebar();
    this.renderProblems();
    this.markErrors();
    this.paintLive();
    for (const button of this.body.querySelectorAll("[data-run]")) {
      button.disabled = !this.ready;
      button.title = this.ready ? "" : "Fix the model's problems first";
    }
  }
  renderProblems() {
    const box = clear(this.problemsBox);
    const errors = this.validation?.errors || [];
    if (!errors.length) return;
    box.append(h("div", { class: "card problems", role: "alert" },
      h("b", {}, errors.length === 1 ? "1 problem in the model" : `${errors.length} problems in the model`),
      h("span", { class: "muted small" }, " — your edits are kept; saving and analyses wait until these are fixed"),
      h("ul", {}, errors.map((e) => h("li", { "data-test": "problem" },
        h("button", { class: "link", onclick: () => this.focusError(e) }, e.where || (e.line ? `line ${e.line}` : "model")),
        e.line && this.section === "yaml" ? ` (line ${e.line})` : "", ": ", e.message)))));
  }
  focusError(e) {
    const target = sectionOfLoc(e.loc);
    if (this.section === "yaml" && e.line) { this.gotoLine(e.line); return; }
    if (target !== this.section) this.go(target);
    setTimeout(() => {
      const el = this.bestElement(e.loc);
      if (el) { el.scrollIntoView({ block: "center" }); if (el.focus) el.focus(); }
    }, 60);
  }
  bestElement(loc) {
    let best = null;
    let bestLength = -1;
    for (const el of this.body.querySelectorAll("[data-loc]")) {
      const parts = el.dataset.loc.split(".");
      if (parts.length > loc.length || parts.length <= bestLength) continue;
      if (parts.every((p, i) => p === String(loc[i]))) { best = el; bestLength = parts.length; }
    }
    return best;
  }
  markErrors() {
    if (!this.body) return;
    for (const el of this.body.querySelectorAll(".invalid")) el.classList.remove("invalid");
    for (const el of this.body.querySelectorAll(".field-message")) el.remove();
    if (this.section === "yaml") return;
    for (const e of this.validation?.errors || []) {
      if (sectionOfLoc(e.loc) !== this.section) continue;
      const el = this.bestElement(e.loc);
      if (!el) continue;
      el.classList.add("invalid");
      const message = h("div", { class: "field-message", "data-test": "field-error" }, e.message);
      const host = el.closest(".statement-wrap") || el.closest("td") || el.closest("label.field");
      if (host && host !== el) host.append(message);
      else el.after(message);
    }
  }
  /** Parts of the editor that show live facts (rankings, counts, status quo). */
  paintLive() {
    for (const el of this.body.querySelectorAll("[data-live]")) {
      const fn = this[`live_${el.dataset.live}`];
      if (fn) put(clear(el), fn.call(this, el));
    }
  }

  // -- saving -------------------------------------------------------------------------------------------
  async save({ version } = {}) {
    if (!this.dirty && version === undefined) return;
    if (!this.validation || this.validation.errors.length) {
      notify("The model has problems (listed above and marked in red); fix them before saving. Your edits are kept in this browser meanwhile.", "warn", { id: "save-note" });
      return;
    }
    try {
      const record = await api("PUT", `/api/models/${this.id}`, { model: this.doc, version: version ?? this.version });
      const undo = this.undoStack;
      const redo = this.redoStack;
      this.loaded(record);
      this.undoStack = undo;  // saving is not an edit: the history stays
      this.redoStack = redo;
      this.yamlText = null;
      localStorage.removeItem(draftKey(this.id));
      document.getElementById("draft-note")?.remove();
      CHANNEL?.postMessage({ type: "saved", model: this.id, tab: TAB_ID, version: record.version });
      notify(`Saved (version ${record.version}).`, "ok", { id: "save-note" });
      this.renderHead();
      if (this.section !== "yaml") this.renderSection();
      this.validate();
    } catch (err) {
      if (err.status === 409) await this.mergeWithSaved(err.message);
      else showError(err, "Not saved");
    }
  }
  /** The model was saved elsewhere since this page's edits started: merge the two edits
   * three-way, field by field, against the version both started from, and ask only about
   * the fields both changed. */
  async mergeWithSaved(message) {
    let current;
    try { current = await api("GET", `/api/models/${this.id}`); } catch (err) { showError(err, "Not saved"); return; }
    if (this.left) return;
    if (!this.base) {  // a draft from before merging was possible: no common version known
      notify(message, "error", { id: "save-note", model: this.id, actions: [
        ["Load the saved version (discard mine)", () => this.reloadSaved()],
        ["Save mine as a copy", () => this.saveAsCopy()],
        ["Overwrite with mine", () => this.save({ version: current.version }), "danger"],
      ] });
      return;
    }
    const { value, conflicts } = merge3(this.base, this.doc, current.model);
    if (conflicts.length) {
      const choice = await this.askConflicts(conflicts, current);
      if (choice === "reload") { this.reloadSaved(); return; }
      if (choice === "copy") { this.saveAsCopy(); return; }
      if (!choice) {
        notify("Not saved: your changes are kept here. Save again to choose how to merge them.", "warn", { id: "save-note", model: this.id });
        return;
      }
      for (const conflict of conflicts) if (choice.get(conflict) === "theirs") setPath(value, conflict.path, clone(conflict.theirs));
    }
    this.doc = value;
    this.base = clone(current.model);
    this.version = current.version;
    this.changed(true);
    const kept = conflicts.length ? "with your choices for the fields both changed" : "field by field; no field was changed on both sides";
    await this.save();
    if (!this.dirty) notify(`The model had been saved elsewhere (version ${current.version}); your changes were merged with it, ${kept}, and saved as version ${this.version}.`, "ok", { id: "save-note", model: this.id, timeout: 10000 });
  }
  /** The fields both sides changed, each with a choice between the two values; resolves to
   * a Map conflict -> "mine" | "theirs", "reload", "copy", or null (cancelled). */
  async askConflicts(conflicts, current) {
    const choice = new Map(conflicts.map((c) => [c, "mine"]));
    const rows = conflicts.map((c, k) => {
      const radio = (side, value) => h("label", { class: "inline merge-choice" },
        h("input", { type: "radio", name: `merge-${k}`, value: side, checked: side === "mine", "data-test": `merge-${side}`, onchange: () => choice.set(c, side) }),
        h("span", {}, side === "mine" ? "this tab's: " : `saved (version ${current.version}): `, h("code", {}, shortValue(value))));
      return h("li", { "data-test": "merge-conflict" }, h("b", {}, describePath(this.doc, c.path)), h("div", {}, radio("mine", c.mine)), h("div", {}, radio("theirs", c.theirs)));
    });
    const body = h("div", {},
      h("p", {}, `The model was saved elsewhere since your edits began (now version ${current.version}). Every field only one side changed is merged. `,
        conflicts.length === 1 ? "One field was changed on both sides; choose which value to keep:" : `${conflicts.length} fields were changed on both sides; choose which value to keep:`),
      h("ul", { class: "merge-list" }, rows));
    const answer = await dialog({ title: "Merge your changes", body, buttons: [
      ["Cancel", null], ["Load the saved version (discard mine)", "reload"], ["Save mine as a copy", "copy"], ["Save the merge", "merge", "primary"]] });
    return answer === "merge" ? choice : answer;
  }
  async reloadSaved() {
    try {
      const record = await api("GET", `/api/models/${this.id}`);
      if (this.left) return;
      const undo = this.undoStack;
      if (this.dirty) undo.push(JSON.stringify(this.doc));  // the discarded edits can come back
      this.loaded(record);
      this.undoStack = undo;
      this.yamlText = null;
      localStorage.removeItem(draftKey(this.id));
      this.layout();
      this.validate();
    } catch (err) { showError(err); }
  }
  async saveAsCopy() {
    try {
      const doc = { ...clone(this.doc), name: `${this.doc.name || "Untitled model"} (my copy)` };
      const record = await api("POST", "/api/models", { model: doc });
      localStorage.removeItem(draftKey(this.id));
      notify(`Saved your version as “${record.name}”.`);
      location.hash = `#/model/${record.id}`;
    } catch (err) { showError(err, "Not saved"); }
  }

  // -- editor sections ------------------------------------------------------------------------------------
  section_overview() {
    const links = [
      ["options", "Options", ": the courses of action (Y/N, or a dial with levels). Their order numbers the states."],
      ["dms", "Decision makers", ": who controls which options, and what each prefers (statements, most important first)."],
      ["feasibility", "Feasibility", ": rule out impossible combinations; the number of feasible states updates as you type."],
      ["status", "Status quo", ": where the conflict stands now."],
      ["stability", "Stability", ": which states are equilibria under each solution concept; click a cell for the reason."],
      ["paths", "Status quo paths", ": which equilibria the conflict can reach from the status quo, and how."],
      ["compare", "Strategy comparison", ": what each commitment (pressure, assurances…) leads to, and the pressure dial."],
    ];
    return h("div", {},
      h("div", { class: "card" },
        this.field("Name", this.input(["name"], { optional: true, label: "Model name", placeholder: "e.g. North Korea 2017" })),
        this.field("Description", this.textarea(["description"], { rows: 3, label: "Description" })),
        this.field("Source", this.textarea(["source"], { rows: 2, label: "Source" }), "Where the model comes from: articles, interviews, papers.")),
      h("div", { class: "card", "data-live": "summary" }),
      h("div", { class: "card guide" }, h("h2", {}, "Building and analysing a conflict"),
        h("ol", {}, links.map(([key, title, text]) => h("li", {}, h("a", { href: `#/model/${this.id}/${key}` }, title), text))),
        h("p", { class: "help" }, "Changes are checked as you type and kept in this browser until you press ", h("b", {}, "Save"),
          " (or ", h("span", { class: "kbd" }, "Ctrl"), "+", h("span", { class: "kbd" }, "S"), "). Analyses always use the model as it is on screen.")));
  }
  live_summary() {
    const v = this.validation || {};
    return h("div", { class: "row" },
      h("div", { class: "grow" }, h("b", {}, plural((this.doc.decision_makers || []).length, "decision maker")), ", ",
        h("b", {}, plural((this.doc.options || []).length, "option")), ", ",
        h("b", {}, v.n_states === undefined ? "? feasible states" : plural(v.n_states, "feasible state")),
        v.status_quo ? [", status quo: state ", h("b", {}, v.status_quo.id), " ", h("span", { class: "label" }, v.status_quo.label)] : ""));
  }

  renameOption(before, after, statements) {
    const doc = this.doc;
    if (!before || before === after) return;
    for (const dm of doc.decision_makers || []) {
      if (Array.isArray(dm.options)) dm.options = dm.options.map((o) => (o === before ? after : o));
    }
    const renameKey = (obj) => {
      if (obj && typeof obj === "object" && !Array.isArray(obj) && before in obj) {
        const entries = Object.entries(obj).map(([k, v]) => [k === before ? after : k, v]);
        for (const k of Object.keys(obj)) delete obj[k];
        for (const [k, v] of entries) obj[k] = v;
      }
    };
    renameKey(doc.status_quo);
    for (const st of doc.strategies || []) renameKey(st.commit);
    for (const field of ["infeasible", "merge"]) {
      for (const c of doc[field] || []) {
        if (!c || typeof c !== "object") continue;
        renameKey(c.when);
        for (const helper of ["mutually_exclusive", "at_least_one", "exactly_one"]) {
          if (Array.isArray(c[helper])) c[helper] = c[helper].map((o) => (o === before ? after : o));
        }
        if (!("when" in c) && !("statement" in c) && !("mutually_exclusive" in c) && !("at_least_one" in c) && !("exactly_one" in c)) renameKey(c);
      }
    }
    for (const p of doc.perceptions || []) {
      if (Array.isArray(p.unaware_of)) p.unaware_of = p.unaware_of.map((o) => (o === before ? after : o));
    }
    if (!statements) return;
    const fix = (list) => (Array.isArray(list) ? list.map((t) => renameInStatement(t, before, after)) : list);
    for (const dm of doc.decision_makers || []) {
      if (dm.preferences?.prioritization) dm.preferences.prioritization = fix(dm.preferences.prioritization);
      for (const a of dm.alternatives || []) if (a.preferences?.prioritization) a.preferences.prioritization = fix(a.preferences.prioritization);
    }
    for (const p of doc.perceptions || []) for (const prefs of Object.values(p.preferences || {})) if (prefs?.prioritization) prefs.prioritization = fix(prefs.prioritization);
    for (const o of doc.outcomes || []) if (typeof o.when === "string") o.when = renameInStatement(o.when, before, after);
    for (const field of ["infeasible", "merge"]) for (const c of doc[field] || []) if (c && typeof c.statement === "string") c.statement = renameInStatement(c.statement, before, after);
  }

  /** What removing option ``k`` would change, in words, and the function that changes it:
   * owners, statements that mention it (in preferences, hypotheses, perceptions, outcomes and
   * conditions), explicit rankings, strategies, the status quo. */
  optionReferences(k) {
    const doc = this.doc;
    const name = doc.options[k]?.name;
    const n = doc.options.length;
    const notes = [];
    const edits = [];
    const mentions = (text) => typeof text === "string" && !!name && renameInStatement(text, name, "\u0000") !== text;
    // A label or pattern has one character per option ('YN-Y'), or one part per option
    // between dots when levels reach 10 ('Y.12.N'): drop the removed option's place.
    const dropPlace = (ref) => {
      if (typeof ref === "string") {
        if (ref.length === n && !ref.includes(".")) return ref.slice(0, k) + ref.slice(k + 1);
        const parts = ref.split(".");
        if (parts.length === n) return parts.filter((_, i) => i !== k).join(".");
        return ref;
      }
      if (isPlainObject(ref) && name in ref) { const out = { ...ref }; delete out[name]; return out; }
      return ref;
    };
    const dmName = (dm, i) => dm.name || `decision maker ${i + 1}`;
    const prefsEdits = (prefs, who, uncertain) => {
      if (!prefs) return;
      if (Array.isArray(prefs.prioritization)) {
        const gone = prefs.prioritization.map((t, j) => (mentions(t) ? j : -1)).filter((j) => j >= 0);
        if (gone.length) {
          notes.push(`${who}: ${gone.length === 1 ? "statement" : "statements"} ${gone.map((j) => `“${prefs.prioritization[j]}”`).join(", ")} removed`);
          edits.push(() => {
            if (uncertain) {  // uncertain_order names statements by position: renumber
              const shift = (pos) => pos - gone.filter((j) => j + 1 < pos).length;
              uncertain.list = uncertain.list.filter((u) => !u.statements.some((pos) => gone.includes(pos - 1)))
                .map((u) => ({ ...u, statements: u.statements.map(shift) }));
              uncertain.apply();
            }
            prefs.prioritization = prefs.prioritization.filter((_, j) => !gone.includes(j));
          });
        }
      }
      if (Array.isArray(prefs.ranking)) {
        if (prefs.ranking.flat().some((r) => typeof r === "number")) notes.push(`${who}: the explicit ranking names states by number; check it (the states are renumbered)`);
        else {
          notes.push(`${who}: the explicit ranking loses the option's place in each state`);
          edits.push(() => {
            const seen = new Set();
            const keep = (ref) => { const out = dropPlace(ref); const key = canon(out); if (seen.has(key)) return null; seen.add(key); return out; };
            prefs.ranking = prefs.ranking.map((entry) => (Array.isArray(entry) ? entry.map(keep).filter((x) => x !== null) : keep(entry)))
              .filter((entry) => entry !== null && !(Array.isArray(entry) && !entry.length));
          });
        }
      }
    };
    (doc.decision_makers || []).forEach((dm, i) => {
      if (Array.isArray(dm.options) && dm.options.includes(name)) {
        notes.push(`${dmName(dm, i)} no longer controls it`);
        edits.push(() => { dm.options = dm.options.filter((o) => o !== name); });
      }
      const uncertain = { list: dm.uncertain_order || [], apply() { if (this.list.length) dm.uncertain_order = this.list; else delete dm.uncertain_order; } };
      prefsEdits(dm.preferences, dmName(dm, i), uncertain);
      (dm.alternatives || []).forEach((a, j) => prefsEdits(a.preferences, `${dmName(dm, i)}, hypothesis “${a.name || j + 1}”`));
    });
    (doc.perceptions || []).forEach((p) => {
      for (const [who, prefs] of Object.entries(p.preferences || {})) prefsEdits(prefs, `perception “${p.name}”, ${who}`);
      if (Array.isArray(p.unaware_of) && p.unaware_of.includes(name)) edits.push(() => { p.unaware_of = p.unaware_of.filter((o) => o !== name); });
    });
    for (const field of ["infeasible", "merge"]) {
      const list = doc[field] || [];
      const pattern = (c) => typeof c === "string" && c.length === n && /^[YN0-9-]+$/.test(c);
      const reshaped = list.filter((c) => pattern(c) && c[k] === "-");  // did not involve it
      if (reshaped.length) edits.push(() => { doc[field] = doc[field].map((c) => (reshaped.includes(c) ? dropPlace(c) : c)); });
      const gone = list.filter((c) => {
        if (pattern(c)) return c[k] !== "-";
        if (typeof c === "string") return mentions(c);
        if (!isPlainObject(c)) return false;
        if (typeof c.statement === "string") return mentions(c.statement);
        for (const helper of ["mutually_exclusive", "at_least_one", "exactly_one"]) if (Array.isArray(c[helper])) return c[helper].includes(name);
        const when = isPlainObject(c.when) ? c.when : c;
        return name in when;
      });
      if (gone.length) {
        notes.push(`${gone.length} ${field === "merge" ? "merge" : "feasibility"} ${gone.length === 1 ? "rule that involves" : "rules that involve"} it removed`);
        edits.push(() => { doc[field] = doc[field].filter((c) => !gone.includes(c)); });
      }
    }
    const outcomes = (doc.outcomes || []).filter((o) => mentions(o.when));
    if (outcomes.length) {
      notes.push(`${outcomes.length === 1 ? "outcome" : "outcomes"} ${outcomes.map((o) => `“${o.name}”`).join(", ")} (defined by it) removed`);
      edits.push(() => { doc.outcomes = doc.outcomes.filter((o) => !outcomes.includes(o)); });
    }
    const strategies = (doc.strategies || []).filter((st) => isPlainObject(st.commit) && name in st.commit);
    if (strategies.length) {
      notes.push(`${strategies.length === 1 ? "strategy" : "strategies"} ${strategies.map((st) => `“${st.name}”`).join(", ")} no longer commit it`);
      edits.push(() => { for (const st of strategies) delete st.commit[name]; });
    }
    if (doc.status_quo !== undefined && doc.status_quo !== null) {
      if (typeof doc.status_quo === "number") notes.push("the status quo is given by number; check it (the states are renumbered)");
      else edits.push(() => { doc.status_quo = dropPlace(doc.status_quo); });
    }
    edits.push(() => { doc.options.splice(k, 1); });
    return { name, notes, apply: () => { for (const edit of edits) edit(); } };
  }
  async removeOption(k) {
    const { name, notes, apply } = this.optionReferences(k);
    const body = h("div", {}, h("p", {}, `Remove the option “${name || `option ${k + 1}`}”? Every state loses it, and everything that refers to it is cleaned up:`),
      notes.length ? h("ul", { "data-test": "option-references" }, notes.map((text) => h("li", {}, text))) : h("p", { class: "muted" }, "Nothing else refers to it."),
      h("p", { class: "help" }, "Undo (Ctrl+Z) brings it all back."));
    const answer = await dialog({ title: "Remove option?", body, buttons: [["Cancel", false], ["Remove", true, "danger solid"]] });
    if (answer !== true) return;
    this.edit(() => apply());
  }
  section_options() {
    const doc = this.doc;
    if (!Array.isArray(doc.options)) doc.options = [];
    const options = doc.options;
    const dms = doc.decision_makers || [];
    const ownerOf = (name) => dms.findIndex((dm) => Array.isArray(dm.options) && dm.options.includes(name));
    const rows = options.map((option, k) => {
      const top = optionTop(option);
      const levelled = option.levels !== undefined && option.levels !== null;
      const nameInput = this.input(["options", k, "name"], { label: `Name of option ${k + 1}`, placeholder: "name used in statements" });
      nameInput.addEventListener("focus", () => { nameInput.dataset.before = option.name || ""; });
      nameInput.addEventListener("input", () => {
        const before = nameInput.dataset.current ?? nameInput.dataset.before ?? "";
        this.renameOption(before, nameInput.value, false);
        nameInput.dataset.current = nameInput.value;
      });
      nameInput.addEventListener("change", () => {
        this.renameOption(nameInput.dataset.before, nameInput.value, true);
        nameInput.dataset.before = nameInput.value;
        delete nameInput.dataset.current;
        this.changed(false);
      });
      const kind = h("select", { "aria-label": `Kind of option ${k + 1}` },
        h("option", { value: "binary", selected: !levelled }, "Yes / No"),
        h("option", { value: "levels", selected: levelled }, "Levels (dial)"));
      kind.addEventListener("change", () => this.edit(() => {
        if (kind.value === "levels") option.levels = "0..3";
        else { delete option.levels; delete option.step; }
      }));
      const topInput = h("input", { type: "number", min: 1, max: 99, value: top, style: "width:4.5rem", "aria-label": `Top level of option ${k + 1}`, "data-loc": locKey(["options", k, "levels"]) });
      topInput.addEventListener("input", () => {
        const n = Math.floor(Number(topInput.value));
        if (n >= 1) this.set(["options", k, "levels"], `0..${n}`);
      });
      const direction = h("select", { "aria-label": `Direction of option ${k + 1}`, "data-loc": locKey(["options", k, "direction"]) },
        [["both", "both ways"], ["forward", levelled ? "only up (irreversible)" : "only N→Y (irreversible)"], ["backward", levelled ? "only down" : "only Y→N"]]
          .map(([value, text]) => h("option", { value, selected: (option.direction || "both") === value }, text)));
      direction.addEventListener("change", () => this.set(["options", k, "direction"], direction.value === "both" ? undefined : direction.value));
      const owner = h("select", { "aria-label": `Owner of option ${k + 1}`, "data-test": "option-owner" },
        h("option", { value: "-1", selected: ownerOf(option.name) < 0 }, "— nobody —"),
        dms.map((dm, i) => h("option", { value: String(i), selected: ownerOf(option.name) === i }, dm.name || `DM ${i + 1}`)));
      owner.addEventListener("change", () => this.edit(() => {
        for (const dm of dms) if (Array.isArray(dm.options)) dm.options = dm.options.filter((o) => o !== option.name);
        const i = Number(owner.value);
        if (i >= 0) { if (!Array.isArray(dms[i].options)) dms[i].options = []; dms[i].options.push(option.name); }
      }, false));
      return h("tr", { "data-test": "option-row", "data-loc": locKey(["options", k]) },
        h("td", { class: "num muted" }, k + 1),
        h("td", {}, nameInput),
        h("td", {}, this.input(["options", k, "description"], { optional: true, label: `Description of option ${k + 1}`, placeholder: "what it means" })),
        h("td", {}, kind, levelled ? h("div", { class: "row small" }, "0 to ", topInput) : null),
        h("td", {}, direction, levelled ? h("div", { class: "row small" }, "step ≤ ",
          this.input(["options", k, "step"], { type: "number", numeric: true, label: `Largest step of option ${k + 1}`, cls: "", placeholder: "any" })) : null),
        h("td", {}, owner),
        h("td", {}, h("div", { class: "row" }, this.listTools(["options"], k, { what: "option" }).slice(0, 2),
          h("button", { class: "icon danger", title: "Remove option", "aria-label": "Remove option", "data-test": "remove", onclick: () => this.removeOption(k) }, "✕"))));
    });
    const add = () => this.edit(() => {
      const names = new Set(optionNames(doc));
      let n = options.length + 1;
      while (names.has(`option_${n}`)) n++;
      options.push({ name: `option_${n}` });
      if (dms.length) { if (!Array.isArray(dms[0].options)) dms[0].options = []; dms[0].options.push(`option_${n}`); }
    });
    return h("div", { class: "card" },
      h("h2", {}, "Options"),
      h("p", { class: "help" }, "Each option is controlled by one decision maker. A Yes/No option is taken or not; a dial has levels (0 to its top). ",
        "Irreversible options can only move one way. The order of the options numbers the states: state labels have one letter (or level) per option, in this order."),
      h("table", { class: "options-table", "data-loc": "options" },
        h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "Name"), h("th", {}, "Description"), h("th", {}, "Kind"), h("th", {}, "Moves"), h("th", {}, "Controlled by"), h("th", {}, ""))),
        h("tbody", {}, rows)),
      h("div", { class: "spacer" }),
      h("button", { "data-test": "add-option", onclick: add }, "+ Add option"));
  }

  section_dms() {
    const doc = this.doc;
    if (!Array.isArray(doc.decision_makers)) doc.decision_makers = [];
    const dms = doc.decision_makers;
    const add = () => this.edit(() => {
      const names = new Set(dmNames(doc));
      let n = dms.length + 1;
      while (names.has(`DM_${n}`)) n++;
      dms.push({ name: `DM_${n}`, options: [], preferences: { prioritization: [""] } });
    });
    return h("div", {},
      h("p", { class: "help" }, "For each decision maker: the options it controls and its preferences. Prioritization statements are the easiest way: most important first; a state is better the more important the statements it satisfies. The resulting ranking is shown on the right as you type."),
      h("div", { class: "items" }, dms.map((dm, i) => this.dmCard(dm, i))),
      h("div", { class: "spacer" }),
      h("button", { class: "primary", "data-test": "add-dm", onclick: add }, "+ Add decision maker"));
  }
  dmCard(dm, i) {
    const doc = this.doc;
    const options = optionNames(doc);
    const owns = new Set(Array.isArray(dm.options) ? dm.options : []);
    const checks = h("div", { class: "checks", "data-loc": locKey(["decision_makers", i, "options"]) }, options.map((name) => {
      const box = h("input", { type: "checkbox", checked: owns.has(name), "aria-label": `Decision maker ${i + 1} controls ${name}` });
      box.addEventListener("change", () => this.edit(() => {
        for (const other of doc.decision_makers) if (Array.isArray(other.options)) other.options = other.options.filter((o) => o !== name);
        if (box.checked) { if (!Array.isArray(dm.options)) dm.options = []; dm.options.push(name); }
      }));
      return h("label", { class: "inline" }, box, name);
    }));
    const nameInput = this.input(["decision_makers", i, "name"], { label: `Name of decision maker ${i + 1}`, placeholder: "e.g. US" });
    nameInput.addEventListener("focus", () => { nameInput.dataset.before = dm.name || ""; });
    nameInput.addEventListener("change", () => {
      const before = nameInput.dataset.before;
      const after = nameInput.value;
      for (const p of doc.perceptions || []) {
        if (p.holder === before) p.holder = after;
        if (p.preferences && before in p.preferences) { p.preferences[after] = p.preferences[before]; delete p.preferences[before]; }
      }
      nameInput.dataset.before = after;
      this.changed(false);
    });
    nameInput.addEventListener("input", () => {
      const card = nameInput.closest("[data-test=dm-card]");
      const title = card?.querySelector("[data-dm-title]");
      if (title) title.textContent = `Preferences of ${nameInput.value || `decision maker ${i + 1}`}`;
      const panel = card?.querySelector("[data-live=ranking]");
      if (panel) panel.dataset.dm = nameInput.value;
    });
    return h("div", { class: "item", "data-test": "dm-card", "data-loc": locKey(["decision_makers", i]) },
      h("div", { class: "item-head" }, h("span", { class: "title" }, `Decision maker ${i + 1}`),
        this.listTools(["decision_makers"], i, { what: "decision maker", confirmText: `Remove ${dm.name || "this decision maker"} and its preferences?` })),
      h("div", { class: "grid2" },
        this.field("Name", nameInput),
        this.field("Description", this.input(["decision_makers", i, "description"], { optional: true, label: `Description of decision maker ${i + 1}` }))),
      this.field("Controls these options", checks),
      this.prefsEditor(dm, i));
  }
  prefsEditor(dm, i) {
    const path = ["decision_makers", i, "preferences"];
    const prefs = dm.preferences && typeof dm.preferences === "object" ? dm.preferences : {};
    const form = prefs.ranking ? "ranking" : prefs.payoffs ? "payoffs" : "prioritization";
    this.stash = this.stash || {};
    const switchTo = async (target) => {
      if (target === form) return;
      this.stash[`${i}:${form}`] = clone(prefs);
      if (this.stash[`${i}:${target}`]) { this.set(path, this.stash[`${i}:${target}`], true); return; }
      if (target === "prioritization") { this.set(path, { prioritization: [""] }, true); return; }
      const order = await this.fullRanking(dm.name);
      if (!order) return;
      if (target === "ranking") this.set(path, { ranking: order.map((g) => (g.length === 1 ? g[0] : g)) }, true);
      else {
        const payoffs = {};
        order.forEach((g, k) => g.forEach((label) => { payoffs[label] = order.length - k; }));
        this.set(path, { payoffs }, true);
      }
    };
    const tabs = h("div", { class: "form-tabs", role: "tablist" },
      [["prioritization", "Prioritization statements"], ["ranking", "Explicit ranking"], ["payoffs", "Payoffs"]].map(([key, text]) =>
        h("button", { class: key === form ? "on" : "", role: "tab", "aria-selected": key === form ? "true" : "false", onclick: () => switchTo(key) }, text)));
    let editor;
    if (form === "prioritization") editor = h("div", {}, this.statementList([...path, "prioritization"]), this.statementHelp());
    else if (form === "ranking") editor = this.rankingEditor([...path, "ranking"]);
    else editor = this.payoffsEditor([...path, "payoffs"]);
    return h("div", { "data-loc": locKey(path) },
      h("h3", { "data-dm-title": i }, `Preferences of ${dm.name || `decision maker ${i + 1}`}`), tabs,
      h("div", { class: "prefs" }, editor, h("div", { class: "ranking-panel", "data-live": "ranking", "data-dm": dm.name || "" })));
  }
  async fullRanking(dmName) {
    const n = this.validation?.n_states;
    if (n === undefined || n === null) { notify("Fix the model's other problems first: the states must be known to rank them.", "warn"); return null; }
    if (n > 300) { notify(`An explicit ranking lists every state; this model has ${fmt(n)}. Use prioritization statements (or the YAML section).`, "warn"); return null; }
    try {
      const v = await api("POST", "/api/validate", { model: this.doc, ranking_limit: 1000, states_limit: 1000 });
      const ranking = (v.rankings || []).find((r) => r.dm === dmName);
      if (ranking && ranking.shown === ranking.total) return ranking.groups.map((g) => g.states.map((st) => st.label));
      return (v.states || []).map((st) => [st.label]);
    } catch (err) { showError(err); return null; }
  }
  rankingEditor(path) {
    const groups = getPath(this.doc, path);
    if (!Array.isArray(groups)) return h("p", { class: "muted" }, "Edit this ranking in the YAML section.");
    const flat = [];
    groups.forEach((g) => (Array.isArray(g) ? g : [g]).forEach((ref, j) => flat.push({ ref, tied: j > 0 })));
    const write = () => {
      const out = [];
      for (const x of flat) {
        if (x.tied && out.length) {
          const last = out[out.length - 1];
          out[out.length - 1] = Array.isArray(last) ? [...last, x.ref] : [last, x.ref];
        } else out.push(x.ref);
      }
      this.set(path, out, true);
    };
    const states = this.validation?.states || [];
    const describe = (ref) => {
      const st = typeof ref === "number" ? states.find((x) => x.id === ref) : states.find((x) => x.label === ref);
      return st ? `state ${st.id}` : "";
    };
    return h("div", { "data-loc": locKey(path) },
      h("p", { class: "help" }, "Every feasible state, most preferred first. Tick “tied” to make a state as good as the one above."),
      h("table", {}, h("tbody", {}, flat.map((x, k) => h("tr", { class: x.tied ? "tied" : "" },
        h("td", { class: "num muted" }, k + 1),
        h("td", { class: "label", "data-loc": locKey([...path, k]) }, typeof x.ref === "object" ? JSON.stringify(x.ref) : String(x.ref)),
        h("td", { class: "muted small" }, describe(x.ref)),
        h("td", {}, h("label", { class: "inline small" }, h("input", { type: "checkbox", checked: x.tied, disabled: k === 0, onchange: (e) => { x.tied = e.target.checked; write(); } }), "tied")),
        h("td", {}, h("button", { class: "icon", disabled: k === 0, "aria-label": "Move up", onclick: () => { [flat[k - 1].ref, flat[k].ref] = [flat[k].ref, flat[k - 1].ref]; write(); } }, "▲"),
          h("button", { class: "icon", disabled: k === flat.length - 1, "aria-label": "Move down", onclick: () => { [flat[k + 1].ref, flat[k].ref] = [flat[k].ref, flat[k + 1].ref]; write(); } }, "▼")))))));
  }
  payoffsEditor(path) {
    const payoffs = getPath(this.doc, path);
    if (!payoffs || typeof payoffs !== "object" || Array.isArray(payoffs)) return h("p", { class: "muted" }, "Edit these payoffs in the YAML section.");
    const states = this.validation?.states || [];
    const keys = states.length ? states.map((st) => st.label) : Object.keys(payoffs);
    return h("div", { "data-loc": locKey(path) },
      h("p", { class: "help" }, "A number per state: higher is better; equal numbers are ties."),
      h("table", {}, h("tbody", {}, keys.map((label) => {
        const box = h("input", { type: "number", step: "any", value: payoffs[label] ?? "", style: "width:7rem", "aria-label": `Payoff of ${label}`, "data-loc": locKey([...path, label]) });
        box.addEventListener("input", () => this.set([...path, label], box.value === "" ? undefined : Number(box.value)));
        return h("tr", {}, h("td", { class: "label" }, label), h("td", {}, box));
      }))));
  }
  live_ranking(el) {
    const name = el.dataset.dm;
    const ranking = (this.validation?.rankings || []).find((r) => r.dm === name);
    if (!ranking) {
      return h("div", {}, h("h3", {}, "Resulting ranking"), h("p", { class: "muted small" },
        this.validation ? "Shown once the preferences (and the rest of the model) have no problems." : "Checking…"));
    }
    const count = ranking.groups[0]?.satisfied?.[0]?.length || 0;
    let position = 0;
    return h("div", { "data-test": "ranking" },
      h("h3", {}, "Resulting ranking"),
      h("p", { class: "help" }, "Most preferred first; states in one row are tied.",
        ranking.shown < ranking.total ? ` The ${fmt(ranking.shown)} most preferred of ${fmt(ranking.total)} states.` : ""),
      h("table", {},
        h("thead", {}, h("tr", {}, h("th", {}, "rank"), h("th", {}, "state"), Array.from({ length: count }, (_, k) => h("th", { class: "center", title: `statement ${k + 1}` }, k + 1)))),
        h("tbody", {}, ranking.groups.map((g) => {
          position += 1;
          return g.states.map((st, j) => h("tr", { class: j ? "tied" : "" },
            h("td", { class: "num muted" }, j ? "" : position),
            h("td", {}, h("span", { class: "label" }, st.label), h("span", { class: "muted small" }, ` (${st.id})`)),
            (g.satisfied?.[j] || []).map((ok) => h("td", { class: ok ? "sat" : "unsat" }, ok ? "✓" : "·"))));
        }))),
      ranking.shown < ranking.total ? h("button", { class: "link", onclick: () => { this.rankingLimit = (this.rankingLimit || 15) + 50; this.validate(); } }, "Show more states") : null);
  }

  // feasibility ---------------------------------------------------------------------------------------
  section_feasibility() {
    return h("div", {},
      h("div", { class: "card", "data-live": "feasible" }),
      h("div", { class: "card" }, h("h2", {}, "Infeasible states"),
        h("p", { class: "help" }, "Combinations of options that cannot happen (e.g. a strike together with an assurance). Each condition rules out the states it describes."),
        this.conditionList("infeasible")),
      h("div", { class: "card" }, h("h2", {}, "Merged states"),
        h("p", { class: "help" }, "States that are indistinguishable to everyone (e.g. every state after a war) become one state, as in GMCR II."),
        this.conditionList("merge")));
  }
  live_feasible() {
    const v = this.validation || {};
    return h("div", { class: "count" }, h("b", { "data-test": "feasible-count" }, v.n_states === undefined || v.n_states === null ? "?" : fmt(v.n_states)),
      " feasible states of ", fmt(v.n_combinations), " option combinations");
  }
  conditionKind(cond) {
    if (typeof cond === "string") return "when";
    if (!cond || typeof cond !== "object") return "when";
    for (const key of ["when", "statement", "mutually_exclusive", "at_least_one", "exactly_one"]) if (key in cond) return key;
    return "shorthand";
  }
  conditionList(field) {
    const doc = this.doc;
    const list = Array.isArray(doc[field]) ? doc[field] : [];
    const options = doc.options || [];
    const names = optionNames(doc);
    const items = list.map((cond, k) => {
      const path = [field, k];
      let kind = this.conditionKind(cond);
      // Shorthands (a pattern string or a bare mapping) are edited as {when: ...}.
      const normalise = () => {
        if (kind === "when" && typeof cond === "string") { list[k] = { when: cond }; cond = list[k]; }
        if (kind === "shorthand") { list[k] = { when: cond }; cond = list[k]; kind = "when"; }
      };
      const kindSelect = h("select", { "aria-label": "Kind of condition" },
        [["when", "these option values"], ["statement", "a statement"], ["mutually_exclusive", "two or more of"], ["at_least_one", "none of"], ["exactly_one", "not exactly one of"]]
          .map(([value, text]) => h("option", { value, selected: (kind === "shorthand" ? "when" : kind) === value }, text)));
      kindSelect.addEventListener("change", () => this.edit(() => {
        const v = kindSelect.value;
        list[k] = v === "when" ? { when: {} } : v === "statement" ? { statement: "" } : { [v]: [] };
      }));
      let editor;
      if (kind === "when" || kind === "shorthand") {
        const raw = kind === "shorthand" ? cond : typeof cond === "string" ? cond : cond.when;
        let mapping = raw && typeof raw === "object" ? raw : {};
        if (typeof raw === "string") {
          const tokens = labelTokens(raw, options);
          mapping = {};
          if (tokens) tokens.forEach((t, j) => { if (t !== "-" && options[j]) mapping[options[j].name] = t; });
        }
        editor = h("div", { class: "checks", "data-loc": locKey([...path, "when"]) }, options.map((option) =>
          h("label", { class: "inline" }, option.name, this.valueSelect(option, mapping[option.name], (value) => {
            normalise();
            const target = typeof cond.when === "object" && cond.when !== null ? cond.when : (cond.when = { ...mapping });
            if (value === null) delete target[option.name]; else target[option.name] = value;
            this.changed(false);
          }, { any: "any" }))));
      } else if (kind === "statement") {
        editor = this.input([...path, "statement"], { mono: true, label: "Statement", placeholder: "e.g. normalize and sanctions >= 5" });
      } else {
        const chosen = new Set(Array.isArray(cond[kind]) ? cond[kind] : []);
        editor = h("div", { class: "checks", "data-loc": locKey([...path, kind]) }, names.map((name) => {
          const box = h("input", { type: "checkbox", checked: chosen.has(name), "aria-label": name });
          box.addEventListener("change", () => {
            const current = new Set(Array.isArray(cond[kind]) ? cond[kind] : []);
            if (box.checked) current.add(name); else current.delete(name);
            cond[kind] = names.filter((n) => current.has(n));
            this.changed(false);
          });
          return h("label", { class: "inline" }, box, name);
        }));
      }
      return h("div", { class: "item", "data-loc": locKey(path), "data-test": `${field}-item` },
        h("div", { class: "item-head" }, h("span", { class: "title" }, field === "merge" ? "Merge the states with" : "Rule out the states with"), kindSelect, this.listTools([field], k, { what: "condition" })),
        editor);
    });
    const add = (template) => this.edit(() => { if (!Array.isArray(doc[field])) doc[field] = []; doc[field].push(template); });
    return h("div", {},
      h("div", { class: "items" }, items.length ? items : h("p", { class: "muted small" }, "None.")),
      h("div", { class: "spacer" }),
      h("div", { class: "row" },
        h("button", { onclick: () => add({ when: {} }), "data-test": `add-${field}` }, "+ Option values"),
        h("button", { onclick: () => add({ statement: "" }) }, "+ Statement"),
        field === "infeasible" ? [
          h("button", { onclick: () => add({ mutually_exclusive: [] }) }, "+ At most one of…"),
          h("button", { onclick: () => add({ at_least_one: [] }) }, "+ At least one of…"),
          h("button", { onclick: () => add({ exactly_one: [] }) }, "+ Exactly one of…")] : null));
  }

  // status quo, outcomes, strategies ---------------------------------------------------------------------
  section_status() {
    const doc = this.doc;
    const options = doc.options || [];
    const has = doc.status_quo !== undefined && doc.status_quo !== null;
    const box = h("input", { type: "checkbox", checked: has, "data-test": "has-status-quo" });
    box.addEventListener("change", () => this.edit(() => {
      if (box.checked) {
        const mapping = {};
        for (const o of options) mapping[o.name] = writeValue(0, optionTop(o));
        doc.status_quo = mapping;
      } else delete doc.status_quo;
    }));
    let selects = null;
    if (has) {
      const v = this.validation || {};
      const mapping = stateMapping(doc.status_quo, doc, v.states) || (v.status_quo ? stateMapping(v.status_quo.label, doc) : null) || {};
      selects = h("div", { class: "checks", "data-loc": "status_quo" }, options.map((option) =>
        h("label", { class: "inline" }, option.name, this.valueSelect(option, mapping[option.name], (value) => {
          const full = {};
          for (const o of options) full[o.name] = mapping[o.name] ?? writeValue(0, optionTop(o));
          full[option.name] = value;
          Object.assign(mapping, full);
          this.set(["status_quo"], full);
        }))));
    }
    return h("div", { class: "card" },
      h("h2", {}, "Status quo"),
      h("p", { class: "help" }, "Where the conflict stands now: the starting point of status quo analysis and strategy comparison."),
      h("label", { class: "inline" }, box, "The conflict has a status quo"),
      h("div", { class: "spacer" }), selects,
      h("div", { class: "spacer" }), h("div", { "data-live": "statusquo" }));
  }
  live_statusquo() {
    const sq = this.validation?.status_quo;
    if (!sq) return h("span", { class: "muted" }, this.doc.status_quo === undefined ? "" : "—");
    return h("div", {}, "This is state ", h("b", { "data-test": "status-quo-state" }, sq.id), ": ", h("span", { class: "label" }, sq.label), ".");
  }
  section_outcomes() {
    const doc = this.doc;
    const list = Array.isArray(doc.outcomes) ? doc.outcomes : [];
    return h("div", { class: "card" },
      h("h2", {}, "Outcomes"),
      h("p", { class: "help" }, "Names for sets of states, e.g. “deal”, “talks”, “war”, each given by a statement. Strategy comparisons report outcomes; list them from best to worst."),
      h("div", { class: "items" }, list.map((o, k) => h("div", { class: "item", "data-loc": locKey(["outcomes", k]) },
        h("div", { class: "item-head" }, h("span", { class: "title" }, `Outcome ${k + 1}`), this.listTools(["outcomes"], k, { what: "outcome" })),
        h("div", { class: "grid2" },
          this.field("Name", this.input(["outcomes", k, "name"], { label: `Name of outcome ${k + 1}` })),
          this.field("Description", this.input(["outcomes", k, "description"], { optional: true, label: `Description of outcome ${k + 1}` }))),
        this.field("Holds when", this.input(["outcomes", k, "when"], { mono: true, label: `Statement of outcome ${k + 1}`, placeholder: "e.g. denuclearize and not strike" }))))),
      h("div", { class: "spacer" }), this.statementHelp(),
      h("button", { onclick: () => this.edit(() => { if (!Array.isArray(doc.outcomes)) doc.outcomes = []; doc.outcomes.push({ name: `outcome_${list.length + 1}`, when: "" }); }) }, "+ Add outcome"));
  }
  section_strategies() {
    const doc = this.doc;
    const list = Array.isArray(doc.strategies) ? doc.strategies : [];
    const options = doc.options || [];
    return h("div", { class: "card" },
      h("h2", {}, "Strategies"),
      h("p", { class: "help" }, "A strategy is a commitment to option values, e.g. “maximum pressure”: sanctions at 10, no assurance. While it is followed those options cannot move. Compare them in ",
        h("a", { href: `#/model/${this.id}/compare` }, "Strategy comparison"), "."),
      h("div", { class: "items" }, list.map((st, k) => h("div", { class: "item", "data-loc": locKey(["strategies", k]), "data-test": "strategy-item" },
        h("div", { class: "item-head" }, h("span", { class: "title" }, `Strategy ${k + 1}`), this.listTools(["strategies"], k, { what: "strategy" })),
        h("div", { class: "grid2" },
          this.field("Name", this.input(["strategies", k, "name"], { label: `Name of strategy ${k + 1}` })),
          this.field("Description", this.input(["strategies", k, "description"], { optional: true, label: `Description of strategy ${k + 1}` }))),
        this.field("Holds these options fixed", h("div", { class: "checks", "data-loc": locKey(["strategies", k, "commit"]) }, options.map((option) =>
          h("label", { class: "inline" }, option.name, this.valueSelect(option, (st.commit || {})[option.name], (value) => {
            if (!st.commit || typeof st.commit !== "object") st.commit = {};
            if (value === null) delete st.commit[option.name]; else st.commit[option.name] = value;
            this.changed(false);
          }, { any: "free" })))))))),
      h("div", { class: "spacer" }),
      h("button", { "data-test": "add-strategy", onclick: () => this.edit(() => { if (!Array.isArray(doc.strategies)) doc.strategies = []; doc.strategies.push({ name: `strategy_${list.length + 1}`, commit: {} }); }) }, "+ Add strategy"));
  }

  // perceptions and uncertain preferences ----------------------------------------------------------------------
  section_perceptions() {
    const doc = this.doc;
    const list = Array.isArray(doc.perceptions) ? doc.perceptions : [];
    const dms = doc.decision_makers || [];
    const items = list.map((p, k) => {
      const path = ["perceptions", k];
      const holder = h("select", { "aria-label": "Holder", "data-loc": locKey([...path, "holder"]) },
        h("option", { value: "", selected: !p.holder }, "—"),
        dms.map((dm) => h("option", { value: dm.name, selected: p.holder === dm.name }, dm.name)));
      holder.addEventListener("change", () => this.set([...path, "holder"], holder.value, true));
      const holderDm = dms.find((dm) => dm.name === p.holder);
      const own = new Set(holderDm?.options || []);
      const unaware = new Set(Array.isArray(p.unaware_of) ? p.unaware_of : []);
      const others = dms.filter((dm) => dm.name !== p.holder);
      return h("div", { class: "item", "data-loc": locKey(path) },
        h("div", { class: "item-head" }, h("span", { class: "title" }, `Perception ${k + 1}`), this.listTools(["perceptions"], k, { what: "perception" })),
        h("div", { class: "grid2" },
          this.field("Name", this.input([...path, "name"], { label: `Name of perception ${k + 1}`, placeholder: "e.g. NK believes the US seeks regime change" })),
          this.field("Whose picture of the conflict", holder)),
        this.field("Description", this.input([...path, "description"], { optional: true, label: `Description of perception ${k + 1}` })),
        this.field("Does not know these options exist", h("div", { class: "checks", "data-loc": locKey([...path, "unaware_of"]) },
          optionNames(doc).filter((n) => !own.has(n)).map((name) => h("label", { class: "inline" },
            h("input", { type: "checkbox", checked: unaware.has(name), onchange: (e) => {
              const set = new Set(Array.isArray(p.unaware_of) ? p.unaware_of : []);
              if (e.target.checked) set.add(name); else set.delete(name);
              if (set.size) p.unaware_of = optionNames(doc).filter((n) => set.has(n)); else delete p.unaware_of;
              this.changed(false);
            } }), name)))),
        others.map((dm) => {
          const believed = p.preferences && p.preferences[dm.name];
          const toggle = h("input", { type: "checkbox", checked: !!believed });
          toggle.addEventListener("change", () => this.edit(() => {
            if (!p.preferences || typeof p.preferences !== "object") p.preferences = {};
            if (toggle.checked) p.preferences[dm.name] = { prioritization: clone(dm.preferences?.prioritization || [""]) };
            else delete p.preferences[dm.name];
            if (!Object.keys(p.preferences).length) delete p.preferences;
          }));
          return h("div", {},
            h("label", { class: "inline" }, toggle, `Believes ${dm.name} has other preferences`),
            believed && Array.isArray(believed.prioritization) ? this.statementList([...path, "preferences", dm.name, "prioritization"]) : null);
        }));
    });
    return h("div", { class: "card" },
      h("h2", {}, "Perceptions (misperception)"),
      h("p", { class: "help" }, "How a decision maker sees the conflict when it is mistaken: the preferences it believes others have, and options it does not know about. Analysed in ",
        h("a", { href: `#/model/${this.id}/hypergame` }, "Misperception"), " (first-level hypergame)."),
      h("div", { class: "items" }, items.length ? items : h("p", { class: "muted small" }, "None: everyone sees the conflict as it is.")),
      h("div", { class: "spacer" }),
      h("button", { onclick: () => this.edit(() => { if (!Array.isArray(doc.perceptions)) doc.perceptions = []; doc.perceptions.push({ name: `perception_${list.length + 1}`, holder: dms[0]?.name || "" }); }) }, "+ Add perception"));
  }
  section_uncertainty() {
    const doc = this.doc;
    const dms = doc.decision_makers || [];
    return h("div", {},
      h("p", { class: "help" }, "When a decision maker's deeper fears are unknown: give weighted hypotheses about its preferences, or pairs of its statements whose order is uncertain. Analysed in ",
        h("a", { href: `#/model/${this.id}/probabilities` }, "Uncertainty analysis"), "."),
      h("div", { class: "items" }, dms.map((dm, i) => {
        const path = ["decision_makers", i];
        const alternatives = Array.isArray(dm.alternatives) ? dm.alternatives : [];
        const orders = Array.isArray(dm.uncertain_order) ? dm.uncertain_order : [];
        const statements = dm.preferences?.prioritization || [];
        const statementSelect = (u, j) => {
          const current = orders[u].statements?.[j];
          const sel = h("select", { "aria-label": `statement ${j + 1}` }, statements.map((text, k) => h("option", { value: k + 1, selected: current === k + 1 }, `${k + 1}. ${text}`)));
          sel.addEventListener("change", () => { const pair = [...(orders[u].statements || [1, 2])]; pair[j] = Number(sel.value); orders[u].statements = pair; this.changed(false); });
          return sel;
        };
        return h("div", { class: "item", "data-loc": locKey(path) },
          h("div", { class: "item-head" }, h("span", { class: "title" }, dm.name || `Decision maker ${i + 1}`)),
          h("h3", {}, "Hypotheses about its preferences"),
          alternatives.map((a, k) => h("div", { class: "item", "data-loc": locKey([...path, "alternatives", k]) },
            h("div", { class: "item-head" }, h("span", { class: "title" }, `Hypothesis ${k + 1}`), this.listTools([...path, "alternatives"], k, { what: "hypothesis" })),
            h("div", { class: "grid2" },
              this.field("Name", this.input([...path, "alternatives", k, "name"], { label: `Name of hypothesis ${k + 1}` })),
              this.field("Weight", this.input([...path, "alternatives", k, "weight"], { type: "number", numeric: true, label: `Weight of hypothesis ${k + 1}`, placeholder: "1" }))),
            Array.isArray(a.preferences?.prioritization) ? this.statementList([...path, "alternatives", k, "preferences", "prioritization"]) : h("p", { class: "muted small" }, "Edit these preferences in the YAML section."))),
          h("button", { onclick: () => this.edit(() => {
            if (!Array.isArray(dm.alternatives)) dm.alternatives = [];
            dm.alternatives.push({ name: `hypothesis ${alternatives.length + 1}`, weight: 1, preferences: { prioritization: clone(statements.length ? statements : [""]) } });
          }) }, "+ Add hypothesis (a copy of its preferences)"),
          h("h3", {}, "Statements whose order is uncertain"),
          statements.length < 2 ? h("p", { class: "muted small" }, "Needs at least two prioritization statements.") :
            [orders.map((o, u) => h("div", { class: "row", "data-loc": locKey([...path, "uncertain_order", u]) },
              "With probability", this.input([...path, "uncertain_order", u, "probability"], { type: "number", numeric: true, label: "probability", placeholder: "0.5", style: "width:5.5rem" }),
              statementSelect(u, 1), "moves just above", statementSelect(u, 0),
              this.listTools([...path, "uncertain_order"], u, { what: "pair" }))),
            h("button", { onclick: () => this.edit(() => { if (!Array.isArray(dm.uncertain_order)) dm.uncertain_order = []; dm.uncertain_order.push({ statements: [1, 2], probability: 0.5 }); }) }, "+ Add uncertain pair")]);
      })));
  }

  // the YAML editor ------------------------------------------------------------------------------------
  section_yaml() {
    const area = h("textarea", { class: "code", spellcheck: "false", "data-test": "yaml-editor", "data-yaml-editor": "", "aria-label": "Model as YAML" });
    const key = JSON.stringify(this.doc);
    if (this.yamlText !== null && this.yamlDocKey === key) area.value = this.yamlText;
    else {
      area.value = "loading…";
      area.disabled = true;
      api("POST", "/api/convert", { model: this.doc, format: "yaml" }).then((r) => {
        this.yamlText = r.text;
        this.yamlDocKey = JSON.stringify(this.doc);
        area.value = r.text;
        area.disabled = false;
      }).catch((err) => showError(err));
    }
    area.addEventListener("input", () => {
      this.yamlText = area.value;
      this.yamlPending = true;
      this.scheduleValidate();
    });
    this.yamlArea = area;
    return h("div", { class: "card" },
      h("div", { class: "row" }, h("h2", { class: "grow" }, "The model as YAML"),
        h("button", { onclick: () => download(`${slug(this.doc.name)}.yaml`, area.value, "application/yaml") }, "Download YAML"),
        h("button", { onclick: async () => { const r = await api("POST", "/api/convert", { model: this.doc, format: "json" }); download(`${slug(this.doc.name)}.json`, r.text, "application/json"); } }, "Download JSON")),
      h("p", { class: "help" }, "The same model as a detente/1 file, editable. Changes here update the other sections as soon as the text parses; problems are listed with their line. Comments are not kept when saving."),
      area,
      h("div", { class: "yaml-errors", "data-live": "yamlerrors" }));
  }
  live_yamlerrors() {
    const errors = this.validation?.errors || [];
    if (!errors.length) return h("span", { class: "muted small" }, "No problems.");
    return h("ul", {}, errors.map((e) => h("li", {},
      e.line ? h("button", { class: "link", onclick: () => this.gotoLine(e.line) }, `line ${e.line}`) : null,
      e.line ? ": " : "", e.where ? `${e.where}: ` : "", e.message)));
  }
  gotoLine(line) {
    const area = this.yamlArea;
    if (!area) return;
    const lines = area.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    area.focus();
    area.setSelectionRange(start, start + (lines[line - 1] || "").length);
    area.scrollTop = Math.max(0, (line - 5) * 19);
  }
  leaveYaml() {
    if (this.yamlPending) this.scheduleValidate.flush();
  }

  // -- analyses: background jobs ------------------------------------------------------------------------
  get ready() { return !!this.validation && !this.validation.errors.length; }
  docKey() { return JSON.stringify(this.doc); }
  /** Start an analysis as a background job; ``slot`` names where its result goes. */
  async runJob(slot, kind, params, onDone, { resumed = false } = {}) {
    if (!this.ready && !resumed) {
      notify("The model has problems (listed above): fix them before running an analysis.", "warn");
      return;
    }
    const previous = this.jobs[slot];
    if (previous?.info && ["queued", "running"].includes(previous.info.status)) await this.cancelJob(slot, true);
    const key = this.docKey();
    this.jobs[slot] = { info: { status: "queued", progress: { message: "starting" }, elapsed: 0 }, key, params, kind, onDone };
    this.paintJob(slot);
    if (!onDone) {  // kept before the answer comes, for a reload at once; not downloads
      this.jobRecords[slot] = { kind, params: clone(params), key };
      this.writeSession();
    }
    try {
      const info = await api("POST", `/api/jobs/${kind}`, { model: this.doc, ...params });
      if (this.jobs[slot]?.key !== key) return;
      this.jobs[slot].info = info;
      this.pollJob(slot);
    } catch (err) {
      delete this.jobRecords[slot];
      this.writeSession();
      if (resumed) { delete this.jobs[slot]; this.paintJob(slot); return; }
      this.jobs[slot] = { error: err.message, loc: err.body?.loc };
      this.paintJob(slot);
    }
  }
  pollJob(slot) {
    const job = this.jobs[slot];
    if (!job || !job.info || this.left) return;
    const status = job.info.status;
    if (status === "done" && job.info.result) { this.finishJob(slot); return; }
    if (status === "failed" || status === "cancelled") { this.finishJob(slot); return; }
    job.timer = setTimeout(async () => {
      try {
        job.info = await api("GET", `/api/jobs/${job.info.id}`);
      } catch (err) {
        this.jobs[slot] = { error: err.message };
        this.paintJob(slot);
        return;
      }
      if (this.jobs[slot] !== job) return;
      this.paintJob(slot);
      this.pollJob(slot);
    }, status === "done" ? 0 : 350);
  }
  finishJob(slot) {
    const job = this.jobs[slot];
    const info = job.info;
    if (info.status === "done") {
      delete this.jobs[slot];
      this.results[slot] = { data: info.result, key: job.key, params: job.params, seconds: info.elapsed };
      if (job.onDone) job.onDone(info.result);
      this.renderSidebar();
      if (this.sectionSlots().includes(slot)) this.renderSection();
    } else {
      delete this.jobRecords[slot];
      this.writeSession();
      this.jobs[slot] = { error: info.status === "cancelled" ? "Cancelled." : info.error?.detail || "The analysis failed.", loc: info.error?.loc, cancelled: info.status === "cancelled" };
      this.paintJob(slot);
    }
  }
  async cancelJob(slot, quiet) {
    const job = this.jobs[slot];
    delete this.jobRecords[slot];
    this.writeSession();
    if (!job?.info?.id) { delete this.jobs[slot]; this.paintJob(slot); return; }
    clearTimeout(job.timer);
    try { await api("DELETE", `/api/jobs/${job.info.id}`); } catch { /* already finished */ }
    this.jobs[slot] = quiet ? undefined : { error: "Cancelled.", cancelled: true };
    if (quiet) delete this.jobs[slot];
    this.paintJob(slot);
  }
  sectionSlots() { return this.slotsOf(this.section); }
  /** Where the results shown in a section are kept. */
  slotsOf(section) {
    return { stability: ["stability"], paths: ["paths"], coalitions: ["coalitions"], compare: ["compare", "sweep"], hypergame: ["hypergame", "correction"],
      probabilities: ["uncertainty"], inverse: ["inverse"], report: ["report"] }[section] || [];
  }
  jobSlot(slot) { return h("div", { "data-job": slot }); }
  paintJobs() { for (const slot of this.sectionSlots()) this.paintJob(slot); }
  paintJob(slot) {
    const el = this.body?.querySelector(`[data-job="${slot}"]`);
    if (!el) return;
    clear(el);
    const job = this.jobs[slot];
    if (!job) return;
    if (job.error) {
      el.append(h("div", { class: job.cancelled ? "stale" : "error-box", "data-test": "job-error" }, job.error,
        job.loc && job.loc.length ? [" ", h("button", { class: "link", onclick: () => this.focusError({ loc: job.loc }) }, "Show me")] : null));
      return;
    }
    const p = job.info.progress || {};
    const fraction = p.fraction;
    el.append(h("div", { class: "jobbox", "data-test": "job-running" },
      h("span", { class: "small" }, job.info.status === "queued" ? "Waiting…" : "Running…"),
      h("div", { class: `progress ${fraction === null || fraction === undefined ? "indeterminate" : ""}`, role: "progressbar",
        "aria-valuenow": fraction === null || fraction === undefined ? undefined : Math.round(fraction * 100), "aria-valuemin": 0, "aria-valuemax": 100 },
        h("div", { style: fraction === null || fraction === undefined ? "" : `width:${Math.round(fraction * 100)}%` })),
      h("span", { class: "small muted" }, p.message || "", job.info.elapsed ? ` · ${job.info.elapsed.toFixed(1)} s` : ""),
      h("button", { class: "danger", "data-test": "cancel-job", onclick: () => this.cancelJob(slot) }, "Cancel")));
  }
  runButton(text, onclick, test) {
    return h("button", { class: "primary", "data-test": test, "data-run": "", disabled: !this.ready, title: this.ready ? "" : "Fix the model's problems first", onclick }, text);
  }
  staleNote(slot, rerun) {
    const result = this.results[slot];
    if (!result || result.key === this.docKey()) return null;
    return h("div", { class: "stale", "data-test": "stale" }, "The model has changed since these results were computed. ", h("button", { class: "link", onclick: rerun }, "Run again"));
  }
  conceptChecks(params, field = "concepts", list = CONCEPTS) {
    return h("div", { class: "checks" }, list.map((c) => h("label", { class: "inline" },
      h("input", { type: "checkbox", checked: params[field].includes(c), "data-test": `concept-${c}`, onchange: (e) => {
        const set = new Set(params[field]);
        if (e.target.checked) set.add(c); else set.delete(c);
        params[field] = list.filter((x) => set.has(x)).concat(params[field].filter((x) => !list.includes(x)));
      } }), c)));
  }
  select(options, value, onchange, label) {
    const sel = h("select", { "aria-label": label }, options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
    sel.addEventListener("change", () => onchange(sel.value));
    return sel;
  }
  optionInfo(name) { return (this.doc.options || []).find((o) => o.name === name); }
  changeText(c) {
    const top = optionTop(this.optionInfo(c.option));
    if (top === 1) return `${c.to ? "takes" : "drops"} ${c.option}`;
    return `${c.option} ${c.from}→${c.to}`;
  }
  stepText(step) {
    const who = (step.mover || [step.dm]).join("+");
    return `${who} ${(step.changes || []).map((c) => this.changeText(c)).join(", ")} (state ${step.from} → ${step.to})`;
  }
  stateChip(id, label, onclick) {
    const sq = this.validation?.status_quo?.id === id;
    return h("span", { class: `chip ${sq ? "sq" : ""}`, title: sq ? "the status quo" : "", onclick, "data-test": "state-chip" }, h("b", {}, id), label ? h("span", { class: "label" }, label) : null);
  }

  // -- stability ------------------------------------------------------------------------------------------
  section_stability() {
    const p = (this.params.stability ||= { concepts: [...CONCEPTS], extra: "", show: "all", search: "", outcome: "", limit: 100 });
    const run = () => {
      this.runJob("stability", "analyze", { concepts: [...p.concepts, ...conceptEntries(p.extra)] });
    };
    const extra = h("input", { type: "text", value: p.extra, placeholder: "e.g. L3, NM, GMR_a, (0.7,0.5)-GMR, US=SEQ, *=Nash", style: "width:22rem", "aria-label": "More concepts",
      title: "Any concept detente knows (docs/preferences.md): limited move L3 and non-myopic NM (two decision makers), unknown preferences GMR_a…SEQ_d, strength GMR_strong, probabilistic (0.7,0.5)-GMR, fuzzy FGMR, or one concept per decision maker, US=SEQ, *=Nash. Separate several with commas; per-DM assignments with semicolons." });
    extra.addEventListener("input", () => { p.extra = extra.value; });
    const result = this.results.stability;
    return h("div", {},
      h("div", { class: "card" },
        h("h2", {}, "Stability and equilibria"),
        h("p", { class: "help" }, "Which states are stable for each decision maker under each solution concept; an equilibrium is stable for all. Click any cell for the reason."),
        h("div", { class: "controls" },
          this.field("Solution concepts", this.conceptChecks(p)),
          this.field("More concepts", extra),
          this.runButton("Run stability analysis", run, "run-stability")),
        this.jobSlot("stability"),
        this.staleNote("stability", run)),
      result ? this.stabilityResult(result.data, p) : null);
  }
  stabilityResult(data, p) {
    const stable = {};
    for (const [c, byDm] of Object.entries(data.stability)) {
      stable[c] = {};
      for (const [dm, ids] of Object.entries(byDm)) stable[c][dm] = new Set(ids);
    }
    const eq = {};
    for (const [c, ids] of Object.entries(data.equilibria)) eq[c] = new Set(ids);
    const labelOf = (id) => data.states[id - 1]?.label;
    const shown = 16;
    const summary = h("div", { class: "eq-summary", "data-test": "equilibria" }, data.concepts.map((c) => h("div", { class: "eq-line", "data-test": `eq-${c}` },
      h("span", { class: "concept" }, `${c} (${fmt(data.equilibria[c].length)})`),
      data.equilibria[c].length ? data.equilibria[c].slice(0, shown).map((id) => this.stateChip(id, labelOf(id), () => this.openExplain(id, null, c)))
        : h("span", { class: "muted" }, "no equilibrium"),
      data.equilibria[c].length > shown ? h("button", { class: "link", onclick: () => { p.show = `eq:${c}`; p.limit = 100; this.renderSection(); } },
        `… and ${fmt(data.equilibria[c].length - shown)} more: list them`) : null)));
    const showSelect = this.select([["all", "all states"], ["eq-any", "equilibria (any concept)"], ...data.concepts.map((c) => [`eq:${c}`, `${c} equilibria`])],
      p.show, (v) => { p.show = v; p.limit = 100; paintTable(); }, "Show");
    const search = h("input", { type: "search", value: p.search, placeholder: "number, label or option", "aria-label": "Search states" });
    search.addEventListener("input", debounce(() => { p.search = search.value.trim().toLowerCase(); p.limit = 100; paintTable(); }, 150));
    const outcome = data.outcomes.length ? this.select([["", "any outcome"], ...data.outcomes.map((o, k) => [String(k), o])], p.outcome,
      (v) => { p.outcome = v; p.limit = 100; paintTable(); }, "Outcome") : null;
    const tableBox = h("div");
    const paintTable = () => {
      const rows = [];
      let total = 0;
      for (const st of data.states) {
        if (p.show === "eq-any" && !data.concepts.some((c) => eq[c].has(st.id))) continue;
        if (p.show.startsWith("eq:") && !eq[p.show.slice(3)]?.has(st.id)) continue;
        if (p.outcome !== "" && !(data.state_outcomes[st.id - 1] || []).includes(Number(p.outcome))) continue;
        if (p.search) {
          const text = `${st.id} ${st.label} ${data.descriptions ? data.descriptions[st.id - 1] : ""}`.toLowerCase();
          if (!(String(st.id) === p.search || text.includes(p.search))) continue;
        }
        total += 1;
        if (rows.length < p.limit) rows.push(st);
      }
      const sq = data.status_quo;
      const head1 = h("tr", {}, h("th", { rowspan: 2 }, "#"), h("th", { rowspan: 2 }, "state"),
        data.descriptions ? h("th", { rowspan: 2 }, "what is taken") : null,
        data.outcomes.length ? h("th", { rowspan: 2 }, "outcome") : null,
        data.concepts.map((c) => h("th", { class: "group", colspan: data.decision_makers.length + 1 }, c)));
      const head2 = h("tr", {}, data.concepts.map((c) => [
        data.decision_makers.map((dm, i) => h("th", { class: `center ${i === 0 ? "first" : ""}`, title: dm }, dm.length > 8 ? dm.slice(0, 7) + "…" : dm)),
        h("th", { class: "center", title: "equilibrium" }, "Eq")]));
      const body = rows.map((st) => h("tr", { class: st.id === sq ? "sq" : "", "data-test": "stability-row", "data-state": st.id },
        h("td", { class: "num" }, st.id), h("td", { class: "label" }, st.label, st.id === sq ? h("span", { class: "small muted" }, " status quo") : null),
        data.descriptions ? h("td", { class: "small" }, data.descriptions[st.id - 1]) : null,
        data.outcomes.length ? h("td", { class: "small" }, (data.state_outcomes[st.id - 1] || []).map((k) => data.outcomes[k]).join(", ")) : null,
        data.concepts.map((c) => [
          data.decision_makers.map((dm, i) => {
            const ok = stable[c][dm]?.has(st.id);
            return h("td", { class: `cell ${ok ? "yes" : "no"} ${i === 0 ? "first" : ""}`, title: `${dm}, ${c}: ${ok ? "stable" : "unstable"} — click for why`,
              "data-test": "stability-cell", onclick: () => this.openExplain(st.id, dm, c) }, ok ? "✓" : "✗");
          }),
          h("td", { class: `cell ${eq[c].has(st.id) ? "eq" : "no"}`, title: `${c} equilibrium? click for why`, onclick: () => this.openExplain(st.id, null, c) }, eq[c].has(st.id) ? "★" : "·")])));
      put(clear(tableBox), 
        h("p", { class: "small muted" }, `${fmt(total)} of ${fmt(data.states.length)} states`),
        h("div", { class: "table-wrap" }, h("table", { class: "stab-table", "data-test": "stability-table" }, h("thead", {}, head1, head2), h("tbody", {}, body))),
        total > rows.length ? h("button", { onclick: () => { p.limit += 200; paintTable(); } }, `Show more (${fmt(total - rows.length)} hidden)`) : null);
    };
    paintTable();
    return h("div", { class: "card" },
      h("h2", {}, "Equilibria"),
      h("p", { class: "help" }, "Click a state for why it is (or is not) an equilibrium. The status quo is outlined."),
      summary,
      h("h2", {}, "Stability table"),
      h("div", { class: "controls" }, this.field("Show", showSelect), this.field("Search", search), outcome ? this.field("Outcome", outcome) : null),
      tableBox);
  }

  // -- explanations ------------------------------------------------------------------------------------------
  async openExplain(state, dm, concept) {
    if (!CONCEPTS.includes(concept)) {
      this.explainState = { state, dm, concept, error: `Explanations cover ${CONCEPTS.join(", ")}; not ${concept}.` };
      this.paintExplain();
      return;
    }
    const request = { state, dm, concept, loading: true };
    this.explainState = request;
    this.paintExplain();
    try {
      const body = { model: this.doc, state, concepts: [concept] };
      if (dm) body.dm = dm;
      request.data = await api("POST", "/api/explain", body);
    } catch (err) { request.error = err.message; }
    request.loading = false;
    if (this.explainState === request) this.paintExplain();
  }
  paintExplain() {
    const box = clear(this.explainBox);
    const e = this.explainState;
    if (!e || !this.sectionSlots().length) return;
    const close = h("button", { class: "link", "aria-label": "Close", "data-test": "close-explain", onclick: () => { this.explainState = null; this.paintExplain(); } }, "✕ close");
    const content = [];
    if (e.loading) content.push(h("p", { class: "muted" }, "Working out why…"));
    if (e.error) content.push(h("div", { class: "error-box" }, e.error));
    if (e.data) {
      const st = e.data.state;
      content.push(h("p", {}, h("span", { class: "label" }, st.label), " — ", st.description));
      for (const item of e.data.explanations) {
        content.push(h("h3", {}, `${item.dm} · ${item.concept}: `, h("span", { class: `verdict ${item.stable ? "stable" : "unstable"}` }, item.stable ? "stable" : "unstable")),
          h("ul", {}, (item.sentences || []).map((text) => h("li", {}, text))));
      }
    }
    box.append(h("aside", { class: "explain", "data-test": "explanation", role: "dialog", "aria-label": "Explanation" },
      h("div", { class: "row" }, h("h2", { class: "grow" }, `Why: state ${e.state}`, e.dm ? ` for ${e.dm}` : "", `, ${e.concept}`), close),
      content));
  }

  // -- status quo paths and the state graph ------------------------------------------------------------------------
  section_paths() {
    const p = (this.params.paths ||= { start: "", moves: "improvements", concepts: [...CONCEPTS], neighbours: false, selected: null });
    const run = () => this.runJob("paths", "paths", { start: p.start.trim() || null, moves: p.moves, concepts: p.concepts, neighbours: p.neighbours });
    const start = h("input", { type: "text", value: p.start, placeholder: "the status quo", style: "width:10rem", "aria-label": "Start state" });
    start.addEventListener("input", () => { p.start = start.value; });
    const result = this.results.paths;
    return h("div", {},
      h("div", { class: "card" },
        h("h2", {}, "Status quo analysis"),
        h("p", { class: "help" }, "Which equilibria the conflict can reach from where it stands, through whose moves and in how many steps. The graph shows the states on those paths; drag to pan, scroll to zoom, click a state for its path."),
        h("div", { class: "controls" },
          this.field("Start from (number or label)", start),
          this.field("Steps are", this.select(MOVES, p.moves, (v) => { p.moves = v; }, "Steps")),
          this.field("Equilibria of", this.conceptChecks(p)),
          h("label", { class: "inline" }, h("input", { type: "checkbox", checked: p.neighbours, onchange: (e) => { p.neighbours = e.target.checked; } }), "also states one move away"),
          this.runButton("Run status quo analysis", run, "run-paths")),
        this.jobSlot("paths"), this.staleNote("paths", run)),
      result ? this.pathsResult(result.data, p) : null);
  }
  pathsResult(data, p) {
    const a = data.analysis;
    const targets = a.targets || [];
    const detail = h("div", { "data-test": "path-detail" });
    const graph = new StateGraph(data.graph, this, (id) => { p.selected = id; paintDetail(); });
    const paintDetail = () => {
      const t = targets.find((x) => x.id === p.selected);
      const node = data.graph.nodes.find((n) => n.id === p.selected);
      graph.highlight(t && t.path ? t.path : null, p.selected);
      if (!node && !t) { clear(detail); return; }
      put(clear(detail), h("div", { class: "card" },
        h("h3", {}, `State ${p.selected} `, h("span", { class: "label" }, (node || t).label)),
        t && t.equilibrium.length ? h("p", {}, "Equilibrium under ", t.equilibrium.join(", "), ".") : null,
        t ? (t.reachable ? [h("p", {}, `Reached in ${plural(t.steps, "step")}:`), h("ol", { class: "path-steps" }, (t.path || []).map((step) => h("li", {}, this.stepText(step))))]
          : h("p", { class: "muted" }, "Not reachable from the start.")) :
          node ? h("p", { class: "muted" }, node.reachable ? `${plural(node.steps, "step")} from the start.` : "Not reachable from the start.") : null));
    };
    const ordered = [...targets].sort((x, y) => (y.reachable - x.reachable) || ((x.steps ?? 1e9) - (y.steps ?? 1e9)) || (x.id - y.id));
    const limit = p.allTargets ? ordered.length : 25;
    const rows = ordered.slice(0, limit).map((t) => h("tr", { "data-test": "target-row", style: "cursor:pointer", onclick: () => { p.selected = t.id; paintDetail(); graph.focus(t.id); } },
      h("td", { class: "num" }, t.id), h("td", { class: "label" }, t.label), h("td", {}, t.equilibrium.join(", ") || (t.requested ? "(requested)" : "")),
      h("td", { class: t.reachable ? "" : "muted" }, t.reachable ? `yes, ${plural(t.steps, "step")}` : "no"),
      h("td", { class: "small" }, t.path ? t.path.map((step) => this.stepText(step)).join("; then ") || "it is the start" : "")));
    setTimeout(paintDetail, 0);
    return h("div", {},
      h("div", { class: "card" },
        h("h2", {}, "State graph"),
        h("p", {}, `From state ${a.start.id} (`, h("span", { class: "label" }, a.start.label), `), ${plural(a.reachable, "state")} can be reached by ${a.moves}`,
          a.complete ? "." : " (search cut by the depth limit)."),
        graph.element(),
        detail),
      h("div", { class: "card" },
        h("h2", {}, "Equilibria and how to reach them"),
        h("div", { class: "table-wrap" }, h("table", { "data-test": "targets" },
          h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "state"), h("th", {}, "equilibrium under"), h("th", {}, "reachable"), h("th", {}, "shortest path"))),
          h("tbody", {}, rows))),
        ordered.length > limit ? h("button", { onclick: () => { p.allTargets = true; this.renderSection(); } }, `Show all ${fmt(ordered.length)}`) : null));
  }

  // -- coalitions ------------------------------------------------------------------------------------------
  section_coalitions() {
    const p = (this.params.coalitions ||= { concept: "Nash", sanctions: "coalitions", coalitions: "" });
    const list = () => p.coalitions.split(/[,;\n]+/).map((x) => x.trim()).filter(Boolean);
    const run = () => this.runJob("coalitions", "coalitions", { concept: p.concept, sanctions: p.sanctions, coalitions: list().length ? list() : null });
    const coalitions = h("input", { type: "text", value: p.coalitions, placeholder: "every coalition", style: "width:16rem", "aria-label": "Coalitions" });
    coalitions.addEventListener("input", () => { p.coalitions = coalitions.value; });
    const r = this.results.coalitions;
    let out = null;
    if (r) {
      const d = r.data;
      const label = (id) => d.states?.[String(id)]?.label;
      out = h("div", { class: "card", "data-test": "coalition-result" },
        h("h2", {}, `Coalition analysis (${d.concept})`),
        h("div", { class: "eq-line" }, h("span", { class: "concept" }, "Equilibria"), d.equilibria.map((id) => this.stateChip(id, label(id)))),
        h("div", { class: "eq-line" }, h("span", { class: "concept" }, "Coalition-proof"), d.coalition_equilibria.length ? d.coalition_equilibria.map((id) => this.stateChip(id, label(id))) : h("span", { class: "muted" }, "none")),
        h("h3", {}, "Equilibria that coalitions can break"),
        d.breaks.length ? h("ul", {}, d.breaks.map((b) => {
          const routes = b.routes || [{ target: b.target, label: b.target_label, path: b.path }];
          const more = (b.targets || []).length - routes.length;
          const route = (r) => h("div", { class: "small" }, `to state ${r.target} (${r.label ?? label(r.target) ?? ""}): `,
            (r.path || []).map((step) => this.stepText(step)).join(", then "));
          return h("li", { "data-test": "coalition-break" },
            `State ${b.equilibrium} (${label(b.equilibrium) || ""}) can be broken by `, h("b", {}, b.coalition.join(" + ")),
            ", to a state every member prefers", more > 0 ? ` (${plural(routes.length + more, "such state")})` : "", ":",
            route(routes[0]),
            routes.length > 1 ? h("details", { class: "more" }, h("summary", {}, `${plural(routes.length - 1, "other way")}`), routes.slice(1).map(route)) : null);
        }))
          : h("p", { class: "muted" }, "None: no coalition can jointly improve on an equilibrium."),
        h("h3", {}, "States stable for each coalition"),
        h("table", {}, h("tbody", {}, Object.entries(d.stability).map(([name, ids]) => h("tr", {}, h("td", {}, name),
          h("td", { class: "small" }, ids.slice(0, 80).join(", "), ids.length > 80 ? ` … (${ids.length})` : "")))))
      );
    }
    return h("div", {},
      h("div", { class: "card" },
        h("h2", {}, "Coalitions"),
        h("p", { class: "help" }, "Can decision makers acting together (joint moves every member prefers) break an equilibrium? Coalitions are written as names joined by “+”, separated by commas, e.g. US+China."),
        h("div", { class: "controls" },
          this.field("Concept", this.select(["Nash", "GMR", "SMR", "SEQ"].map((c) => [c, c]), p.concept, (v) => { p.concept = v; }, "Concept")),
          this.field("Sanctions by", this.select([["coalitions", "coalitions of the others"], ["individuals", "the others individually"]], p.sanctions, (v) => { p.sanctions = v; }, "Sanctions")),
          this.field("Coalitions", coalitions),
          this.runButton("Run coalition analysis", run, "run-coalitions")),
        this.jobSlot("coalitions"), this.staleNote("coalitions", run)),
      out);
  }

  // -- strategies: comparison and the pressure dial -------------------------------------------------------------
  section_compare() {
    const doc = this.doc;
    const p = (this.params.compare ||= { concepts: [...CONCEPTS], moves: "improvements" });
    const options = doc.options || [];
    const dial = options.find((o) => optionTop(o) > 1) || options[0];
    const q = (this.params.sweep ||= { option: dial?.name || "", strategy: "", concepts: [...CONCEPTS], moves: "improvements" });
    if (!options.some((o) => o.name === q.option)) q.option = dial?.name || "";
    const runCompare = () => this.runJob("compare", "compare", { concepts: p.concepts, moves: p.moves });
    const runSweep = () => this.runJob("sweep", "sweep", { option: q.option, strategy: q.strategy || null, concepts: q.concepts, moves: q.moves });
    const strategies = Array.isArray(doc.strategies) ? doc.strategies : [];
    return h("div", {},
      h("div", { class: "card" },
        h("h2", {}, "Strategy comparison"),
        strategies.length ? h("p", { class: "help" }, `Each strategy (${strategies.map((s) => s.name).join(", ")}) side by side with no commitment: what the conflict reaches from the status quo under each concept.`)
          : h("div", { class: "stale" }, "This model has no strategies yet: add them in ", h("a", { href: `#/model/${this.id}/strategies` }, "Strategies"), "."),
        h("div", { class: "controls" },
          this.field("Concepts", this.conceptChecks(p)),
          this.field("Steps are", this.select(MOVES, p.moves, (v) => { p.moves = v; }, "Steps")),
          this.runButton("Compare strategies", runCompare, "run-compare")),
        this.jobSlot("compare"), this.staleNote("compare", runCompare),
        this.results.compare ? this.compareTable(this.results.compare.data) : null),
      h("div", { class: "card" },
        h("h2", {}, "Pressure dial"),
        h("p", { class: "help" }, "Hold one option (a dial such as sanctions, or a yes/no option) at each of its levels in turn: which outcome does the conflict reach?"),
        h("div", { class: "controls" },
          this.field("Option", this.select(options.map((o) => [o.name, `${o.name}${optionTop(o) > 1 ? ` (0–${optionTop(o)})` : ""}`]), q.option, (v) => { q.option = v; }, "Dial option")),
          this.field("Within strategy", this.select([["", "none"], ...strategies.map((s) => [s.name, s.name])], q.strategy, (v) => { q.strategy = v; }, "Within strategy")),
          this.field("Concepts", this.conceptChecks(q)),
          this.runButton("Turn the dial", runSweep, "run-sweep")),
        this.jobSlot("sweep"), this.staleNote("sweep", runSweep),
        this.results.sweep ? sweepChart(this.results.sweep.data) : null));
  }
  compareTable(d) {
    return h("div", { "data-test": "compare-result" },
      h("div", { class: "table-wrap" }, h("table", { "data-test": "compare-table" },
        h("thead", {}, h("tr", {}, h("th", {}, "strategy"), h("th", {}, "starts at"), d.concepts.map((c) => h("th", {}, c)))),
        h("tbody", {}, d.strategies.map((st) => h("tr", { "data-test": "compare-row" },
          h("td", {}, h("b", {}, st.name), st.description ? h("div", { class: "small muted" }, st.description) : null,
            Object.keys(st.commit || {}).length ? h("div", { class: "small" }, Object.entries(st.commit).map(([k, v]) => `${k} = ${valueName(v, optionTop(this.optionInfo(k)))}`).join(", ")) : null),
          h("td", { class: "small" }, st.start ? [h("span", { class: "label" }, `${st.start.id}`), " ", (st.start.outcomes || []).join(", ")] : "—", st.note ? h("div", { class: "muted" }, st.note) : null),
          d.concepts.map((c) => {
            const r = st.concepts?.[c];
            if (!r) return h("td", { class: "muted" }, st.note || "—");
            return h("td", { class: `verdict-cell ${r.reachable ? "reach" : ""}` }, r.verdict,
              h("details", { class: "more" }, h("summary", {}, `${plural(r.count, "equilibrium", "equilibria")}`),
                h("ul", { class: "small" }, r.equilibria.slice(0, 20).map((e) => h("li", {}, `${e.id} `, h("span", { class: "label" }, e.label), ` ${e.outcomes.join(", ")}`,
                  e.reachable ? ` — reached in ${plural(e.steps, "step")}` : ""))),
                r.equilibria.length > 20 ? h("div", { class: "muted small" }, `… ${r.equilibria.length - 20} more`) : null));
          })))))));
  }

  // -- misperception ------------------------------------------------------------------------------------------
  section_hypergame() {
    const doc = this.doc;
    const perceptions = Array.isArray(doc.perceptions) ? doc.perceptions : [];
    const p = (this.params.hypergame ||= { concepts: ["Nash", "GMR", "SEQ"], correct: [] });
    const run = () => this.runJob("hypergame", "hypergame", { concepts: p.concepts });
    const runCorrection = () => this.runJob("correction", "hypergame", { concepts: p.concepts, correct: p.correct });
    if (!perceptions.length) {
      return h("div", { class: "card" }, h("h2", {}, "Misperception"),
        h("p", {}, "This model has no perceptions: every decision maker sees the conflict as it is. Add the beliefs you want to study in ",
          h("a", { href: `#/model/${this.id}/perceptions` }, "Perceptions"), "."));
    }
    const listStates = (items) => (items.length ? items.slice(0, 40).map((x) => this.stateChip(x.id ?? x, x.label)) : h("span", { class: "muted" }, "none"));
    let result = null;
    if (this.results.hypergame) {
      const d = this.results.hypergame.data.hypergame;
      result = h("div", { "data-test": "hypergame-result" },
        h("p", {}, "Misperceiving: ", h("b", {}, d.misperceiving.join(", ") || "nobody")),
        d.concepts.map((c) => {
          const r = d.results[c];
          return h("div", { class: "item" }, h("h3", {}, c),
            h("div", { class: "eq-line" }, h("span", { class: "concept" }, "Hyper-eq."), listStates(r.hyper_equilibria)),
            h("div", { class: "eq-line" }, h("span", { class: "concept" }, "True eq."), listStates(r.true_equilibria)),
            h("div", { class: "eq-line" }, h("span", { class: "concept" }, "Unforeseen"), listStates(r.unforeseen)),
            Object.entries(r.expected_equilibria || {}).map(([dm, items]) => h("div", { class: "eq-line" }, h("span", { class: "concept" }, `${dm} expects`), listStates(items))));
        }));
    }
    let correction = null;
    if (this.results.correction) {
      const d = this.results.correction.data.correction;
      correction = h("div", { "data-test": "correction-result" }, Object.entries(d.changes).map(([c, ch]) => h("div", { class: "item" }, h("h3", {}, c),
        h("div", { class: "eq-line" }, h("span", { class: "concept" }, "Become"), listStates(ch.became_hyper_equilibria)),
        h("div", { class: "eq-line" }, h("span", { class: "concept" }, "Stop being"), listStates(ch.stopped_being_hyper_equilibria)),
        Object.entries(ch.expected_equilibria || {}).map(([dm, e]) => h("div", { class: "small" }, `${dm} now expects `, (e.now_expected || []).join(", ") || "nothing new",
          (e.no_longer_expected || []).length ? `; no longer expects ${e.no_longer_expected.join(", ")}` : "")))));
    }
    return h("div", {},
      h("div", { class: "card" }, h("h2", {}, "Misperception (hypergame)"),
        h("p", { class: "help" }, "Each decision maker judges stability in the game it believes it is in. A hyper-equilibrium is a state every decision maker believes stable; “unforeseen” ones are hyper-equilibria that are not equilibria of the true game."),
        h("div", { class: "controls" }, this.field("Concepts", this.conceptChecks(p)), this.runButton("Analyse the hypergame", run, "run-hypergame")),
        this.jobSlot("hypergame"), this.staleNote("hypergame", run), result),
      h("div", { class: "card" }, h("h2", {}, "What if a belief is corrected?"),
        h("div", { class: "controls" },
          this.field("Correct", h("div", { class: "checks" }, perceptions.map((x) => h("label", { class: "inline" },
            h("input", { type: "checkbox", checked: p.correct.includes(x.name), onchange: (e) => {
              p.correct = e.target.checked ? [...p.correct, x.name] : p.correct.filter((n) => n !== x.name);
            } }), x.name)))),
          this.runButton("Correct and compare", () => (p.correct.length ? runCorrection() : notify("Tick a perception to correct.", "warn")), "run-correction")),
        this.jobSlot("correction"), this.staleNote("correction", runCorrection), correction));
  }

  // -- uncertainty ---------------------------------------------------------------------------------------
  section_probabilities() {
    const p = (this.params.uncertainty ||= { concepts: ["Nash", "SEQ"], method: "auto", samples: 2000, seed: 0 });
    const run = () => this.runJob("uncertainty", "uncertainty", { concepts: p.concepts, method: p.method, samples: p.samples, seed: p.seed });
    const number = (field, label, width = "6rem") => {
      const el = h("input", { type: "number", min: field === "seed" ? 0 : 1, value: p[field], style: `width:${width}`, "aria-label": label });
      el.addEventListener("input", () => { p[field] = Math.max(field === "seed" ? 0 : 1, Math.floor(Number(el.value) || 0)); });
      return el;
    };
    const r = this.results.uncertainty;
    return h("div", {},
      h("div", { class: "card" }, h("h2", {}, "Uncertain preferences"),
        h("p", { class: "help" }, "Over the hypotheses and uncertain statement orders given in ", h("a", { href: `#/model/${this.id}/uncertainty` }, "Uncertain preferences"),
          ": the probability that each state is an equilibrium, that the conflict reaches it, and of each strategy's outcomes. Large cases are sampled (Monte Carlo); this can take a while and can be cancelled."),
        h("div", { class: "controls" },
          this.field("Concepts", this.conceptChecks(p)),
          this.field("Method", this.select([["auto", "exact if small, else sample"], ["exact", "exact"], ["sample", "sample"]], p.method, (v) => { p.method = v; }, "Method")),
          this.field("Samples", number("samples", "Samples")), this.field("Seed", number("seed", "Seed", "5rem")),
          this.runButton("Run uncertainty analysis", run, "run-uncertainty")),
        this.jobSlot("uncertainty"), this.staleNote("uncertainty", run)),
      r ? this.uncertaintyResult(r.data) : null);
  }
  uncertaintyResult(d) {
    const bar = (x) => h("span", {}, h("span", { class: "bar-bg" }, h("span", { class: "bar", style: `width:${Math.round((x || 0) * 80)}px` })), `${Math.round((x || 0) * 1000) / 10}%`);
    const states = [...d.states].filter((st) => st.p_reached > 0 || d.concepts.some((c) => st.p_equilibrium[c] > 0));
    const score = (st) => Math.max(...d.concepts.map((c) => st.p_equilibrium_reached[c] || 0)) * 10 + Math.max(...d.concepts.map((c) => st.p_equilibrium[c] || 0));
    states.sort((a, b) => score(b) - score(a) || a.id - b.id);
    const outcomesOrder = (this.doc.outcomes || []).map((o) => o.name);
    const colour = (name) => { const k = outcomesOrder.indexOf(name); return k >= 0 ? OUTCOME_COLOURS[k % OUTCOME_COLOURS.length] : "#b9c0cb"; };
    return h("div", { class: "card", "data-test": "uncertainty-result" },
      h("h2", {}, "Probabilities"),
      h("p", {}, `${d.method === "exact" ? "Exact" : "Sampled"}: ${fmt(d.evaluated)} of ${fmt(d.scenarios)} scenarios evaluated (${Math.round(d.covered * 100)}% of the probability) in ${d.seconds} s.`,
        d.note ? h("span", { class: "muted" }, ` ${d.note}`) : ""),
      d.factors.length ? h("ul", { class: "small" }, d.factors.map((f) => h("li", {}, h("b", {}, f.dm), `: `, Object.entries(f.choices).map(([k, v]) => `${k} (${Math.round(v * 100)}%)`).join(", "))))
        : h("p", { class: "muted" }, "The model states no uncertain preferences: every probability is 0 or 1."),
      Object.keys(d.strategies || {}).length ? [h("h3", {}, "Outcomes of each strategy"),
        h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "strategy"), d.concepts.map((c) => h("th", {}, c)))),
          h("tbody", {}, Object.entries(d.strategies).map(([name, byConcept]) => h("tr", {}, h("td", {}, name),
            d.concepts.map((c) => h("td", {}, Object.entries(byConcept[c] || {}).map(([o, prob]) => h("div", { class: "small" },
              h("span", { class: "swatch", style: `display:inline-block;width:10px;height:10px;background:${colour(o)};margin-right:4px` }), `${o}: ${Math.round(prob * 1000) / 10}%`)))))))),
        h("p", { class: "help" }, "Probability that the conflict, under the strategy, reaches an equilibrium with that outcome (several outcomes can be reachable at once).")] : null,
      h("h3", {}, "States"),
      h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "state"), h("th", {}, "reached"), d.concepts.map((c) => [h("th", {}, `${c} equilibrium`), h("th", {}, `${c} eq. reached`)]))),
        h("tbody", {}, states.slice(0, 60).map((st) => h("tr", {}, h("td", { class: "num" }, st.id), h("td", { class: "label" }, st.label), h("td", {}, bar(st.p_reached)),
          d.concepts.map((c) => [h("td", {}, bar(st.p_equilibrium[c])), h("td", {}, bar(st.p_equilibrium_reached[c]))])))))),
      states.length > 60 ? h("p", { class: "muted small" }, `The 60 most likely of ${fmt(states.length)} states with a chance.`) : null);
  }

  // -- inverse analysis and the report ------------------------------------------------------------------------
  section_inverse() {
    const p = (this.params.inverse ||= { target: "", concept: "Nash", dms: [], reachable: false, max_changes: 3 });
    const names = dmNames(this.doc);
    const run = () => {
      if (!p.target.trim()) { notify("Give the target state (its number or label).", "warn"); return; }
      this.runJob("inverse", "inverse", { target: p.target.trim(), concept: p.concept, dms: p.dms.length ? p.dms : null, reachable: p.reachable, max_changes: p.max_changes });
    };
    const target = h("input", { type: "text", value: p.target, placeholder: "e.g. 1 or NN", style: "width:10rem", "aria-label": "Target state", "data-test": "inverse-target" });
    target.addEventListener("input", () => { p.target = target.value; });
    const r = this.results.inverse;
    return h("div", {},
      h("div", { class: "card" }, h("h2", {}, "Inverse analysis"),
        h("p", { class: "help" }, "What would have to change in the decision makers' preferences for a state you want (a deal) to become an equilibrium, and optionally reachable from the status quo? The fewest changes are listed."),
        h("div", { class: "controls" },
          this.field("Target state", target),
          this.field("Concept", this.select(CONCEPTS.map((c) => [c, c]), p.concept, (v) => { p.concept = v; }, "Concept")),
          this.field("Whose preferences may change", h("div", { class: "checks" }, names.map((n) => h("label", { class: "inline" },
            h("input", { type: "checkbox", checked: p.dms.includes(n), onchange: (e) => { p.dms = e.target.checked ? [...p.dms, n] : p.dms.filter((x) => x !== n); } }), n)))),
          h("label", { class: "inline" }, h("input", { type: "checkbox", checked: p.reachable, onchange: (e) => { p.reachable = e.target.checked; } }), "and reachable from the status quo"),
          this.field("At most", this.select([1, 2, 3, 4, 5, 6].map((n) => [String(n), plural(n, "change")]), String(p.max_changes), (v) => { p.max_changes = Number(v); }, "Most changes")),
          this.runButton("Find the changes", run, "run-inverse")),
        this.jobSlot("inverse"), this.staleNote("inverse", run)),
      r ? h("div", { class: "card", "data-test": "inverse-result" }, h("p", {}, h("b", {}, r.data.summary)),
        r.data.solutions.length > 1 ? [h("h3", {}, "All solutions of that size"), h("ol", {}, r.data.solutions.map((sol) => h("li", {}, sol.map((c) => c.sentence).join("; and "))))] : null,
        !r.data.exhaustive ? h("p", { class: "muted" }, "The search stopped at its limit; there may be other solutions.") : null) : null);
  }
  section_report() {
    if (!App.limits.report) {
      return h("div", { class: "card" }, h("h2", {}, "Report"), h("p", {}, "HTML reports are not available in this version of detente."));
    }
    const run = () => this.runJob("report", "report", {}, (data) => download(data.filename, data.html, "text/html"));
    return h("div", { class: "card" }, h("h2", {}, "Report"),
      h("p", { class: "help" }, "A self-contained HTML report of the model and its analyses, to share or print."),
      this.runButton("Download the HTML report", run, "run-report"), this.jobSlot("report"),
      this.results.report ? h("p", { class: "muted small" }, `Downloaded ${this.results.report.data.filename}.`, " ", h("button", { class: "link", onclick: () => download(this.results.report.data.filename, this.results.report.data.html, "text/html") }, "Download again")) : null);
  }
}

// ---------------------------------------------------------------------------------------------
// The pressure-dial chart (SVG): outcome against level, per concept
// ---------------------------------------------------------------------------------------------
const SPECIAL_FILL = "#f4f5f7";
function sweepChart(d) {
  const outcomes = d.outcomes.map((o) => o.name);
  const colour = (name) => {
    const k = outcomes.indexOf(name);
    if (k >= 0) return OUTCOME_COLOURS[k % OUTCOME_COLOURS.length];
    return name === "other" ? "#9aa5b1" : SPECIAL_FILL;
  };
  const ink = (fill) => (fill === SPECIAL_FILL ? "#6b7380" : "#ffffff");
  const levels = d.level_texts;
  const concepts = d.concepts;
  const cellW = Math.max(48, Math.min(90, 760 / levels.length));
  const most = Math.max(1, ...["reachable", "all"].flatMap((v) => concepts.flatMap((c) => d.cells[v][c].map((cell) => cell.length))));
  const rowH = Math.max(30, 16 * most + 6);
  const left = 70;
  const top = 26;
  const gridH = rowH * concepts.length;
  const views = [["reachable", "Outcome the conflict reaches from the status quo"], ["all", "Outcomes of all equilibria"]];
  const blockH = top + gridH + 40;
  const width = left + cellW * levels.length + 10;
  const svg = s("svg", { viewBox: `0 0 ${width} ${blockH * 2}`, width, height: blockH * 2, role: "img", "aria-label": `Outcome against ${d.option}`, "data-test": "sweep-chart" });
  const seen = new Set();
  views.forEach(([view, title], b) => {
    const y0 = b * blockH;
    svg.append(s("text", { x: 0, y: y0 + 16, "font-size": 13, "font-weight": 600, fill: "#1d2433" }, title));
    concepts.forEach((c, row) => {
      svg.append(s("text", { x: left - 8, y: y0 + top + row * rowH + rowH / 2 + 4, "text-anchor": "end", "font-size": 12, fill: "#1d2433" }, c));
      d.cells[view][c].forEach((cell, col) => {
        const band = rowH / Math.max(1, cell.length);
        cell.forEach((name, k) => {
          seen.add(name);
          const fill = colour(name);
          const x = left + col * cellW;
          const y = y0 + top + row * rowH + k * band;
          svg.append(s("rect", { x, y, width: cellW, height: band, fill }, s("title", {}, `${c}, ${d.option} = ${levels[col]}: ${name}`)));
          if (band >= 12) {
            svg.append(s("text", { x: x + cellW / 2, y: y + band / 2 + 4, "text-anchor": "middle", "font-size": name.length > 10 ? 9 : 10.5, fill: ink(fill), "font-weight": fill === SPECIAL_FILL ? 400 : 600 }, name));
          }
        });
      });
    });
    for (let col = 0; col <= levels.length; col++) svg.append(s("line", { x1: left + col * cellW, x2: left + col * cellW, y1: y0 + top, y2: y0 + top + gridH, stroke: "#444", "stroke-width": 1 }));
    for (let row = 0; row <= concepts.length; row++) svg.append(s("line", { x1: left, x2: left + cellW * levels.length, y1: y0 + top + row * rowH, y2: y0 + top + row * rowH, stroke: "#444", "stroke-width": 1 }));
    levels.forEach((text, col) => svg.append(s("text", { x: left + col * cellW + cellW / 2, y: y0 + top + gridH + 15, "text-anchor": "middle", "font-size": 11, fill: "#1d2433" }, text)));
    svg.append(s("text", { x: left + (cellW * levels.length) / 2, y: y0 + top + gridH + 31, "text-anchor": "middle", "font-size": 11, fill: "#5c667a" }, `${d.option} held at level`));
  });
  const legend = h("div", { class: "legend" }, [...outcomes, "other"].filter((n) => seen.has(n)).map((n) =>
    h("span", {}, h("span", { class: "swatch", style: `background:${colour(n)}` }), n)));
  return h("div", { "data-test": "sweep-result" },
    h("h3", {}, `${d.conflict || "Conflict"}: outcome against ${d.option}${d.within ? `, within “${d.within}”` : ""}`),
    legend, h("div", { style: "overflow-x:auto" }, svg));
}

// ---------------------------------------------------------------------------------------------
// The interactive state graph (SVG): states on the paths from the status quo
// ---------------------------------------------------------------------------------------------
class StateGraph {
  constructor(graph, page, onSelect) {
    this.graph = graph;
    this.page = page;
    this.onSelect = onSelect;
    this.colours = {};
    graph.decision_makers.forEach((dm, k) => { this.colours[dm] = PALETTE[k % PALETTE.length]; });
  }
  colour(dm) { return this.colours[dm] || "#7F3C8D"; }
  pos(id) {
    const p = this.graph.positions[String(id)] || [0, 0];
    return [p[0] * 190, -p[1] * 92];
  }
  element() {
    const wrap = h("div", { class: "graph-wrap", "data-test": "state-graph" });
    const svg = s("svg", { role: "img", "aria-label": "State graph" });
    this.svg = svg;
    this.tip = h("div", { class: "graph-tip hidden" });
    const defs = s("defs");
    const movers = [...new Set(this.graph.edges.map((e) => e.dm))];
    movers.forEach((dm, k) => {
      defs.append(s("marker", { id: `arrow-${k}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
        s("path", { d: "M0,0 L10,5 L0,10 z", fill: this.colour(dm) })));
    });
    svg.append(defs);
    const edges = s("g");
    const nodes = s("g");
    this.edgeEls = [];
    const r = 17;
    for (const e of this.graph.edges) {
      const [x1, y1] = this.pos(e.source);
      const [x2, y2] = this.pos(e.target);
      const dx = x2 - x1;
      const dy = y2 - y1;
      const len = Math.hypot(dx, dy) || 1;
      const ux = dx / len;
      const uy = dy / len;
      const bend = Math.min(30, len / 5);
      const cx = (x1 + x2) / 2 - uy * bend;
      const cy = (y1 + y2) / 2 + ux * bend;
      const sx = x1 + ux * r;
      const sy = y1 + uy * r;
      const ex = x2 - ux * (r + 1);
      const ey = y2 - uy * (r + 1);
      const path = s("path", {
        d: `M${sx},${sy} Q${cx},${cy} ${ex},${ey}`, fill: "none", stroke: this.colour(e.dm),
        "stroke-width": e.on_path ? 2.6 : 1.3, "stroke-dasharray": e.is_improvement ? "" : "5 4",
        opacity: e.on_path ? 0.95 : e.is_improvement ? 0.55 : 0.3, "marker-end": `url(#arrow-${movers.indexOf(e.dm)})`,
      }, s("title", {}, `${e.dm}: ${e.kind}, ${e.source} → ${e.target}`));
      path.dataset.key = `${e.source}>${e.target}`;
      path.dataset.base = path.getAttribute("opacity");
      path.dataset.width = path.getAttribute("stroke-width");
      this.edgeEls.push(path);
      edges.append(path);
    }
    this.nodeEls = {};
    for (const n of this.graph.nodes) {
      const [x, y] = this.pos(n.id);
      const eq = n.equilibrium.length > 0;
      const g = s("g", { transform: `translate(${x},${y})`, style: "cursor:pointer", "data-test": "graph-node", "data-state": n.id });
      const circle = s("circle", { r, fill: eq ? "#ffe08a" : n.reachable ? "#ffffff" : "#eceff4", stroke: n.status_quo ? "#1f5fbf" : "#5c667a", "stroke-width": n.status_quo ? 4 : 1.3 });
      g.append(circle,
        s("text", { "text-anchor": "middle", y: 4, "font-size": 11, "font-weight": 700, fill: "#1d2433" }, n.id),
        s("text", { "text-anchor": "middle", y: r + 13, "font-size": 9.5, fill: "#5c667a", "font-family": "ui-monospace, Menlo, monospace" }, n.label));
      g.addEventListener("pointerenter", (ev) => this.showTip(ev, n));
      g.addEventListener("pointermove", (ev) => this.moveTip(ev));
      g.addEventListener("pointerleave", () => this.tip.classList.add("hidden"));
      g.addEventListener("click", (ev) => { ev.stopPropagation(); this.onSelect(n.id); });
      this.nodeEls[n.id] = circle;
      nodes.append(g);
    }
    svg.append(edges, nodes);
    this.bounds();
    this.fit();
    requestAnimationFrame(() => this.readableView());
    this.interact(svg);
    const tools = h("div", { class: "graph-tools" },
      h("button", { class: "icon", title: "Zoom in", "aria-label": "Zoom in", onclick: () => this.zoom(0.8) }, "+"),
      h("button", { class: "icon", title: "Zoom out", "aria-label": "Zoom out", onclick: () => this.zoom(1.25) }, "−"),
      h("button", { title: "Show everything", onclick: () => this.fit() }, "Fit"));
    const legend = h("div", { class: "legend" },
      [...new Set(this.graph.edges.map((e) => e.dm))].map((dm) => h("span", {}, h("span", { class: "swatch", style: `background:${this.colour(dm)}` }), dm)),
      h("span", {}, h("span", { class: "swatch", style: "background:#ffe08a" }), "equilibrium"),
      h("span", {}, h("span", { class: "swatch", style: "background:#fff;border:3px solid #1f5fbf" }), "start"),
      h("span", {}, h("span", { class: "swatch", style: "background:#eceff4" }), "not reachable"),
      h("span", { class: "muted" }, "dashed: a move that is no improvement"));
    wrap.append(tools, svg, this.tip);
    return h("div", {}, legend, wrap,
      this.graph.nodes.length > 150 ? h("p", { class: "muted small" }, `${this.graph.nodes.length} states are drawn; zoom in to read them.`) : null);
  }
  bounds() {
    const xs = [];
    const ys = [];
    for (const n of this.graph.nodes) { const [x, y] = this.pos(n.id); xs.push(x); ys.push(y); }
    if (!xs.length) { xs.push(0); ys.push(0); }
    this.box = [Math.min(...xs) - 70, Math.min(...ys) - 50, Math.max(...xs) - Math.min(...xs) + 140, Math.max(...ys) - Math.min(...ys) + 100];
  }
  fit() { this.view = [...this.box]; this.apply(); }
  /** Large graphs open around the start at a readable size ("Fit" shows everything). */
  readableView() {
    const rect = this.svg.getBoundingClientRect();
    if (!rect.width || !rect.height) return;
    const scale = Math.max(this.box[2] / rect.width, this.box[3] / rect.height);
    if (scale <= 1.4) return;
    const start = this.graph.nodes.find((n) => n.status_quo) || this.graph.nodes[0];
    const [x, y] = this.pos(start.id);
    const w = rect.width * 1.25;
    const hgt = rect.height * 1.25;
    this.view = [Math.max(this.box[0], x - 90), y - hgt / 2, w, hgt];
    this.apply();
  }
  apply() { this.svg.setAttribute("viewBox", this.view.map((v) => v.toFixed(1)).join(" ")); }
  zoom(factor, cx, cy) {
    const [x, y, w, hgt] = this.view;
    const px = cx === undefined ? x + w / 2 : cx;
    const py = cy === undefined ? y + hgt / 2 : cy;
    this.view = [px - (px - x) * factor, py - (py - y) * factor, w * factor, hgt * factor];
    this.apply();
  }
  toSvg(ev) {
    const rect = this.svg.getBoundingClientRect();
    const [x, y, w, hgt] = this.view;
    const scale = Math.max(w / rect.width, hgt / rect.height);
    const ox = x + (w - rect.width * scale) / 2;
    const oy = y + (hgt - rect.height * scale) / 2;
    return [ox + (ev.clientX - rect.left) * scale, oy + (ev.clientY - rect.top) * scale, scale];
  }
  interact(svg) {
    let drag = null;
    svg.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      const [px, py] = this.toSvg(ev);
      this.zoom(ev.deltaY > 0 ? 1.12 : 1 / 1.12, px, py);
    }, { passive: false });
    svg.addEventListener("pointerdown", (ev) => {
      if (ev.target.closest("[data-test=graph-node]")) return;
      drag = { x: ev.clientX, y: ev.clientY, view: [...this.view], scale: this.toSvg(ev)[2] };
      svg.classList.add("dragging");
      svg.setPointerCapture(ev.pointerId);
    });
    svg.addEventListener("pointermove", (ev) => {
      if (!drag) return;
      this.view = [drag.view[0] - (ev.clientX - drag.x) * drag.scale, drag.view[1] - (ev.clientY - drag.y) * drag.scale, drag.view[2], drag.view[3]];
      this.apply();
    });
    const stop = () => { drag = null; svg.classList.remove("dragging"); };
    svg.addEventListener("pointerup", stop);
    svg.addEventListener("pointercancel", stop);
  }
  showTip(ev, n) {
    put(clear(this.tip), 
      h("div", {}, h("b", {}, `State ${n.id}`), " ", n.label),
      n.status_quo ? h("div", {}, "the start (status quo)") : null,
      n.equilibrium.length ? h("div", {}, `equilibrium: ${n.equilibrium.join(", ")}`) : null,
      h("div", {}, n.reachable ? `${plural(n.steps, "step")} from the start` : "not reachable"));
    this.tip.classList.remove("hidden");
    this.moveTip(ev);
  }
  moveTip(ev) {
    const rect = this.svg.getBoundingClientRect();
    this.tip.style.left = `${ev.clientX - rect.left + 14}px`;
    this.tip.style.top = `${ev.clientY - rect.top + 10}px`;
  }
  highlight(path, selected) {
    const keys = new Set((path || []).map((step) => `${step.from}>${step.to}`));
    for (const el of this.edgeEls) {
      const on = keys.has(el.dataset.key);
      el.setAttribute("opacity", path && path.length ? (on ? 1 : 0.12) : el.dataset.base);
      el.setAttribute("stroke-width", on ? 4 : el.dataset.width);
    }
    for (const [id, circle] of Object.entries(this.nodeEls)) {
      circle.setAttribute("filter", Number(id) === selected ? "drop-shadow(0 0 4px #1f5fbf)" : "");
    }
  }
  focus(id) {
    const [x, y] = this.pos(id);
    const [, , w, hgt] = this.view;
    this.view = [x - w / 2, y - hgt / 2, w, hgt];
    this.apply();
  }
}

boot();
