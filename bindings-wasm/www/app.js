// 重大事故隐患现场检查表: renders the questions of a standard from its schema and the open
// questions of the report, and re-evaluates on every answer. No framework, no network: the rules
// run in the WebAssembly module (./pkg/, the web build of bindings-wasm).
import init, { Library } from "./pkg/yinhuan_wasm.js";

// ---------- small helpers ----------

const $ = (sel, el = document) => el.querySelector(sel);

/** Creates an element: h("div", {class: "x", onclick}, child, "text", …). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k in el && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

function localToday() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** JSON pointer tokens of a path like `/blast_furnaces/0/name`. */
const tokens = (path) => path.split("/").slice(1).map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));

function getAt(obj, path) {
  let cur = obj;
  for (const t of tokens(path)) {
    if (cur == null) return undefined;
    cur = cur[t];
  }
  return cur;
}

/** Sets the value at a pointer; `undefined` removes it (the fact becomes unknown). */
function setAt(obj, path, value) {
  const ts = tokens(path);
  let cur = obj;
  for (const t of ts.slice(0, -1)) {
    if (cur[t] == null) cur[t] = {};
    cur = cur[t];
  }
  const last = ts[ts.length - 1];
  if (value === undefined) {
    if (Array.isArray(cur)) cur[last] = undefined;
    else delete cur[last];
  } else cur[last] = value;
}

// Units a quantity may be answered in (docs/language.md), and how to show them.
const UNIT_GROUPS = [
  ["Pa", "kPa", "MPa", "mmH2O"],
  ["g", "kg", "t"],
  ["mm", "cm", "m", "km"],
  ["m2"],
  ["L", "m3"],
  ["s", "min", "h", "d"],
  ["persons"],
  ["%"],
  ["degC"],
  ["V", "kV"],
  ["W", "kW", "MW"],
  ["m/s", "km/h"],
];
const UNIT_LABEL = { mmH2O: "mmH₂O", m2: "m²", m3: "m³", degC: "℃", persons: "人", s: "秒", min: "分钟", h: "小时", d: "天" };
const unitLabel = (u) => UNIT_LABEL[u] ?? u;
const unitsLike = (u) => UNIT_GROUPS.find((g) => g.includes(u)) ?? [u];

const STATUS_LABEL = { in_force: "现行有效", not_yet_in_force: "尚未施行", expired: "已失效", superseded: "已被替代" };
const IDENTITY = ["name", "id", "region_code"];
const STORE = "yinhuan-form-v1";

// ---------- state ----------

const state = {
  standard: "",
  asOf: localToday(),
  facts: {},
  onlyNeeded: true,
};
let lib;
let schema; // the standard's schema (facts its rules read)
let fullSchema; // every fact (for entity names)
let rulesById = new Map();
let topOrder = []; // enterprise fields in the order the rules read them
const entityOrder = new Map(); // list field -> field order inside one of its entities
let lastReport = null;
let visibleKey = "";

function save() {
  try {
    localStorage.setItem(STORE, JSON.stringify({ standard: state.standard, asOf: state.asOf, facts: state.facts, onlyNeeded: state.onlyNeeded }));
  } catch {
    /* storage may be unavailable (private mode): answers then live only in this page */
  }
}

function restore() {
  try {
    const s = JSON.parse(localStorage.getItem(STORE) ?? "null");
    if (s && typeof s === "object") {
      state.standard = typeof s.standard === "string" ? s.standard : "";
      state.asOf = typeof s.asOf === "string" && s.asOf ? s.asOf : state.asOf;
      state.facts = s.facts && typeof s.facts === "object" ? s.facts : {};
      state.onlyNeeded = s.onlyNeeded !== false;
    }
  } catch {
    /* a damaged store starts empty */
  }
}

// ---------- schema helpers ----------

function types(prop) {
  return Array.isArray(prop.type) ? prop.type : prop.type ? [prop.type] : [];
}

/** How a fact is asked: bool, choice, choices, integer, decimal, quantity, date, text, entities. */
function kindOf(prop) {
  const t = types(prop);
  if (prop.items && prop.items.properties) return "entities";
  if (prop["x-choices"] && t.includes("array")) return "choices";
  if (prop["x-choices"]) return "choice";
  if (t.includes("boolean")) return "bool";
  if (t.includes("integer")) return "integer";
  if ("x-unit" in prop) return "quantity";
  if (t.includes("number")) return "decimal";
  if (prop.format === "date") return "date";
  return "text";
}

