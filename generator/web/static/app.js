// congvan serve: the editor's behaviour, in plain JavaScript (no library, no network).
"use strict";
(function () {
  const form = document.getElementById("dispatch");
  if (!form) return;
  const T = JSON.parse(document.getElementById("texts").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const status = document.getElementById("status");
  const pages = document.getElementById("pages");
  const stale = document.getElementById("stale");
  const fmt = (text, values) => text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));

  // -- names and labels follow the order of the items --------------------------------
  function indexIn(el, selector) {
    return Array.from(el.parentElement.children).filter((c) => c.matches(selector)).indexOf(el);
  }
  function renumber() {
    form.querySelectorAll("[data-key]").forEach((input) => {
      if (input.closest("template") || !input.matches("input, select, textarea")) return;
      const parts = [input.dataset.key];
      const chain = [];
      let row = input.closest("tr.row");
      if (row) {
        const i = indexIn(row, "tr.row");
        input.name = `grid.${i}.${input.dataset.key}`;
        input.id = "f-" + input.name;
        const lab = input.closest("td").querySelector("label");
        lab.htmlFor = input.id;
        lab.textContent = `${fmt(T.row, { n: i + 1 })} – ${lab.dataset.label}`;
        return;
      }
      for (let el = input.parentElement; el && el !== form; el = el.parentElement) {
        if (el.classList.contains("item")) {
          const i = indexIn(el, ".item");
          parts.unshift(String(i));
          const list = el.closest("fieldset.list");
          chain.unshift(`${list.dataset.itemLabel} ${i + 1}`);
        } else if (el.matches("fieldset.list")) {
          parts.unshift(el.dataset.key);
        }
      }
      input.name = parts.filter((p) => p !== "").join(".");
      input.id = "f-" + input.name;
      const box = input.closest(".field");
      const lab = box && box.querySelector(":scope > label.lab");
      if (lab) {
        lab.htmlFor = input.id;
        const own = lab.dataset.label;
        const head = chain.join(", ");
        lab.textContent = head && own ? `${head} – ${own}` : head || own;
      }
    });
    // a list inside an item (an annex's lines, a directive's sub-items) is named after its item
    form.querySelectorAll("fieldset.list > legend[data-label]").forEach((legend) => {
      const chain = [];
      for (let el = legend.parentElement.parentElement; el && el !== form; el = el.parentElement) {
        if (el.classList.contains("item")) {
          chain.unshift(`${el.closest("fieldset.list").dataset.itemLabel} ${indexIn(el, ".item") + 1}`);
        }
      }
      const head = chain.join(", ");
      const own = legend.dataset.label;
      legend.textContent = head && own ? `${head} – ${own}` : head || own;
    });
  }

  form.addEventListener("click", (ev) => {
    const b = ev.target.closest("button");
    if (!b || b.type !== "button") return;
    if (b.classList.contains("add")) {
      const list = b.closest("fieldset.list");
      const tpl = list.querySelector(":scope > template");
      list.querySelector(":scope > .items").appendChild(tpl.content.cloneNode(true));
      renumber();
      const added = list.querySelector(":scope > .items > .item:last-child");
      const first = added.querySelector("input, textarea, select");
      if (first) first.focus();
    } else if (b.classList.contains("remove") || b.classList.contains("up") || b.classList.contains("down")) {
      const item = b.closest(".item");
      if (b.classList.contains("remove")) item.remove();
      else if (b.classList.contains("up") && item.previousElementSibling) item.parentElement.insertBefore(item, item.previousElementSibling);
      else if (b.classList.contains("down") && item.nextElementSibling) item.parentElement.insertBefore(item.nextElementSibling, item);
      renumber();
      schedule();
    } else if (b.classList.contains("add-row")) {
      addRow({});
      renumber();
    } else if (b.classList.contains("remove-row")) {
      b.closest("tr.row").remove();
      renumber();
      schedule();
    }
  });

  function addRow(values) {
    const tbody = form.querySelector("table.grid tbody");
    const tpl = document.getElementById("grid-row");
    const row = tpl.content.firstElementChild.cloneNode(true);
    row.querySelectorAll("input").forEach((i) => { i.value = values[i.dataset.key] || ""; });
    tbody.insertBefore(row, tpl);
  }

  // -- preview ------------------------------------------------------------------------
  let timer = null;
  let sent = 0;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(preview, 400);
  }
  const quiet = (el) => el.type === "file";
  let dirty = false;
  form.addEventListener("input", (ev) => { if (!quiet(ev.target)) { dirty = true; schedule(); } });
  ["dl-pdf", "dl-docx"].forEach((id) => document.getElementById(id).addEventListener("click", () => {
    if (dirty) { status.className = "bad"; status.textContent = T.unsaved; }
  }));
  form.addEventListener("change", (ev) => { if (!quiet(ev.target)) schedule(); });

  function post(url, body) {
    return fetch(url, { method: "POST", body, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" });
  }

  function clearProblems() {
    form.querySelectorAll(".err").forEach((e) => e.remove());
    form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
  }
  function showProblems(problems) {
    clearProblems();
    const general = [];
    problems.forEach((p) => {
      let el = p.name ? form.elements.namedItem(p.name) : null;
      if (el && !(el instanceof Element) && el.length) el = el[0];
      if (!el && p.name) {
        // the deepest field the message's path starts with
        const inputs = Array.from(form.querySelectorAll("[name]")).filter((i) => p.name.startsWith(i.name + "."));
        inputs.sort((a, b) => b.name.length - a.name.length);
        el = inputs[0] || null;
      }
      if (!el && p.name === "grid") el = form.querySelector("table.grid");
      if (!el) { general.push(p.message); return; }
      el.setAttribute("aria-invalid", "true");
      const folded = el.closest("details");
      if (folded) folded.open = true;
      const msg = document.createElement("p");
      msg.className = "err";
      msg.setAttribute("role", "alert");
      msg.textContent = p.message;
      const at = el.closest("td") || el.closest(".field") || el;
      at.appendChild(msg);
    });
    return general;
  }

  async function preview() {
    const mine = ++sent;
    status.textContent = T.rendering;
    const r = await post("/preview", new FormData(form));
    if (mine !== sent) return;
    const data = await r.json();
    if (data.ok) {
      clearProblems();
      stale.hidden = true;
      pages.replaceChildren(...data.pages.map((src, i) => {
        const img = document.createElement("img");
        img.src = src;
        img.alt = fmt(T.page, { n: i + 1 });
        img.className = "page";
        return img;
      }));
      pages.dataset.version = String(mine);
      status.textContent = "";
    } else {
      const general = showProblems(data.problems);
      stale.hidden = false;
      status.textContent = fmt(T.problems, { count: data.problems.length }) + (general.length ? " " + general.join(" ") : "");
    }
  }

  // -- save ---------------------------------------------------------------------------
  document.getElementById("save").addEventListener("click", async () => {
    status.textContent = T.saving;
    const r = await post("/save", new FormData(form));
    const data = await r.json();
    if (data.ok) {
      form.elements.namedItem("opened").value = data.opened;
      dirty = false;
      clearProblems();
      status.className = "ok";
    } else {
      showProblems(data.problems || []);
      status.className = "bad";
    }
    status.textContent = data.message;
  });

  // -- the plan file ------------------------------------------------------------------
  document.getElementById("plan-upload").addEventListener("change", async (ev) => {
    const file = ev.target.files[0];
    if (!file) return;
    const body = new FormData();
    body.append("plan", file);
    const r = await post("/plan/upload", body);
    const data = await r.json();
    const note = form.querySelector(".plan-message");
    if (!data.ok) { note.textContent = data.message; note.className = "plan-message bad"; return; }
    form.querySelectorAll("table.grid tbody tr.row").forEach((row) => { if (!row.closest("template")) row.remove(); });
    data.rows.forEach(addRow);
    form.elements.namedItem("plan_file").value = data.name;
    renumber();
    note.className = "plan-message ok";
    note.textContent = fmt(T.uploaded, { count: data.rows.length, file: data.name });
    schedule();
  });

  // -- signature and seal images --------------------------------------------------------
  form.querySelectorAll("input[data-image-for]").forEach((input) => input.addEventListener("change", async () => {
    const file = input.files[0];
    if (!file) return;
    const body = new FormData();
    body.append("f", form.elements.namedItem("f").value);
    body.append("field", input.dataset.imageFor);
    body.append("image", file);
    const r = await post("/image/upload", body);
    const data = await r.json();
    if (!data.ok) { status.className = "bad"; status.textContent = data.message; return; }
    form.elements.namedItem(input.dataset.imageFor).value = data.name;
    schedule();
  }));

  // -- copies and print files ---------------------------------------------------------
  document.getElementById("batch").addEventListener("click", async () => {
    const area = document.getElementById("batch-area");
    area.hidden = false;
    const progress = document.getElementById("progress");
    progress.value = 0;
    document.getElementById("phase").textContent = "…";
    document.getElementById("report").textContent = "";
    document.getElementById("changes").replaceChildren();
    document.getElementById("outputs").replaceChildren();
    const body = new FormData();
    body.append("f", form.elements.namedItem("f").value);
    const r = await post("/batch", body);
    const { job } = await r.json();
    const source = new EventSource(`/batch/events?job=${encodeURIComponent(job)}`);
    source.onmessage = (ev) => {
      const s = JSON.parse(ev.data);
      progress.max = s.total || 1;
      progress.value = s.done;
      document.getElementById("phase").textContent = s.error || s.phase;
      if (!s.finished) return;
      source.close();
      document.getElementById("report").textContent = s.report;
      if (s.error) { status.className = "bad"; status.textContent = s.error; return; }
      const changes = document.getElementById("changes");
      const h = (tag, text) => { const e = document.createElement(tag); e.textContent = text; return e; };
      changes.append(h("h3", T.changes));
      const ul = document.createElement("ul");
      (s.changes.length ? s.changes : [T.none]).forEach((c) => ul.append(h("li", c)));
      changes.append(ul, h("h3", T.remade));
      const ul2 = document.createElement("ul");
      ul2.className = "written";
      (s.written.length ? s.written : [T.none]).forEach((c) => ul2.append(h("li", c)));
      changes.append(ul2);
      const f = encodeURIComponent(form.elements.namedItem("f").value);
      const outs = document.getElementById("outputs");
      const link = (name, text) => { const a = h("a", text); a.className = "button"; a.href = `/output?f=${f}&name=${encodeURIComponent(name)}`; return a; };
      s.files.forEach((name) => outs.append(link(name, name.endsWith(".pdf") ? T.print_pdf : T.print_docx)));
      outs.append(link("copies.zip", T.zip));
    };
  });

  // long texts grow with what is typed, as on the page
  function fit(t) { t.style.height = "auto"; t.style.height = t.scrollHeight + 2 + "px"; }
  form.addEventListener("input", (ev) => { if (ev.target.matches("textarea")) fit(ev.target); });
  form.querySelectorAll("textarea").forEach(fit);

  renumber();
  preview();
})();
