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

  // A customer's timeline scrolls on: when "Ver más" comes near the screen, or is clicked,
  // the next page's fragment is fetched and its entries appended here; a day already shown
  // (the page split it) grows in place, so each day has one heading. The link stays a plain
  // link without JavaScript, after a failed fetch, and for "open in a new tab"; the address
  // bar keeps this page's URL, so a reload or a shared link starts from the same page.
  const olderLink = () => document.querySelector("#interactions > .tl-pages a[rel=next]:not([data-plain])");
  let olderBusy = false;
  // The customer's form and consents come after the timeline: past this many pages fetched
  // on their own (200 more entries), "Ver más" waits for a click, so scrolling reaches them.
  const OLDER_AUTO_PAGES = 8;
  // Fetch while the link is still about a screen below the fold, so reading seldom stops.
  const olderWatch = window.IntersectionObserver ? new IntersectionObserver((seen) => {
    const near = seen.find((e) => e.isIntersecting);
    if (near) loadOlder(near.target, false);
  }, { rootMargin: "0px 0px 800px 0px" }) : null;
  // Watches the section's current "Ver más", if any (none on the last page), and gives the
  // section a polite live region for "Cargando…", there before it first speaks.
  const watchOlder = () => {
    if (olderWatch) olderWatch.disconnect();
    const link = olderLink();
    if (!link) return;
    const section = link.closest("#interactions");
    if (!section.querySelector(":scope > .tl-status")) {
      const status = document.createElement("div");
      status.className = "tl-status small muted";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      section.append(status);
    }
    if (olderWatch && Number(section.dataset.pagesAdded || 0) < OLDER_AUTO_PAGES) olderWatch.observe(link);
  };
  // Moves the fetched section's days into `section` before its pages paragraph, then puts the
  // fetched paragraph (the next link, or none at the end) in place of it. Returns the first
  // entry added.
  const appendOlder = (section, pages, fetched) => {
    let first = null;
    fetched.querySelectorAll(":scope > h3.tl-day").forEach((heading) => {
      const list = heading.nextElementSibling;
      const time = heading.querySelector("time[datetime]");
      if (!list || !list.matches("ol.timeline") || !time) return;
      const items = Array.from(list.children);
      if (!first) first = items[0] || null;
      const shown = section.querySelector(`:scope > h3.tl-day time[datetime="${time.getAttribute("datetime")}"]`);
      const shownList = shown && shown.closest("h3").nextElementSibling;
      if (shownList && shownList.matches("ol.timeline")) shownList.append(...items);
      else pages.before(heading, list);
    });
    const nextPages = fetched.querySelector(":scope > .tl-pages");
    if (nextPages) pages.replaceWith(nextPages); else pages.remove();
    return first;
  };
  const loadOlder = async (link, clicked) => {
    const section = link.closest("#interactions");
    const pages = link.closest(".tl-pages");
    if (olderBusy || !section || !pages || !section.dataset.fragment) return;
    olderBusy = true;
    if (olderWatch) olderWatch.unobserve(link);
    const status = section.querySelector(":scope > .tl-status");
    if (status) status.textContent = pages.dataset.loading || "…";
    section.setAttribute("aria-busy", "true");
    let fetched = null;
    try {
      // The link's own query (channel, before): the fragment route reads the same.
      const res = await fetch(section.dataset.fragment + new URL(link.href).search, { credentials: "same-origin" });
      if (res.ok) {
        const holder = document.createElement("div");
        holder.innerHTML = await res.text();
        // Not a section (a login page after the session ended, say) counts as a failure.
        fetched = holder.querySelector("#interactions");
      }
    } catch (_) { /* below: the link stays a link */ }
    olderBusy = false;
    section.removeAttribute("aria-busy");
    if (status) status.textContent = "";
    // The live refresh replaced the section meanwhile: its newest page is what to show, and
    // its link (seen while this was busy) is watched afresh.
    if (!section.isConnected || !link.isConnected) { watchOlder(); return; }
    if (!fetched) {
      link.dataset.plain = "";
      if (clicked) window.location.assign(link.href);
      return;
    }
    const first = appendOlder(section, pages, fetched);
    if (!first) return; // nothing came: do not ask again on its own
    section.dataset.pagesAdded = String(Number(section.dataset.pagesAdded || 0) + 1);
    if (clicked) {
      // A keyboard or screen-reader user goes on reading where the new entries start.
      first.tabIndex = -1;
      first.focus({ preventScroll: true });
    }
    watchOlder();
  };
  document.addEventListener("click", (e) => {
    const link = e.target.closest && e.target.closest("#interactions > .tl-pages a[rel=next]:not([data-plain])");
    if (!link || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    loadOlder(link, true);
  });
  watchOlder();

  // One live stream per page (GET /live) for every topic it follows: the timeline, the
  // inbox, the screen pop. A browser has six connections per server, page loads included,
  // so tabs share what they can:
  // - one tab, the holder of a Web Lock, follows the screen pop for all of them and passes
  //   its cards on over a BroadcastChannel (without those APIs, each tab follows it);
  // - a tab hidden for a minute closes its stream (unless it holds the screen pop), and
  //   catches up when shown again: each topic's catch-up fetches what it shows.
  const live = (() => {
    const topics = new Set();
    const handlers = {};
    const catchUps = [];
    let source = null;
    let hiddenTimer = null;
    let keeper = false;
    let started = false;
    // Settles once this tab knows whether it follows the screen pop (see `pops`).
    let decided = Promise.resolve();
    const HIDDEN_GRACE = 60 * 1000;
    const hidden = () => document.visibilityState === "hidden";
    const open = () => {
      if (source || topics.size === 0 || !window.EventSource) return;
      source = new EventSource("/live?" + Array.from(topics).join("&"));
      Object.keys(handlers).forEach((name) => {
        source.addEventListener(name, (e) => handlers[name].forEach((fn) => fn(e.data)));
      });
    };
    const close = () => {
      if (source) { source.close(); source = null; }
    };
    const on = (name, fn) => { (handlers[name] = handlers[name] || []).push(fn); };
    const resume = () => {
      if (source) return;
      open();
      catchUps.forEach((fn) => fn());
    };
    document.addEventListener("visibilitychange", () => {
      clearTimeout(hiddenTimer);
      if (!started) return;
      if (hidden()) {
        if (!keeper) hiddenTimer = setTimeout(close, HIDDEN_GRACE);
      } else {
        resume();
      }
    });
    window.addEventListener("pagehide", close);
    window.addEventListener("pageshow", (e) => { if (e.persisted && started) resume(); });
    return {
      // A topic (`customer=ID`, `inbox=1`…), its events' handlers, and what to do when the
      // stream comes back after a pause (events may have been missed meanwhile).
      follow(topic, events, catchUp) {
        topics.add(topic);
        Object.keys(events).forEach((name) => on(name, events[name]));
        if (catchUp) catchUps.push(catchUp);
      },
      // The screen pop: followed by one tab (the lock's holder), its cards shown in all.
      pops(topic, events) {
        if (!window.BroadcastChannel || !navigator.locks) {
          this.follow(topic, events);
          return;
        }
        const shared = new BroadcastChannel("vinculo-screenpop");
        shared.onmessage = (m) => {
          const fn = m.data && events[m.data.name];
          if (fn) fn(m.data.data);
        };
        // Only the keeper's stream carries these: show here, and tell the other tabs.
        Object.keys(events).forEach((name) => on(name, (data) => {
          events[name](data);
          shared.postMessage({ name, data });
        }));
        const become = () => {
          keeper = true;
          clearTimeout(hiddenTimer);
          topics.add(topic);
          if (started) { close(); open(); }
          // Held until the tab closes or navigates; the lock then passes to a waiting tab.
          return new Promise(() => {});
        };
        decided = new Promise((settle) => {
          navigator.locks.request("vinculo-screenpop", { ifAvailable: true }, (lock) => {
            settle();
            if (lock) return become();
            navigator.locks.request("vinculo-screenpop", become).catch(() => {});
            return undefined;
          }).catch(() => settle());
        });
      },
      // Opens the stream once the topics are known; a tab opened in the background waits
      // until it is shown (its page is fresh), unless it follows the screen pop.
      start() {
        decided.then(() => {
          started = true;
          if (keeper || !hidden()) open();
        });
      },
    };
  })();

  // A customer's timeline shows new interactions as they arrive: the server says when one
  // is committed, and the section is fetched again as the page would show it. A later page
  // (?before=) stays put: new entries belong to the first.
  const timeline = document.getElementById("interactions");
  if (timeline && timeline.dataset.topic
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
            // The whole section becomes the newest page again: older entries loaded by
            // scrolling go (the page may get shorter) and come back by scrolling down.
            current.replaceWith(fresh);
            watchOlder();
          }
        })
        .catch(() => { /* the next event tries again */ });
    };
    // A burst of interactions (a batch) refreshes once.
    const soon = () => { if (!pending) pending = setTimeout(refresh, 250); };
    live.follow(timeline.dataset.topic, { interaction: soon, reload: soon }, soon);
  }

  // Screen pop: a call ringing on this agent's extension (or queue) pushes its caller's card
  // here; answered and ended update it. The cards outlive a navigation (the agent opens the
  // caller's profile mid-call) through sessionStorage, until closed or half an hour old.
  const pops = document.getElementById("screenpop");
  if (pops && pops.dataset.topic) {
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
    const onCard = (data) => {
      const card = show(data);
      if (!card) return;
      save([{ call: card.dataset.call, html: data, state: "ringing", text: "", at: Date.now() }]
        .concat(load().filter((p) => p.call !== card.dataset.call)));
    };
    const onCall = (data) => {
      let u;
      try { u = JSON.parse(data); } catch (_) { return; }
      const card = cardOf(u.call_id);
      if (!card) return;
      setState(card, u.state, u.text);
      save(load().map((p) => (p.call === u.call_id ? Object.assign(p, { state: u.state, text: u.text }) : p)));
    };
    live.pops(pops.dataset.topic, { card: onCard, call: onCall });
  }

  // The inbox live: the unread badges follow the server's count; the list, or the open
  // conversation's thread and controls, are fetched again when a conversation changes (not
  // a form the agent is typing in); and the collision warning says who else is there.
  const inboxLive = document.querySelector("#inbox-body[data-topic], #conv[data-topic]");
  if (inboxLive) {
    const setBadges = (n) => {
      document.querySelectorAll(".nav-count").forEach((b) => {
        b.dataset.unread = String(n);
        b.hidden = n === 0;
        const shown = b.querySelector("[aria-hidden]");
        if (shown) shown.textContent = String(n);
        const said = b.querySelector(".visually-hidden");
        if (said && b.dataset.label) said.textContent = b.dataset.label.replace("{n}", String(n));
      });
    };
    // The parts of the page to take from a fresh copy: never one holding the focus.
    const PARTS = ["#inbox-body", "ol.thread", ".conv-meta", ".conv-side"];
    let pending = null;
    const refresh = () => {
      pending = null;
      const query = new URLSearchParams(window.location.search);
      query.delete("flash");
      const url = window.location.pathname + (query.toString() ? "?" + query : "");
      fetch(url, { credentials: "same-origin" })
        .then((res) => (res.ok ? res.text() : null))
        .then((html) => {
          if (!html) return;
          const fresh = new DOMParser().parseFromString(html, "text/html");
          PARTS.forEach((sel) => {
            const now = document.querySelector(sel);
            const next = fresh.querySelector(sel);
            if (!now || !next || now.contains(document.activeElement)) return;
            if (sel === "#inbox-body") next.removeAttribute("data-topic");
            now.replaceWith(next);
          });
        })
        .catch(() => { /* the next change tries again */ });
    };
    const conv = document.getElementById("conv");
    const names = (list) => list.map((v) => v.name).join(", ");
    const warn = (list) => {
      const box = document.getElementById("collision");
      if (!box) return;
      box.replaceChildren();
      const replying = list.filter((v) => v.activity === "replying");
      const viewing = list.filter((v) => v.activity !== "replying");
      if (replying.length) {
        const p = document.createElement("p");
        p.className = "replying";
        p.textContent = box.dataset.replying.replace("{names}", names(replying));
        box.append(p);
      }
      if (viewing.length) {
        const p = document.createElement("p");
        p.textContent = box.dataset.viewing.replace("{names}", names(viewing));
        box.append(p);
      }
      box.hidden = list.length === 0;
    };
    const changed = (data) => {
      if (conv && data !== "*" && !conv.dataset.topic.endsWith(data)) return;
      if (!pending) pending = setTimeout(refresh, 300);
    };
    live.follow(inboxLive.dataset.topic, {
      unread: (data) => setBadges(Number(data) || 0),
      changed,
      presence: (data) => {
        try { warn(JSON.parse(data)); } catch (_) { /* a malformed event: keep the last */ }
      },
    }, () => changed("*"));

    // Writing a reply tells the others (once when it starts, once when it is emptied).
    const box = document.querySelector("form#reply textarea[name=body]");
    const csrf = document.querySelector("form#reply input[name=_csrf]");
    if (conv && conv.dataset.activity && box && csrf) {
      let replying = false;
      const say = (now) => {
        if (now === replying) return;
        replying = now;
        fetch(conv.dataset.activity, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf.value },
          body: "activity=" + (now ? "replying" : "viewing"),
        }).catch(() => { replying = !now; });
      };
      box.addEventListener("input", () => say(box.value.trim() !== ""));
      box.addEventListener("blur", () => say(box.value.trim() !== ""));
    }
  }

  live.start();

  // A snooze time is typed in the browser's time: send its offset from UTC at that moment
  // (daylight saving included). Without this the server reads the time as UTC.
  document.querySelectorAll("input[data-tz-offset]").forEach((tz) => {
    tz.form?.addEventListener("submit", () => {
      const at = new Date(tz.form.elements.until?.value || Date.now());
      if (!Number.isNaN(at.getTime())) tz.value = String(-at.getTimezoneOffset());
    });
  });

  // Canned responses: "Insert" fetches the response filled in for this conversation and puts
  // it into the reply box at the cursor (the note box until the reply box is there). Without
  // a box, or when the fetch fails, the form goes on to the page that shows the text.
  document.querySelectorAll("form[data-canned-picker]").forEach((form) => {
    form.addEventListener("submit", async (e) => {
      const id = form.elements.canned?.value;
      const box = document.querySelector("#reply textarea[name=body]")
        || document.querySelector("#compose textarea[name=body]");
      if (!id || !box) return;
      e.preventDefault();
      try {
        const res = await fetch(form.dataset.cannedPicker + encodeURIComponent(id), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (!res.ok) throw new Error(String(res.status));
        const { text } = await res.json();
        const start = box.selectionStart ?? box.value.length;
        const end = box.selectionEnd ?? start;
        box.value = box.value.slice(0, start) + text + box.value.slice(end);
        box.focus();
        box.setSelectionRange(start + text.length, start + text.length);
        box.dispatchEvent(new Event("input", { bubbles: true }));
      } catch (_) {
        form.submit();
      }
    });
  });

  // Drop the one-shot ?flash= from the address bar so a reload does not repeat it.
  const url = new URL(window.location.href);
  if (url.searchParams.has("flash")) {
    url.searchParams.delete("flash");
    window.history.replaceState(null, "", url.pathname + (url.search || "") + url.hash);
  }
});