/** The entity schema of a list field, with `name` added from the full schema when it exists. */
function entitySchema(listProp, fullListProp) {
  const items = listProp.items ?? { properties: {} };
  const props = { ...items.properties };
  const full = fullListProp?.items?.properties ?? {};
  if (full.name && !props.name) props.name = full.name;
  return { title: items.title ?? "", properties: props };
}

/** A short form of a question label, to name a fact in an explanation. */
function shortLabel(title) {
  return (title ?? "")
    .replace(/(是多少|是什么|有多少人|有多少|是哪一天|是几|是否)？$/, "")
    .replace(/？$/, "");
}

function fieldTitle(path) {
  const ts = tokens(path).filter((t) => !/^\d+$/.test(t));
  let props = schema?.properties ?? {};
  let fullProps = fullSchema?.properties ?? {};
  let title = "";
  for (const t of ts) {
    const p = props[t] ?? fullProps[t];
    if (!p) return t;
    title = p.title ?? t;
    props = p.items?.properties ?? {};
    fullProps = fullProps[t]?.items?.properties ?? {};
  }
  return title;
}

/** Names an entity instance for the inspector: its name, or 「高炉 1」. */
function instanceName(path) {
  const ts = tokens(path);
  const item = getAt(state.facts, path);
  if (item && typeof item.name === "string" && item.name.trim()) return item.name.trim();
  const listPath = "/" + ts.slice(0, -1).join("/");
  const title = schema?.properties?.[ts[0]]?.items?.title ?? fieldTitle(listPath);
  return `${title} ${Number(ts[ts.length - 1]) + 1}`;
}

/** 「1#高炉：炉顶工作压力设定值是多少？」 for a fact inside an entity, the label alone otherwise. */
function labelFor(path, questions) {
  const q = questions?.find((q) => q.path === path);
  const label = q?.label ?? fieldTitle(path);
  const ts = tokens(path);
  const idx = ts.findLastIndex((t) => /^\d+$/.test(t));
  if (idx >= 0 && idx < ts.length - 1) {
    return `${instanceName("/" + ts.slice(0, idx + 1).join("/"))}：${label}`;
  }
  return label;
}

// ---------- setup: standard, date, sectors ----------

function fillStandards() {
  const sel = $("#standard");
  const all = lib.standards(state.asOf).filter((s) => s.rules > 0);
  all.sort((a, b) => (a.status === "in_force" ? 0 : 1) - (b.status === "in_force" ? 0 : 1));
  sel.replaceChildren(
    ...all.map((s) =>
      h("option", { value: s.id }, `${s.title}${s.document ? `（${s.document}）` : ""}${s.status === "in_force" ? "" : `〔${STATUS_LABEL[s.status] ?? s.status}〕`}`),
    ),
  );
  if (!all.some((s) => s.id === state.standard)) state.standard = all[0]?.id ?? "";
  sel.value = state.standard;
}

function loadStandard() {
  schema = lib.schema(state.standard);
  fullSchema = lib.schema();
  rulesById = new Map(lib.rules(state.standard).map((r) => [r.id, r]));
  topOrder = [];
  for (const r of rulesById.values()) {
    for (const f of r.facts) {
      const [entity, field] = f.field.split(".");
      if (entity === "enterprise" && !topOrder.includes(field)) topOrder.push(field);
    }
  }
  for (const f of Object.keys(schema.properties ?? {}).sort()) if (!topOrder.includes(f)) topOrder.push(f);
  entityOrder.clear();
  renderSectors();
}

function renderSectors() {
  const box = $("#sectors");
  const prop = schema.properties?.sectors;
  if (!prop) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const chosen = new Set(state.facts.sectors ?? []);
  // The sectors the standard has rules for (a rule applies to an enterprise of that sector alone);
  // every sector when none is singled out. Sectors already chosen stay visible.
  const relevant = prop["x-choices"].filter((c) => {
    try {
      const r = lib.evaluate({ sectors: [c.id] }, { ...options(), explain: false });
      return r.findings.some((f) => f.outcome !== "not_applicable");
    } catch {
      return true;
    }
  });
  const shown = relevant.length ? prop["x-choices"].filter((c) => chosen.has(c.id) || relevant.includes(c)) : prop["x-choices"];
  box.replaceChildren(
    h("legend", {}, prop.title ?? "企业属于哪些行业？"),
    ...shown.map((c) =>
      h(
        "label",
        { class: "chip" },
        h("input", {
          type: "checkbox",
          value: c.id,
          checked: chosen.has(c.id),
          onchange: () => {
            const v = [...box.querySelectorAll("input:checked")].map((i) => i.value);
            if (v.length) state.facts.sectors = v;
            else delete state.facts.sectors;
            update({ structural: true });
          },
        }),
        c.label,
      ),
    ),
  );
}

