// Vinculo's small progressive enhancements. Every page works without this file.
"use strict";
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // Phone navigation: the menu button folds the side navigation.
  const toggle = document.querySelector(".menu-toggle");
  const nav = document.getElementById("nav");
  if (toggle && nav) {
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }

  // Only one dropdown open at a time; Escape or a click elsewhere closes it.
  const dropdowns = [...document.querySelectorAll("details.dropdown")];
  dropdowns.forEach((d) => d.addEventListener("toggle", () => {
    if (d.open) dropdowns.filter((o) => o !== d).forEach((o) => { o.open = false; });
  }));
  document.addEventListener("click", (e) => {
    dropdowns.forEach((d) => { if (d.open && !d.contains(e.target)) d.open = false; });
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") dropdowns.forEach((d) => { d.open = false; });
  });

  // Copy buttons next to one-time secrets.
  document.querySelectorAll("[data-copy]").forEach((btn) => {
    btn.hidden = false;
    btn.addEventListener("click", async () => {
      const el = document.getElementById(btn.dataset.copy);
      if (!el) return;
      try {
        await navigator.clipboard.writeText(el.textContent.trim());
        btn.textContent = btn.dataset.copied || "✓";
      } catch (_) {
        const range = document.createRange();
        range.selectNodeContents(el);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
      }
    });
  });

  // Forms that change a select submit on change (role pickers in tables).
  document.querySelectorAll("select[data-autosubmit]").forEach((s) => {
    s.addEventListener("change", () => s.form && s.form.requestSubmit());
    const btn = s.form && s.form.querySelector("[data-autosubmit-fallback]");
    if (btn) btn.hidden = true;
  });

  // Confirmation for destructive buttons.
  document.querySelectorAll("[data-confirm]").forEach((b) => {
    b.addEventListener("click", (e) => { if (!window.confirm(b.dataset.confirm)) e.preventDefault(); });
  });

  // Typeahead on search boxes: matches appear as you type; Enter still submits the form.
  document.querySelectorAll("input[data-typeahead]").forEach((input) => {
    const wrap = input.parentElement;
    wrap.classList.add("typeahead");
    const list = document.createElement("ul");
    list.className = "typeahead-list";
    list.hidden = true;
    list.setAttribute("role", "listbox");
    wrap.appendChild(list);
    let timer = null;
    let seq = 0;
    const close = () => { list.hidden = true; list.replaceChildren(); };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(async () => {
        const mine = ++seq;
        try {
          const res = await fetch(`${input.dataset.typeahead}?limit=8&q=${encodeURIComponent(q)}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
          if (!res.ok || mine !== seq) return;
          const page = await res.json();
          list.replaceChildren(...page.data.map((c) => {
            const li = document.createElement("li");
            const a = document.createElement("a");
            a.href = `/customers/${c.id}`;
            a.textContent = c.display_name;
            const detail = (c.emails[0] && c.emails[0].value) || (c.phones[0] && c.phones[0].value);
            if (detail) {
              const small = document.createElement("span");
              small.className = "small";
              small.textContent = ` · ${detail}`;
              a.appendChild(small);
            }
            li.appendChild(a);
            return li;
          }));
          list.hidden = page.data.length === 0;
        } catch (_) { close(); }
      }, 150);
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "Escape") close();
      if (e.key === "ArrowDown" && !list.hidden) { const first = list.querySelector("a"); if (first) { e.preventDefault(); first.focus(); } }
    });
    document.addEventListener("click", (e) => { if (!wrap.contains(e.target)) close(); });
  });

  // Import progress: poll the status every second; reload for the report when it ends.
  const importBox = document.querySelector("[data-import-status]");
  if (importBox) {
    const bar = importBox.querySelector("progress");
    const percent = importBox.querySelector("[data-import-percent]");
    const counts = importBox.querySelector("[data-import-counts]");
    const poll = async () => {
      try {
        const res = await fetch(importBox.dataset.importStatus, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (res.ok) {
          const s = await res.json();
          if (s.stage !== "running") { window.location.reload(); return; }
          bar.value = s.percent;
          percent.textContent = String(s.percent);
          counts.textContent = counts.dataset.template.replace(/\{(\w+)\}/g, (all, k) => (k in s ? String(s[k]) : all));
        }
      } catch (_) { /* try again on the next tick */ }
      setTimeout(poll, 1000);
    };
    setTimeout(poll, 1000);
  }

  // A customer's timeline shows new interactions as they arrive: the server says when one
  // is committed, and the section is fetched again as the page would show it. A later page
  // (?before=) stays put: new entries belong to the first.
  const timeline = document.getElementById("interactions");
  if (timeline && timeline.dataset.live && window.EventSource
      && !new URLSearchParams(window.location.search).has("before")) {
    let pending = null;
    const refresh = () => {
      pending = null;
      const current = document.getElementById("interactions");
      if (!current) return;
      const query = new URLSearchParams(window.location.search);
      query.delete("flash");
      fetch(current.dataset.fragment + (query.toString() ? "?" + query : ""), { credentials: "same-origin" })
        .then((res) => (res.ok ? res.text() : null))
        .then((html) => {
          if (!html) return;
          const holder = document.createElement("div");
          holder.innerHTML = html;
          const fresh = holder.firstElementChild;
          if (fresh) {
            fresh.classList.add("tl-updated");
            current.replaceWith(fresh);
          }
        })
        .catch(() => { /* the next event tries again */ });
    };
    // A burst of interactions (a batch) refreshes once.
    const soon = () => { if (!pending) pending = setTimeout(refresh, 250); };
    const source = new EventSource(timeline.dataset.live);
    source.addEventListener("interaction", soon);
    source.addEventListener("reload", soon);
    window.addEventListener("pagehide", () => source.close());
  }

  // Screen pop: a call ringing on this agent's extension (or queue) pushes its caller's card
  // here; answered and ended update it. The cards outlive a navigation (the agent opens the
  // caller's profile mid-call) through sessionStorage, until closed or half an hour old.
  const pops = document.getElementById("screenpop");
  if (pops && pops.dataset.live && window.EventSource) {
    const KEY = "vinculo.pops";
    const MAX_AGE = 30 * 60 * 1000;
    const load = () => {
      try { return JSON.parse(sessionStorage.getItem(KEY) || "[]"); } catch (_) { return []; }
    };
    const save = (list) => {
      try { sessionStorage.setItem(KEY, JSON.stringify(list)); } catch (_) { /* private mode */ }
    };
    const cardOf = (call) => Array.from(pops.querySelectorAll(".pop")).find((c) => c.dataset.call === call);
    const setState = (card, state, text) => {
      card.dataset.state = state;
      const line = card.querySelector(".pop-state");
      if (line && text) line.textContent = text;
    };
    const forget = (call) => save(load().filter((p) => p.call !== call));
    const show = (html, state, text) => {
      const holder = document.createElement("div");
      holder.innerHTML = html;
      const card = holder.firstElementChild;
      if (!card) return null;
      const old = cardOf(card.dataset.call);
      if (old) old.replaceWith(card); else pops.prepend(card);
      if (state) setState(card, state, text);
      const close = card.querySelector(".pop-close");
      if (close) close.addEventListener("click", () => { forget(card.dataset.call); card.remove(); });
      return card;
    };
    const now = Date.now();
    const kept = load().filter((p) => now - p.at < MAX_AGE);
    save(kept);
    kept.slice().reverse().forEach((p) => show(p.html, p.state, p.text));
    const source = new EventSource(pops.dataset.live);
    source.addEventListener("card", (e) => {
      const card = show(e.data);
      if (!card) return;
      save([{ call: card.dataset.call, html: e.data, state: "ringing", text: "", at: Date.now() }]
        .concat(load().filter((p) => p.call !== card.dataset.call)));
    });
    source.addEventListener("call", (e) => {
      let u;
      try { u = JSON.parse(e.data); } catch (_) { return; }
      const card = cardOf(u.call_id);
      if (!card) return;
      setState(card, u.state, u.text);
      save(load().map((p) => (p.call === u.call_id ? Object.assign(p, { state: u.state, text: u.text }) : p)));
    });
    window.addEventListener("pagehide", () => source.close());
  }

  // Drop the one-shot ?flash= from the address bar so a reload does not repeat it.
  const url = new URL(window.location.href);
  if (url.searchParams.has("flash")) {
    url.searchParams.delete("flash");
    window.history.replaceState(null, "", url.pathname + (url.search || "") + url.hash);
  }
});
