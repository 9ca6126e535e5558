// The search page (plugins/search): Pagefind's JS API over the index built with the
// site. Progressive enhancement: the form stays hidden, and the page offers browse
// links, until Pagefind has loaded. Same origin only; no inline script or style.
// The query and filters live in the address (?q=…&city=…), so a search can be
// bookmarked, shared and reloaded.

const FILTERS = ["city", "category", "year", "language", "type"];
const PAGE_SIZE = 20;

const form = document.querySelector("[data-search-form]");
if (form) {
  start(form);
}

async function start(form) {
  const ui = {
    form,
    input: form.elements.q,
    status: document.querySelector("[data-search-status]"),
    section: document.querySelector("[data-search-results]"),
    list: document.querySelector("[data-search-list]"),
    more: document.querySelector("[data-search-more]"),
    nojs: document.querySelector("[data-search-nojs]"),
    lang: document.documentElement.lang || "en",
  };
  const messages = form.dataset;
  ui.status.textContent = messages.msgLoading;
  let pagefind;
  try {
    pagefind = await loadIndex(new URL(form.dataset.bundle, document.baseURI));
  } catch (error) {
    ui.status.textContent = messages.msgFailed;
    console.error("search: Pagefind did not load", error);
    return;
  }
  ui.nojs.hidden = true;
  form.hidden = false;
  ui.status.textContent = "";

  readAddress(form);
  const search = searcher(pagefind, ui, messages);
  let timer;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
  form.addEventListener("change", (event) => {
    if (event.target !== ui.input) {
      search();
    }
  });
  ui.input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 300);
  });
  window.addEventListener("popstate", () => {
    readAddress(form);
    search({ remember: false });
  });
  search({ remember: false });
}

// The index comes in shards (plugins/search/pagefind.py), listed in shards.json:
// load the first, then merge the others into it (they share its WebAssembly).
async function loadIndex(bundle) {
  const response = await fetch(new URL("shards.json", bundle));
  if (!response.ok) {
    throw new Error(`shards.json: HTTP ${response.status}`);
  }
  const [first, ...others] = (await response.json()).shards.map(
    (shard) => new URL(shard.path, bundle),
  );
  const pagefind = await import(new URL("pagefind.js", first).href);
  await pagefind.options({ basePath: first.pathname, excerptLength: 30 });
  await pagefind.init();
  await Promise.all(
    others.map((shard) => pagefind.mergeIndex(shard.pathname, { excerptLength: 30 })),
  );
  return pagefind;
}

// Fill the form from the address: ?q=kathmandu&city=Seoul
function readAddress(form) {
  const params = new URLSearchParams(window.location.search);
  form.elements.q.value = params.get("q") || "";
  for (const name of FILTERS) {
    const select = form.elements[name];
    const value = params.get(name) || "";
    const known = Array.from(select.options).some((option) => option.value === value);
    select.value = known ? value : "";
  }
}

function currentQuery(form) {
  const term = form.elements.q.value.trim();
  const filters = {};
  for (const name of FILTERS) {
    const value = form.elements[name].value;
    if (value) {
      filters[name] = value;
    }
  }
  return { term, filters };
}

function writeAddress({ term, filters }) {
  const params = new URLSearchParams();
  if (term) {
    params.set("q", term);
  }
  for (const [name, value] of Object.entries(filters)) {
    params.set(name, value);
  }
  const query = params.toString();
  const url = window.location.pathname + (query ? `?${query}` : "");
  if (url !== window.location.pathname + window.location.search) {
    window.history.pushState(null, "", url);
  }
}

