// NetSim run report: the page. Reads the run from the JSON in <script id="netsim-run">, and shows
// the event list (virtualised: only the rows in view are in the page, so a run of hundreds of
// thousands of events scrolls as one of ten), the selected event's frame decoded with its bytes,
// its journey hop by hop, and every device's tables as they were at the selected moment.
"use strict";

(() => {
  const run = JSON.parse(document.getElementById("netsim-run").textContent);
  const S = run.strings;
  const LAYERS = ["Ethernet", "ARP", "IPv4", "UDP", "TCP", "Application"];
  // Event columns (RunReport.cs writes them): time (ps), device (string), layer (index into
  // LAYERS), protocol (string), summary (string), sentence (string), frame (index or -1), a and b
  // (a MAC table's port and MAC, or an ARP entry's address and MAC strings; else -1), node (index
  // into devices or -1), kind (string: "Sent", "Learned", "Resolved", ...).
  const T = 0, DEV = 1, LAYER = 2, PROTO = 3, SUMMARY = 4, SENTENCE = 5, FRAME = 6, A = 7, B = 8, NODE = 9, KIND = 10;
  const events = run.events;
  const $ = id => document.getElementById(id);
  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  };

  function formatTime(ps) {
    if (ps === 0) return "0 s";
    const units = [[1e12, "s"], [1e9, "ms"], [1e6, "us"], [1e3, "ns"], [1, "ps"]];
    for (const [scale, unit] of units) if (ps >= scale) return (ps / scale).toFixed(3) + " " + unit;
    return ps + " ps";
  }

  // ---- filters and the visible rows ----
  let visible = events.map((_, i) => i);
  let selected = -1;          // index into events
  let selectedDevice = null;  // node index for the tables pane
  const deviceFilter = $("filter-device"), protocolFilter = $("filter-protocol"), textFilter = $("filter-text");

  for (const d of run.devices.map(d => d.name)) deviceFilter.append(el("option", { value: d }, d));
  for (const p of [...new Set(events.map(e => S[e[PROTO]]))].sort()) protocolFilter.append(el("option", { value: p }, p));

  function nodeName(e) { return e[NODE] >= 0 ? run.devices[e[NODE]].name : S[e[DEV]]; }

  function applyFilters() {
    const d = deviceFilter.value, p = protocolFilter.value, t = textFilter.value.toLowerCase();
    visible = [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (d && nodeName(e) !== d) continue;
      if (p && S[e[PROTO]] !== p) continue;
      if (t && !(S[e[SUMMARY]].toLowerCase().includes(t) || S[e[SENTENCE]].toLowerCase().includes(t))) continue;
      visible.push(i);
    }
    $("row-count").textContent = `${visible.length.toLocaleString("en")} of ${events.length.toLocaleString("en")} events`;
    // The selected event stays in view when the filters keep it; otherwise the list starts at the top.
    const v = selected < 0 ? -1 : visible.indexOf(selected);
    spacer.style.height = visible.length * ROW + "px";
    list.scrollTop = v < 0 ? 0 : Math.max(0, v * ROW - list.clientHeight / 2);
    renderRows();
  }
  deviceFilter.addEventListener("change", applyFilters);
  protocolFilter.addEventListener("change", applyFilters);
  textFilter.addEventListener("input", applyFilters);

  // ---- the virtualised event list ----
  const list = $("events"), spacer = $("events-spacer"), rows = $("events-rows");
  const ROW = 24;
  function renderRows() {
    spacer.style.height = visible.length * ROW + "px";
    const first = Math.max(0, Math.floor(list.scrollTop / ROW) - 5);
    const last = Math.min(visible.length, first + Math.ceil(list.clientHeight / ROW) + 10);
    rows.style.transform = `translateY(${first * ROW}px)`;
    rows.replaceChildren();
    for (let v = first; v < last; v++) {
      const i = visible[v], e = events[i];
      const row = el("div", { class: "row" + (i === selected ? " selected" : "") + (e[FRAME] >= 0 ? " frame" : ""), "data-event": i, onclick: () => select(i) },
        el("span", { class: "time" }, formatTime(e[T])),
        el("span", { class: "device" }, S[e[DEV]]),
        el("span", { class: "proto" }, S[e[PROTO]]),
        el("span", { class: "summary", title: S[e[SENTENCE]] }, S[e[SUMMARY]]));
      rows.append(row);
    }
  }
  list.addEventListener("scroll", () => renderRows());
  window.addEventListener("resize", () => renderRows());

  function select(i) {
    selected = i;
    const e = events[i];
    if (e[NODE] >= 0) selectedDevice = e[NODE];
    const v = visible.indexOf(i);
    if (v >= 0) {
      const top = v * ROW;
      if (top < list.scrollTop || top + ROW > list.scrollTop + list.clientHeight) list.scrollTop = top - list.clientHeight / 2;
    }
    renderRows();
    showEvent(i);
    showTopology(i);
    showTables();
    $("position").textContent = `event ${(i + 1).toLocaleString("en")} of ${events.length.toLocaleString("en")}`;
  }
  function step(delta) {
    if (visible.length === 0) return;
    const v = selected < 0 ? -1 : visible.indexOf(selected);
    select(visible[Math.max(0, Math.min(visible.length - 1, v + delta))]);
  }
  $("step-back").addEventListener("click", () => step(-1));
  $("step-forward").addEventListener("click", () => step(1));
  document.addEventListener("keydown", k => {
    if (k.target instanceof HTMLInputElement || k.target instanceof HTMLSelectElement) return;
    if (k.key === "ArrowDown" || k.key === "j") { step(1); k.preventDefault(); }
    if (k.key === "ArrowUp" || k.key === "k") { step(-1); k.preventDefault(); }
    if (k.key === "Home") { step(-Infinity); k.preventDefault(); }
    if (k.key === "End") { step(Infinity); k.preventDefault(); }
  });

  // The frame event of the same device at the same moment that carried a higher layer's event:
  // the next one for what the device sent, the one before for what it received.
  function carrierOf(i) {
    const e = events[i], node = nodeName(e);
    for (const direction of [1, -1]) {
      for (let j = i + direction; j >= 0 && j < events.length && events[j][T] === e[T]; j += direction) {
        const f = events[j];
        if (f[FRAME] >= 0 && nodeName(f) === node) return j;
      }
    }
    return -1;
  }

  // ---- the selected event: sentence, layers, bytes, journey ----
  // A frame's bytes: its own, or ("" in the file) those of the journey's frame before, which it repeats.
  function bytesOf(frame) {
    let f = frame;
    while (run.frames[f][2] === "" && run.frames[f][5] >= 0) f = run.frames[f][5];
    return Uint8Array.from(atob(run.frames[f][2]), c => c.charCodeAt(0));
  }

  function showEvent(i) {
    const e = events[i], pane = $("detail");
    pane.replaceChildren(
      el("h3", {}, `${formatTime(e[T])} · ${S[e[DEV]]} · ${LAYERS[e[LAYER]]}`),
      el("p", { class: "sentence" }, S[e[SENTENCE]]));
    if (e[FRAME] < 0) {
      const carrier = e[LAYER] === 0 ? -1 : carrierOf(i);
      if (carrier >= 0) {
        pane.append(el("p", {}, "What a layer above Ethernet did. ",
          el("button", { id: "show-carrier", onclick: () => select(carrier) }, `Show the frame that carried it (${S[events[carrier][DEV]]}, ${S[events[carrier][KIND]].toLowerCase()})`)));
      } else {
        pane.append(el("p", { class: "muted" }, e[LAYER] === 0 ? "No frame kept for this event (a table change, or past the limits at the top)." : "No frame: this event is what a layer above Ethernet did."));
      }
      return;
    }
    const frame = run.frames[e[FRAME]], bytes = bytesOf(e[FRAME]);
    const layers = NetSimDissect.dissect(bytes, frame[1]);
    const tree = el("div", { id: "layers" });
    const hexView = el("div", { id: "hex" });
    const cells = [];
    for (let o = 0; o < bytes.length; o += 16) {
      const line = el("div", { class: "hexline" }, el("span", { class: "offset" }, o.toString(16).padStart(4, "0")));
      for (let j = o; j < Math.min(o + 16, bytes.length); j++) {
        const c = el("span", { class: "byte", "data-offset": j }, bytes[j].toString(16).padStart(2, "0"));
        cells.push(c);
        line.append(c);
      }
      hexView.append(line);
    }
    const mark = (start, length, on) => { for (let j = start; j < start + length && j < cells.length; j++) cells[j].classList.toggle("marked", on); };
    for (const layer of layers) {
      const details = el("details", { open: "", class: "layer", "data-layer": layer.name },
        el("summary", { onmouseenter: () => mark(layer.start, layer.length, true), onmouseleave: () => mark(layer.start, layer.length, false) },
          el("b", {}, layer.name), " ", layer.summary));
      for (const f of layer.fields) {
        details.append(el("div", { class: "field", "data-field": f.name, onmouseenter: () => mark(f.start, f.length, true), onmouseleave: () => mark(f.start, f.length, false) },
          el("span", { class: "name" }, f.name), el("span", { class: "value" }, f.value)));
      }
      tree.append(details);
    }
    // The field under a byte: hovering a byte marks it and every byte of its innermost field.
    hexView.addEventListener("mouseover", ev => {
      const off = Number(ev.target.dataset?.offset);
      if (Number.isNaN(off)) return;
      cells.forEach(c => c.classList.remove("marked"));
      tree.querySelectorAll(".field.hover").forEach(f => f.classList.remove("hover"));
      let best = null;
      for (const layer of layers) for (const f of layer.fields) if (off >= f.start && off < f.start + f.length && (!best || f.length <= best.length)) best = f;
      if (best) {
        mark(best.start, best.length, true);
        tree.querySelectorAll(".field").forEach(node => { if (node.dataset.field === best.name && node.querySelector(".value").textContent === best.value) node.classList.add("hover"); });
      }
    });
    pane.append(el("div", { class: "frame-view" }, tree, hexView));
    if (bytes.length < frame[1]) pane.append(el("p", { class: "muted" }, `The report keeps the first ${bytes.length} of this frame's ${frame[1]} bytes.`));
    showJourney(frame[3], e[FRAME], pane);
  }

  function showJourney(journey, current, pane) {
    if (journey < 0) return;
    const hops = run.journeys[journey];
    if (hops.length < 2) return;
    const table = el("table", { class: "journey" }, el("tr", {}, el("th", {}, "time"), el("th", {}, "where"), el("th", {}, "what changed since the frame before")));
    let previous = null;
    for (const f of hops) {
      const ev = events[run.frames[f][0]];
      const bytes = bytesOf(f);
      const changes = previous ? run.frames[f][4] : null;
      const what = previous === null ? "sent" : changes.length === 0 ? "nothing: the same bytes" : changes.map(c => `${S[c[0]]} ${S[c[1]]} → ${S[c[2]]}`).join("; ");
      table.append(el("tr", { class: f === current ? "current" : "", onclick: () => select(run.frames[f][0]) },
        el("td", {}, formatTime(ev[T])), el("td", {}, `${S[ev[DEV]]} ${S[ev[SUMMARY]].split(":")[0]}`), el("td", {}, what)));
      previous = bytes;
    }
    pane.append(el("h4", {}, `This frame's journey: ${hops.length} frames`), table);
  }

  // ---- the topology picture: where the selected event happened, and its journey ----
  function showTopology(i) {
    const svg = document.querySelector("#topology svg");
    if (!svg) return;
    svg.querySelectorAll(".at, .on-journey").forEach(n => n.classList.remove("at", "on-journey"));
    const e = events[i];
    // A device's own shape, and the interface's box where the picture draws a router's interfaces apart.
    const mark = (ev, cls) => svg.querySelectorAll(`[data-device="${CSS.escape(nodeName(ev))}"], [data-interface="${CSS.escape(S[ev[DEV]])}"]`).forEach(n => n.classList.add(cls));
    if (e[FRAME] >= 0 && run.frames[e[FRAME]][3] >= 0) {
      for (const f of run.journeys[run.frames[e[FRAME]][3]]) {
        const ev = events[run.frames[f][0]];
        if (run.frames[f][0] <= i) mark(ev, "on-journey");
      }
    }
    mark(e, "at");
  }

  // ---- the tables of the selected device, as they were at the selected event ----
  function tablesAt(until) {
    const mac = new Map(), arp = new Map(), counters = new Map();
    for (const d of run.devices) for (const s of d.arp || []) arp.set(`${d.name}|${s[0]}|${s[1]}`, [d.name, s[0], s[1], s[2], "static"]);
    for (let i = 0; i <= until; i++) {
      const e = events[i], node = nodeName(e);
      const k = S[e[KIND]];
      if (e[LAYER] === 0) {
        const c = counters.get(node) || { sent: 0, received: 0, dropped: 0, relayed: 0 };
        if (k === "Sent") c.sent++; else if (k === "Received") c.received++; else if (k === "Dropped" || k === "Filtered") c.dropped++; else if (k === "Forwarded" || k === "Flooded" || k === "Repeated") c.relayed++;
        counters.set(node, c);
        if (k === "Learned") mac.set(`${node}|${S[e[B]]}`, [node, S[e[B]], e[A], e[T]]);
        if (k === "AgedOut") mac.delete(`${node}|${S[e[B]]}`);
      } else if (e[LAYER] === 1) {
        const key = `${node}|${S[e[DEV]]}|${S[e[A]]}`;
        if (k === "Resolved") arp.set(key, [node, S[e[DEV]], S[e[A]], S[e[B]], "learned"]);
        if (k === "Expired") arp.delete(key);
      }
    }
    return { mac, arp, counters };
  }

  function table(title, head, body) {
    const t = el("table", { class: "device-table" }, el("caption", {}, title), el("tr", {}, ...head.map(h => el("th", {}, h))));
    if (body.length === 0) t.append(el("tr", {}, el("td", { colspan: head.length, class: "muted" }, "(empty)")));
    for (const r of body) t.append(el("tr", {}, ...r.map(c => el("td", {}, c))));
    return t;
  }

  function showTables() {
    const pane = $("tables");
    if (selectedDevice === null) return;
    const d = run.devices[selectedDevice];
    const now = selected >= 0 ? events[selected][T] : 0;
    const { mac, arp, counters } = tablesAt(selected);
    pane.replaceChildren(el("h3", {}, `${d.name} (${d.kind}) at ${formatTime(now)}`));
    if (d.interfaces.length) pane.append(table("Interfaces", ["interface", "MAC", "IPv4 address"], d.interfaces.map(x => [x[0], x[1], x[2]])));
    if (d.kind === "switch") pane.append(table("MAC address table", ["MAC address", "port", "learned at"], [...mac.values()].filter(r => r[0] === d.name).map(r => [r[1], r[2], formatTime(r[3])])));
    if (d.kind === "host" || d.kind === "router") {
      pane.append(table("ARP cache", ["interface", "IPv4 address", "MAC address", "kind"], [...arp.values()].filter(r => r[0] === d.name).map(r => [r[1], r[2], r[3], r[4]])));
      pane.append(table("Routing table", ["destination", "gateway", "interface", "origin"], d.routes));
    }
    const c = counters.get(d.name) || { sent: 0, received: 0, dropped: 0, relayed: 0 };
    pane.append(table("Frames so far", ["sent", "received", "relayed", "dropped or filtered"], [[c.sent, c.received, c.relayed, c.dropped]]));
  }

  const picker = $("table-device");
  run.devices.forEach((d, i) => picker.append(el("option", { value: i }, d.name)));
  picker.addEventListener("change", () => { selectedDevice = Number(picker.value); showTables(); });
  document.querySelectorAll("#topology [data-device]").forEach(n => n.addEventListener("click", () => {
    const i = run.devices.findIndex(d => d.name === n.dataset.device);
    if (i >= 0) { selectedDevice = i; picker.value = i; showTables(); }
  }));

  applyFilters();
  if (events.length > 0) select(0);
  document.body.dataset.ready = "true";
})();
