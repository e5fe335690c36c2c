// Meridian dashboard: polls /status and draws it. Plain JavaScript, no libraries; everything it
// loads (this file, style.css, world-110m.svg) comes from the admin server that served the page.
// Text from the server is only ever set with textContent, never parsed as HTML.
"use strict";

(function () {
  const POLL_MS = 1500;
  const SVG = "http://www.w3.org/2000/svg";
  // The map's projection (scripts/build-map.py): equirectangular, ten units to the degree.
  const project = (lat, lon) => [(lon + 180) * 10, (90 - lat) * 10];
  // Marker radius in map units (10 = one degree): area grows with the region's share of answers.
  const R_MIN = 28;
  const R_MAX = 110;
  const TOKEN_KEY = "meridian.admin.token";

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = tag.startsWith("svg:")
      ? document.createElementNS(SVG, tag.slice(4))
      : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) node.setAttribute(k, v);
    }
    for (const c of children) {
      if (c !== null && c !== undefined) {
        node.append(c instanceof Node ? c : String(c));
      }
    }
    return node;
  }

  // A token from "#token=..." in the address, kept for this tab only, sent as a bearer token
  // when the server asks for one (it does when admin.token is configured).
  function token() {
    const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (m) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
      history.replaceState(null, "", location.pathname + location.search);
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function headers() {
    const t = token();
    return t ? { Authorization: "Bearer " + t } : {};
  }

  async function loadMap() {
    const map = $("map");
    try {
      const res = await fetch("ui/world-110m.svg");
      if (!res.ok) throw new Error("HTTP " + res.status);
      const doc = new DOMParser().parseFromString(await res.text(), "image/svg+xml");
      const outline = $("outline");
      for (const path of doc.querySelectorAll("path")) {
        outline.append(document.importNode(path, true));
      }
      map.dataset.map = "loaded";
    } catch (e) {
      map.dataset.map = "failed"; // the regions still draw, on a blank sea
    }
  }

  function fmtDuration(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    let s = Math.floor(seconds);
    const d = Math.floor(s / 86400);
    s -= d * 86400;
    const h = Math.floor(s / 3600);
    s -= h * 3600;
    const m = Math.floor(s / 60);
    s -= m * 60;
    if (d) return d + "d " + h + "h";
    if (h) return h + "h " + m + "m";
    if (m) return m + "m " + s + "s";
    return s + "s";
  }

  function ago(iso) {
    if (!iso) return null;
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return iso;
    return fmtDuration(Math.max(0, (Date.now() - t) / 1000)) + " ago";
  }

  function clock(iso) {
    const t = Date.parse(iso);
    return Number.isNaN(t) ? String(iso) : new Date(t).toLocaleTimeString();
  }

  function percent(share) {
    return typeof share === "number" ? Math.round(share * 100) + "%" : "–";
  }

  function radius(share) {
    const s = typeof share === "number" && share > 0 ? Math.min(share, 1) : 0;
    return R_MIN + (R_MAX - R_MIN) * Math.sqrt(s);
  }

  // One <g> per region, kept across polls (so fills fade between states and an element a
  // test holds stays attached); regions gone from the config are removed.
  const markers = new Map();

  function regionNode(name) {
    let m = markers.get(name);
    if (!m) {
      m = {
        group: el("svg:g", { class: "region", "data-region": name }),
        circle: el("svg:circle", { class: "marker", id: "region-" + name, "data-region": name }),
        title: el("svg:title"),
        center: el("svg:circle", { class: "center", r: 5 }),
        label: el("svg:text", { class: "region-label" }),
      };
      m.circle.append(m.title);
      m.group.append(m.circle, m.center, m.label);
      markers.set(name, m);
    }
    return m;
  }

  function drawRegions(regions) {
    const layer = $("regions");
    // Biggest first, so a small region drawn later stays visible on top.
    const sorted = regions
      .filter((r) => typeof r.lat === "number" && typeof r.lon === "number")
      .sort((a, b) => (b.share_last_minute || 0) - (a.share_last_minute || 0));
    const seen = new Set();
    for (const r of sorted) {
      seen.add(r.name);
      const m = regionNode(r.name);
      const [x, y] = project(r.lat, r.lon);
      const rad = radius(r.share_last_minute);
      m.group.dataset.state = r.state;
      m.circle.dataset.state = r.state;
      m.circle.setAttribute("cx", x);
      m.circle.setAttribute("cy", y);
      m.circle.setAttribute("r", rad.toFixed(1));
      m.center.setAttribute("cx", x);
      m.center.setAttribute("cy", y);
      m.title.textContent = r.name + ": " + r.state + ", " + (r.answers_last_minute ?? 0)
        + " answers in the last minute (" + percent(r.share_last_minute) + ")";
      m.label.setAttribute("x", x + rad + 10);
      m.label.setAttribute("y", y + 14);
      const flagged = r.state === "drained" || r.state === "down";
      m.label.replaceChildren(
        r.name,
        el("svg:tspan", { class: "detail", dx: 12 }, percent(r.share_last_minute)),
        ...(flagged ? [el("svg:tspan", { class: "drained-tag", dx: 12 }, r.state)] : [])
      );
      layer.append(m.group); // re-appending moves it: paint order follows the sort
    }
    for (const [name, m] of markers) {
      if (!seen.has(name)) {
        m.group.remove();
        markers.delete(name);
      }
    }
  }

  function stateCell(state, override) {
    return el(
      "td",
      null,
      el("span", { class: "pill", "data-state": state }, state),
      override ? el("span", { class: "override", title: "forced by an operator" }, "override: " + override) : null
    );
  }

  // The last check's result and latency ("ok · 1.2 ms"); the check itself as a tooltip.
  function checkCell(e) {
    const latency = typeof e.latency_ms === "number" ? " · " + e.latency_ms.toFixed(1) + " ms" : "";
    const text = e.last_result !== null && e.last_result !== undefined
      ? e.last_result + latency
      : el("span", { class: "muted" }, e.check === null || e.check === undefined || e.check === "none" ? "not checked" : "–");
    return el("td", { title: e.check ?? "" }, text);
  }

  function drawEndpoints(regions) {
    const rows = [];
    for (const r of regions) {
      rows.push(
        el(
          "tr",
          { class: "region-row", "data-region": r.name, "data-state": r.state },
          el("td", { colspan: 3 }, r.name, " ",
            el("span", { class: "share" }, (r.answers_last_minute ?? 0) + " answers/min, "
              + percent(r.share_last_minute))),
          stateCell(r.state, null),
          el("td", { colspan: 2 })
        )
      );
      for (const e of r.endpoints || []) {
        rows.push(
          el(
            "tr",
            { "data-endpoint": e.address, "data-state": e.state },
            el("td"),
            el("td", { class: "addr" }, e.address),
            el("td", null, e.tier ?? ""),
            stateCell(e.state, e.override),
            el("td", { class: "when", title: e.since ?? "" }, ago(e.since) ?? el("span", { class: "muted" }, "–")),
            checkCell(e)
          )
        );
      }
    }
    $("endpoints").tBodies[0].replaceChildren(...rows);
  }

  function drawZones(status) {
    const rows = [];
    for (const z of status.zones || []) {
      rows.push(el("tr", null,
        el("td", null, z.name),
        el("td", { class: "num" }, z.serial),
        el("td", { class: "num" }, z.records),
        el("td", { class: "src" }, z.source ?? "")));
      if (z.last_error) { // the zone still serves its last good load
        rows.push(el("tr", { class: "zone-error" }, el("td", { colspan: 4 }, z.last_error)));
      }
    }
    $("zones").tBodies[0].replaceChildren(...rows);
    const r = status.last_reload;
    if (r) {
      $("reload").textContent = (r.at ? clock(r.at) : "–") + ": generation " + r.generation
        + (r.published ? ", published" : ", not published")
        + (r.changed && r.changed.length ? "; changed " + r.changed.join(", ") : "");
      $("problems").replaceChildren(...(r.problems || []).map((p) => el("li", null, p)));
    } else {
      $("reload").textContent = "none since start";
      $("problems").replaceChildren();
    }
  }

  function drawEvents(events) {
    const items = (events || []).slice().reverse().map((e) =>
      el("li", null,
        el("time", { datetime: e.time }, clock(e.time)),
        el("span", { class: "kind" }, e.kind),
        e.message)
    );
    $("events").replaceChildren(...items);
  }

  function draw(status) {
    $("version").textContent = status.version ?? "–";
    $("generation").textContent = status.generation ?? "–";
    $("uptime").textContent = fmtDuration(status.uptime_seconds);
    $("listeners").textContent = (status.listeners || [])
      .map((l) => l.address + " " + (l.transports || []).join("/"))
      .join(", ") || "–";
    const regions = status.regions || [];
    drawRegions(regions);
    drawEndpoints(regions);
    drawZones(status);
    drawEvents(status.events);
  }

  function connection(state, text) {
    const c = $("connection");
    c.dataset.state = state;
    c.textContent = text;
  }

  let polls = 0;

  async function poll() {
    try {
      const res = await fetch("status", { cache: "no-store", headers: headers() });
      if (res.status === 401 || res.status === 403) {
        $("token-form").hidden = false;
        connection("error", "token needed");
        return;
      }
      if (!res.ok) throw new Error("HTTP " + res.status);
      const status = await res.json();
      draw(status);
      polls += 1;
      document.body.dataset.polls = String(polls); // lets a test wait for a fresh draw
      connection("live", "live · " + new Date().toLocaleTimeString());
    } catch (e) {
      connection("error", "no status: " + e.message);
    } finally {
      setTimeout(poll, POLL_MS); // after the answer, so a slow server never gets a pile-up
    }
  }

  $("token-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $("token").value);
    $("token").value = "";
    $("token-form").hidden = true;
  });

  loadMap();
  poll();
})();