// ---------- the questions ----------

function options() {
  return { asOf: state.asOf, standards: state.standard ? [state.standard] : [], explain: true };
}

/** Fields of an entity in the order its rules ask them (probed once per list field). */
function orderOf(listField, entity) {
  if (!entityOrder.has(listField)) {
    let order = [];
    try {
      const probe = { ...state.facts, [listField]: [{}] };
      const q = lib.questions(probe, { asOf: state.asOf, standards: options().standards });
      const prefix = `/${listField}/0/`;
      order = q.filter((x) => x.path.startsWith(prefix)).map((x) => tokens(x.path)[2]);
    } catch {
      /* facts with errors: schema order */
    }
    entityOrder.set(listField, order);
  }
  const order = entityOrder.get(listField);
  const names = Object.keys(entity.properties);
  const rank = (n) => (n === "name" ? -1 : order.includes(n) ? order.indexOf(n) : 1000);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The enterprise fields to show: those still needed (or, all relevant ones) and those answered. */
function visibleFields(report) {
  const props = schema.properties ?? {};
  const show = new Set();
  for (const [k, v] of Object.entries(state.facts)) if (v !== undefined && v !== null && props[k]) show.add(k);
  if (report) {
    for (const q of report.questions) show.add(tokens(q.path)[0]);
    if (!state.onlyNeeded) {
      for (const f of report.findings) {
        if (f.outcome === "not_applicable") continue;
        for (const fact of rulesById.get(f.rule)?.facts ?? []) {
          const [entity, field] = fact.field.split(".");
          if (entity === "enterprise") show.add(field);
          else {
            // a field of an entity: show the list that holds it
            for (const [k, p] of Object.entries(props)) if (p.items?.properties?.[field]) show.add(k);
          }
        }
      }
    }
  }
  for (const k of ["sectors", ...IDENTITY]) show.delete(k);
  return topOrder.filter((f) => show.has(f) && props[f]);
}

function renderForm(fields) {
  const form = $("#questions");
  const active = document.activeElement;
  const focusId = active && form.contains(active) ? active.id : null;
  const sel = focusId && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;

  const basics = h(
    "fieldset",
    { class: "basics" },
    h("legend", {}, "企业基本信息"),
    ...IDENTITY.filter((f) => schema.properties?.[f]).map((f) => renderField(f, schema.properties[f], "/" + f)),
  );
  const parts = [basics];
  if (schema.properties?.sectors && !(state.facts.sectors ?? []).length) {
    parts.push(h("p", { class: "hint big" }, "请先在上方选择企业所属行业，需要回答的检查问题会随之列出。"));
  } else if (!fields.length) {
    parts.push(h("p", { class: "hint big" }, "没有需要回答的问题。"));
  } else {
    parts.push(...fields.map((f) => renderField(f, schema.properties[f], "/" + f)));
  }
  form.replaceChildren(...parts);

  if (focusId) {
    const el = document.getElementById(focusId);
    if (el) {
      el.focus();
      if (sel && "setSelectionRange" in el) {
        try {
          el.setSelectionRange(sel[0], sel[1]);
        } catch {
          /* not a text input */
        }
      }
    }
  }
}

function onAnswer(path, value, structural = false) {
  setAt(state.facts, path, value);
  update({ structural });
}

function renderField(name, prop, path) {
  const kind = kindOf(prop);
  const id = `q:${path}`;
  const value = getAt(state.facts, path);
  const title = prop.title ?? name;
  const box = h("div", { class: `q q-${kind}`, dataset: { path } });
  const head = h("div", { class: "q-head" }, kind === "entities" || kind === "choices" || kind === "choice" || kind === "bool" ? h("span", { class: "q-label", id: `${id}:label` }, title) : h("label", { class: "q-label", for: id }, title));
  box.append(head);
  if (prop.description) box.append(h("div", { class: "q-help" }, prop.description));
  const radios = (choices) =>
    h(
      "div",
      { class: "choices", role: "radiogroup", "aria-labelledby": `${id}:label` },
      ...choices.map(([v, label]) =>
        h(
          "label",
          { class: "chip" },
          h("input", {
            type: "radio",
            name: id,
            id: `${id}:${String(v)}`,
            checked: v === null ? value === undefined || value === null : value === v,
            onchange: () => onAnswer(path, v === null ? undefined : v),
          }),
          label,
        ),
      ),
    );
  switch (kind) {
    case "bool":
      box.append(radios([[true, "是"], [false, "否"], [null, "未知"]]));
      break;
    case "choice":
      box.append(radios([...prop["x-choices"].map((c) => [c.id, c.label]), [null, "未知"]]));
      break;
    case "choices": {
      const chosen = Array.isArray(value) ? value : null;
      const group = h("div", { class: "choices", role: "group", "aria-labelledby": `${id}:label` });
      const read = () => {
        const none = group.querySelector("input[data-none]").checked;
        const v = [...group.querySelectorAll("input[data-choice]:checked")].map((i) => i.value);
        onAnswer(path, v.length ? v : none ? [] : undefined);
      };
      for (const c of prop["x-choices"]) {
        group.append(
          h(
            "label",
            { class: "chip" },
            h("input", {
              type: "checkbox",
              value: c.id,
              id: `${id}:${c.id}`,
              dataset: { choice: "" },
              checked: !!chosen?.includes(c.id),
              onchange: (e) => {
                if (e.target.checked) group.querySelector("input[data-none]").checked = false;
                read();
              },
            }),
            c.label,
          ),
        );
      }
      group.append(
        h(
          "label",
          { class: "chip none" },
          h("input", {
            type: "checkbox",
            id: `${id}:none`,
            dataset: { none: "" },
            checked: !!chosen && chosen.length === 0,
            onchange: (e) => {
              if (e.target.checked) group.querySelectorAll("input[data-choice]").forEach((i) => (i.checked = false));
              read();
            },
          }),
          "以上都没有",
        ),
      );
      box.append(group, h("div", { class: "q-note" }, "都不勾选表示尚不清楚（未知）。"));
      break;
    }
    case "integer":
    case "decimal":
    case "text":
    case "date": {
      const input = h("input", {
        id,
        type: kind === "date" ? "date" : "text",
        inputmode: kind === "integer" ? "numeric" : kind === "decimal" ? "decimal" : null,
        value: value ?? "",
        placeholder: kind === "text" ? "" : kind === "date" ? "" : "未知",
        autocomplete: "off",
        oninput: (e) => {
          const t = e.target.value.trim();
          onAnswer(path, t === "" ? undefined : t);
        },
      });
      box.append(h("div", { class: "inputs" }, input));
      break;
    }
    case "quantity": {
      const declared = prop["x-unit"] ?? "";
      let number = "";
      let unit = declared;
      if (typeof value === "number") number = String(value);
      else if (typeof value === "string") {
        const m = value.trim().match(/^([-+0-9.eE]*)\s*(.*)$/);
        number = m?.[1] ?? value;
        unit = m?.[2] || declared;
        if (!unitsLike(declared).includes(unit)) {
          number = value;
          unit = declared;
        }
      }
      const input = h("input", { id, type: "text", inputmode: "decimal", value: number, placeholder: "未知", autocomplete: "off" });
      const units = unitsLike(declared);
      const select = h(
        "select",
        { id: `${id}:unit`, "aria-label": "单位", disabled: units.length < 2 },
        ...units.map((u) => h("option", { value: u, selected: u === unit }, unitLabel(u))),
      );
      const read = () => {
        const t = input.value.trim();
        if (t === "") return onAnswer(path, undefined);
        // A number: in the chosen unit. Text with its own unit ("0.24 MPa") is passed as typed.
        onAnswer(path, /^[-+]?[0-9.]+([eE][-+]?\d+)?$/.test(t) ? (select.value === declared ? t : `${t} ${select.value}`) : t);
      };
      input.addEventListener("input", read);
      select.addEventListener("change", read);
      box.append(h("div", { class: "inputs" }, input, select));
      break;
    }
    case "entities":
      box.append(renderEntities(name, prop, path, value));
      break;
  }
  box.append(h("div", { class: "q-status", "aria-live": "polite" }), h("div", { class: "q-error", role: "alert" }));
  return box;
}

function renderEntities(name, prop, path, value) {
  const depth = tokens(path).length;
  const fullProp = depth === 1 ? fullSchema.properties?.[name] : null;
  const entity = entitySchema(prop, fullProp);
  const what = entity.title || "一项";
  const items = Array.isArray(value) ? value : null;
  const wrap = h("div", { class: "entities" });
  const state_ = items === null ? "尚未填写（未知）" : items.length === 0 ? "没有" : `共 ${items.length} 个`;
  wrap.append(h("div", { class: "list-state" }, state_));
  const order = depth === 1 ? orderOf(name, entity) : Object.keys(entity.properties).sort((a, b) => (a === "name" ? -1 : b === "name" ? 1 : a.localeCompare(b)));
  (items ?? []).forEach((item, i) => {
    const ipath = `${path}/${i}`;
    const fs = h(
      "fieldset",
      { class: "item", dataset: { path: ipath } },
      h(
        "legend",
        {},
        `${what} ${i + 1}`,
        h("button", {
          type: "button",
          class: "link danger",
          onclick: () => {
            const list = getAt(state.facts, path);
            list.splice(i, 1);
            update({ structural: true });
          },
        }, "删除"),
      ),
    );
    for (const f of order) {
      if (!entity.properties[f]) continue;
      const p = f === "name" ? { ...entity.properties[f], title: `${what}名称或编号` } : entity.properties[f];
      fs.append(renderField(f, p, `${ipath}/${f}`));
    }
    wrap.append(fs);
  });
  const buttons = h("div", { class: "list-buttons" });
  buttons.append(
    h("button", {
      type: "button",
      class: "add",
      onclick: () => {
        const list = Array.isArray(getAt(state.facts, path)) ? getAt(state.facts, path) : [];
        list.push({});
        setAt(state.facts, path, list);
        update({ structural: true });
      },
    }, `＋ 添加${what}`),
  );
  if (!items || items.length === 0) {
    if (items === null) buttons.append(h("button", { type: "button", onclick: () => onAnswer(path, [], true) }, `没有${what}`));
    else buttons.append(h("button", { type: "button", onclick: () => onAnswer(path, undefined, true) }, "改为未知"));
  }
  wrap.append(buttons);
  return wrap;
}

/** Marks each question: still needed (and for which rules), or in error. */
function markFields(report, error) {
  const needed = new Map((report?.questions ?? []).map((q) => [q.path, q]));
  for (const box of document.querySelectorAll("#questions .q")) {
    const q = needed.get(box.dataset.path);
    box.classList.toggle("needed", !!q);
    const status = box.querySelector(":scope > .q-status");
    status.textContent = q ? `待回答 · 可判定 ${q.rules.join("、")}` : "";
    const err = box.querySelector(":scope > .q-error");
    const bad = error && error.path && error.path === box.dataset.path;
    box.classList.toggle("invalid", !!bad);
    err.textContent = bad ? errorText(error) : "";
  }
}

function errorText(e) {
  if (e.code === "E0301" || e.code === "E0304") return `答案格式不对：应为 ${e.expected}，收到 ${e.received}（${e.code}）`;
  return `${e.message}（${e.code}）`;
}

// ---------- results ----------

/** The facts compared in the situations that held, with Chinese names. */
function evidence(node, entityProps, out = []) {
  if (!node || node.value !== "true") return out;
  let props = entityProps;
  if (node.kind === "instance" && node.instance) {
    const list = tokens(node.instance)[0];
    props = schema.properties?.[list]?.items?.properties ?? props;
  }
  if (node.detail && ["compare", "fact", "in", "empty"].includes(node.kind)) {
    const text = node.detail
      .replace(/([a-z_][a-z0-9_]*) = /g, (m, f) => (props[f] || schema.properties?.[f] ? `${shortLabel((props[f] ?? schema.properties[f]).title)} = ` : m))
      .replace(/ = true\b/g, " = 是")
      .replace(/ = false\b/g, " = 否");
    if (!out.includes(text)) out.push(text);
  }
  for (const c of node.children ?? []) evidence(c, props, out);
  return out;
}

function citeLine(f) {
  return h("p", { class: "cite" }, h("strong", {}, f.citations.join("、")), ` · ${f.rule} · ${f.edition}`, f.superseded ? " · 非现行版本" : "");
}

function jump(path) {
  if (path === "/sectors") {
    $("#sectors").scrollIntoView({ behavior: "smooth", block: "center" });
    $("#sectors input")?.focus({ preventScroll: true });
    return;
  }
  let el = document.querySelector(`#questions [data-path="${CSS.escape(path)}"]`);
  if (!el) {
    const ts = tokens(path);
    while (!el && ts.length > 1) {
      ts.pop();
      el = document.querySelector(`#questions [data-path="${CSS.escape("/" + ts.join("/"))}"]`);
    }
  }
  if (el) {
    el.scrollIntoView({ behavior: "smooth", block: "center" });
    el.classList.add("flash");
    setTimeout(() => el.classList.remove("flash"), 1200);
    el.querySelector("input, select")?.focus({ preventScroll: true });
  }
}

function renderResults(report, error) {
  const out = $("#results");
  const parts = [];
  if (error) {
    parts.push(
      h(
        "div",
        { class: "banner error", role: "alert" },
        h("strong", {}, "有答案无法识别，结果暂停更新。"),
        h("div", {}, error.path ? `${labelFor(error.path, report?.questions)}：${errorText(error)}` : errorText(error)),
      ),
    );
  }
  if (!report) {
    out.replaceChildren(...parts);
    return;
  }
  const by = (o) => report.findings.filter((f) => f.outcome === o);
  const hazards = by("hazard");
  const open = by("undetermined");
  const clear = by("clear");
  const na = by("not_applicable");
  const std = report.standards[0];
  parts.push(
    h("div", { class: "summary" },
      h("div", { class: "std" }, std ? `${std.title}（${std.document}）` : "未选择标准", ` · 检查日期 ${report.as_of}`),
      h("div", { class: "counts" },
        h("span", { class: "count hazard" }, `隐患 ${hazards.length}`),
        h("span", { class: "count open" }, `待定 ${open.length}`),
        h("span", { class: "count clear" }, `已排除 ${clear.length}`),
        h("span", { class: "count na" }, `不适用 ${na.length}`),
      ),
    ),
  );
  for (const n of report.notices) {
    const text = n.code === "N002" ? `本标准有部分条款原文未能取得，未纳入判定：${n.message.split(": ").pop()}` : n.code === "N004" ? "所选标准在检查日期不在施行期内，结果仅供参考。" : n.message;
    parts.push(h("p", { class: "notice" }, text));
  }

  parts.push(h("h2", { class: "hazard" }, `判定为${std?.outcome_label ?? "重大事故隐患"}（${hazards.length}）`));
  const hz = h("section", { id: "hazards" });
  if (!hazards.length) hz.append(h("p", { class: "empty" }, "目前没有判定为重大事故隐患的情形。"));
  for (const f of hazards) {
    const ev = evidence(f.explanation?.children?.find((c) => c.kind === "condition"), {});
    hz.append(
      h("article", { class: "finding hazard", dataset: { rule: f.rule } },
        h("h3", {}, f.title),
        citeLine(f),
        f.instances?.length ? h("p", { class: "who" }, "涉及：", f.instances.map((i) => i.name ?? instanceName(i.path)).join("、")) : null,
        h("ul", { class: "reasons" }, ...(f.reasons ?? []).map((r) => h("li", {}, r))),
        ev.length ? h("details", { class: "evidence" }, h("summary", {}, "判定依据"), h("ul", {}, ...ev.map((t) => h("li", {}, t)))) : null,
      ),
    );
  }
  parts.push(hz);

  parts.push(h("h2", { class: "open" }, `尚待判定（${open.length}）`));
  const un = h("section", { id: "undetermined" });
  if (!open.length) un.append(h("p", { class: "empty" }, "所有适用条款均已可判定。"));
  for (const f of open) {
    un.append(
      h("article", { class: "finding open", dataset: { rule: f.rule } },
        h("h3", {}, f.title),
        citeLine(f),
        h("div", { class: "needs" }, "回答以下问题即可判定：",
          h("ul", {}, ...(f.missing ?? []).map((p) => h("li", {}, h("a", { href: "#", class: "jump", onclick: (e) => { e.preventDefault(); jump(p); } }, labelFor(p, report.questions))))),
        ),
      ),
    );
  }
  parts.push(un);

  parts.push(
    h("details", { class: "cleared", open: clear.length <= 8 },
      h("summary", {}, h("h2", { class: "clear" }, `已排除（${clear.length}）`)),
      h("section", { id: "cleared" },
        clear.length ? null : h("p", { class: "empty" }, "暂无。"),
        ...clear.map((f) => h("article", { class: "finding clear", dataset: { rule: f.rule } }, h("h3", {}, f.title), citeLine(f))),
      ),
    ),
    h("details", { class: "na" },
      h("summary", {}, h("h2", { class: "na" }, `不适用（${na.length}）`)),
      h("ul", { id: "not-applicable" }, ...na.map((f) => h("li", { dataset: { rule: f.rule } }, `${f.citations.join("、")} ${f.title}`))),
    ),
  );
  out.replaceChildren(...parts);
  // Narrow screens: the results are below the questions; a bar keeps the counts in view.
  $("#bar").replaceChildren(
    h("span", { class: "count hazard" }, `隐患 ${hazards.length}`),
    h("span", { class: "count open" }, `待定 ${open.length}`),
    h("span", { class: "count clear" }, `已排除 ${clear.length}`),
    h("a", { href: "#results" }, "查看结果 ↓"),
  );
}

// ---------- the update loop ----------

function update({ structural = false } = {}) {
  save();
  let report = null;
  let error = null;
  try {
    report = lib.evaluate(state.facts, options());
  } catch (e) {
    error = e;
  }
  if (report) lastReport = report;
  const fields = visibleFields(report ?? lastReport);
  const key = fields.join(",") + "|" + JSON.stringify(state.facts.sectors ?? null);
  if (structural || key !== visibleKey) {
    visibleKey = key;
    renderForm(fields);
  }
  markFields(report ?? lastReport, error);
  renderResults(report ?? lastReport, error);
  document.body.dataset.state = error ? "error" : "ok";
}

function exportFacts() {
  const blob = new Blob([JSON.stringify(state.facts, null, 2)], { type: "application/json" });
  const a = h("a", { href: URL.createObjectURL(blob), download: `${state.facts.name || "企业"}-检查记录-${state.asOf}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

async function importFacts(file) {
  try {
    const facts = JSON.parse(await file.text());
    if (!facts || typeof facts !== "object" || Array.isArray(facts)) throw new Error("文件内容不是企业事实（JSON 对象）");
    state.facts = facts;
    entityOrder.clear();
    renderSectors();
    update({ structural: true });
  } catch (e) {
    alert(`无法导入：${e.message}`);
  }
}

async function main() {
  try {
    await init();
    // The form needs the rules, not the tests written beside them (*.test.yh): leaving those out
    // makes loading several times faster.
    try {
      lib = Library.fromSources(Library.embeddedSources().filter((f) => !f.name.endsWith(".test.yh")));
    } catch {
      lib = Library.embedded();
    }
  } catch (e) {
    $("#results").replaceChildren(h("div", { class: "banner error" }, `判定规则加载失败：${e.message}`));
    return;
  }
  restore();
  const date = $("#asOf");
  date.value = state.asOf;
  date.addEventListener("change", () => {
    if (!date.value) date.value = localToday();
    state.asOf = date.value;
    fillStandards();
    loadStandard();
    update({ structural: true });
  });
  fillStandards();
  loadStandard();
  $("#standard").addEventListener("change", (e) => {
    state.standard = e.target.value;
    loadStandard();
    update({ structural: true });
  });
  const only = $("#onlyNeeded");
  only.checked = state.onlyNeeded;
  only.addEventListener("change", () => {
    state.onlyNeeded = only.checked;
    update({ structural: true });
  });
  $("#export").addEventListener("click", exportFacts);
  $("#import").addEventListener("change", (e) => e.target.files[0] && importFacts(e.target.files[0]));
  $("#reset").addEventListener("click", () => {
    if (!confirm("清空全部答案？")) return;
    state.facts = {};
    entityOrder.clear();
    renderSectors();
    update({ structural: true });
  });
  update({ structural: true });
  document.body.dataset.ready = "true";
  if ("serviceWorker" in navigator && location.protocol !== "file:" && !navigator.webdriver) {
    navigator.serviceWorker.register("./sw.js").catch(() => {});
  }
}

main();