function searcher(pagefind, ui, messages) {
  let generation = 0;
  let results = [];
  let shown = 0;

  async function showMore() {
    const mine = generation;
    const batch = results.slice(shown, shown + PAGE_SIZE);
    const data = await Promise.all(batch.map((result) => result.data()));
    if (mine !== generation) {
      return;
    }
    const first = shown;
    for (const item of data) {
      ui.list.append(renderResult(item, ui));
    }
    shown += data.length;
    ui.more.hidden = shown >= results.length;
    if (first > 0) {
      ui.list.children[first]?.querySelector("a")?.focus();
    }
  }

  ui.more.addEventListener("click", showMore);

  return async function search({ remember = true } = {}) {
    const query = currentQuery(ui.form);
    if (remember) {
      writeAddress(query);
    }
    const mine = ++generation;
    const hasFilters = Object.keys(query.filters).length > 0;
    if (!query.term && !hasFilters) {
      results = [];
      shown = 0;
      ui.list.replaceChildren();
      ui.section.hidden = true;
      ui.more.hidden = true;
      ui.status.textContent = "";
      return;
    }
    ui.status.textContent = messages.msgSearching;
    const found = await pagefind.search(query.term || null, { filters: query.filters });
    if (mine !== generation || found === null) {
      return; // a newer search has started
    }
    results = found.results;
    shown = 0;
    ui.list.replaceChildren();
    ui.section.hidden = results.length === 0;
    ui.status.textContent =
      results.length === 0
        ? messages.msgNone
        : results.length === 1
          ? messages.msgOne
          : messages.msgMany.replace("{count}", results.length.toLocaleString(ui.lang));
    await showMore();
  };
}

function renderResult(item, ui) {
  const li = document.createElement("li");
  li.className = "portal-search__result";
  const resultLang = item.filters?.language?.[0];
  if (resultLang && resultLang !== ui.lang) {
    li.lang = resultLang;
  }
  const heading = document.createElement("h3");
  heading.className = "portal-search__result-title";
  const link = document.createElement("a");
  link.href = item.url;
  link.textContent = item.meta?.title || item.url;
  heading.append(link);
  li.append(heading);

  const facts = [];
  const type = item.filters?.type?.[0];
  if (type) {
    facts.push(optionLabel(ui.form, "type", type, "singular"));
  }
  const date = item.meta?.date;
  if (date) {
    const time = document.createElement("time");
    time.dateTime = date;
    time.textContent = formatDate(date, ui.lang);
    facts.push(time);
  }
  if (resultLang && resultLang !== ui.lang) {
    facts.push(optionLabel(ui.form, "language", resultLang));
  }
  if (facts.length) {
    const meta = document.createElement("p");
    meta.className = "portal-search__result-meta";
    meta.lang = ui.lang;
    facts.forEach((fact, index) => {
      if (index > 0) {
        meta.append(" · ");
      }
      meta.append(fact);
    });
    li.append(meta);
  }

  const excerpt = document.createElement("p");
  excerpt.className = "portal-search__excerpt";
  excerpt.append(...excerptNodes(item.excerpt || ""));
  li.append(excerpt);
  return li;
}

// The label of a filter value, as the form offers it ("de" → "Deutsch"), or the
// option's data-* variant ("article" → data-singular "News article").
function optionLabel(form, name, value, variant) {
  const option = Array.from(form.elements[name].options).find((o) => o.value === value);
  if (!option) {
    return value;
  }
  return (variant && option.dataset[variant]) || option.textContent;
}

// A date at its own precision: "2009", "June 2009" or "22 June 2009" (the site
// writes English dates day first, as en-GB does).
function formatDate(iso, lang) {
  const [year, month, day] = iso.slice(0, 10).split("-").map(Number);
  const date = new Date(Date.UTC(year, (month || 1) - 1, day || 1));
  const options = { year: "numeric", timeZone: "UTC" };
  if (month) {
    options.month = "long";
  }
  if (day) {
    options.day = "numeric";
  }
  return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : lang, options).format(date);
}

// Pagefind's excerpt is text with <mark> around the hits: keep the marks, and
// turn everything else into plain text (nothing from the index becomes markup).
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const nodes = [];
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(node.textContent));
    }
  }
  return nodes;
}
