// vlt web page: text search over the index, and zero-shot classification of a dropped image (plus "more like this").
"use strict";

const $ = (id) => document.getElementById(id);
let hasIndex = false;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// a server started with a token answers 401 until the page is opened once with ?token= (the URL vlt serve printed)
const NOT_AUTHORISED = "not authorised: open the link vlt serve printed (it ends in ?token=…)";

async function call(url, options) {
  const r = await fetch(url, options);
  if (r.status === 401) throw Object.assign(new Error(NOT_AUTHORISED), { unauthorised: true });
  const body = await r.json().catch(() => ({ error: r.status + " " + r.statusText }));
  if (!r.ok) throw new Error(body.error || r.status + " " + r.statusText);
  return body;
}

async function health() {
  try {
    const h = await call("/api/health");
    hasIndex = h.index !== null;
    $("status").textContent = "model " + h.model + " (dim " + h.dim + ")" +
      (hasIndex ? " · index of " + h.index.count + " images" : " · no index loaded (start with --index)");
    if (!hasIndex) {
      $("q").disabled = true;
      $("search-button").disabled = true;
    }
  } catch (e) {
    $("status").className = "error";
    $("status").textContent = e.unauthorised ? e.message : "server unreachable: " + e.message;
  }
}

function showResults(data, what) {
  const grid = $("results");
  grid.replaceChildren();
  for (const r of data.results) {
    const card = el("div", "card");
    card.dataset.id = r.id;
    const img = el("img");
    img.src = r.thumb;
    img.alt = r.name;
    img.loading = "lazy";
    card.append(img, el("div", "score", r.score.toFixed(3)), el("div", "caption", r.caption || r.name));
    card.title = r.name + (r.caption ? " — " + r.caption : "");
    grid.append(card);
  }
  $("search-info").className = "muted";
  $("search-info").textContent = data.results.length + " results for " + what + " in " + data.ms + " ms";
}

function showError(id, e) {
  $(id).className = "error";
  $(id).textContent = e.message;
}

async function search() {
  const q = $("q").value.trim();
  if (!q) return;
  $("search-info").className = "muted";
  $("search-info").textContent = "searching…";
  try {
    const data = await call("/api/search?q=" + encodeURIComponent(q) + "&k=" + $("k").value);
    showResults(data, "“" + q + "”");
  } catch (e) {
    showError("search-info", e);
  }
}

$("search-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  history.replaceState(null, "", "?q=" + encodeURIComponent($("q").value.trim()));
  search();
});

function showBars(data) {
  const bars = $("bars");
  bars.replaceChildren();
  for (const l of data.labels) {
    const row = el("div", "bar-row");
    const bar = el("div", "bar");
    const fill = el("div", "fill");
    fill.style.width = (100 * l.prob).toFixed(1) + "%";
    bar.append(fill);
    row.append(el("span", "label", l.label), bar, el("span", "prob", (100 * l.prob).toFixed(1) + "%"));
    row.title = l.label;
    bars.append(row);
  }
}

async function classify(file) {
  const labels = $("labels").value;
  $("preview").src = URL.createObjectURL(file);
  $("preview").hidden = false;
  $("classify-info").className = "muted";
  $("classify-info").textContent = "classifying " + file.name + "…";
  $("bars").replaceChildren();
  try {
    const data = await call("/api/classify?labels=" + encodeURIComponent(labels), { method: "POST", body: file });
    showBars(data);
    $("classify-info").textContent = file.name + " · " + data.ms + " ms";
  } catch (e) {
    showError("classify-info", e);
    return;
  }
  if (hasIndex) {
    try {
      showResults(await call("/api/search?k=" + $("k").value, { method: "POST", body: file }), "images like " + file.name);
    } catch (e) {
      showError("search-info", e);
    }
  }
}

$("file").addEventListener("change", () => {
  if ($("file").files.length) classify($("file").files[0]);
});
const drop = $("drop");
drop.addEventListener("dragover", (ev) => { ev.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (ev) => {
  ev.preventDefault();
  drop.classList.remove("over");
  if (ev.dataTransfer.files.length) classify(ev.dataTransfer.files[0]);
});

// a search URL (?q=…) can be bookmarked or shared
health().then(() => {
  const q = new URLSearchParams(location.search).get("q");
  if (q && hasIndex) {
    $("q").value = q;
    search();
  }
});
