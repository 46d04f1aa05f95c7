// The wallboard: /api/floor/live drawn, redrawn on each `floor` event; thresholds; supervisor actions.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("board");
  if (!root) return;
  const T = JSON.parse(document.getElementById("board-texts").textContent);
  const LIMITS = JSON.parse(document.getElementById("board-thresholds").textContent);
  const FLOOR_REASONS = JSON.parse(document.getElementById("floor-reasons").textContent);
  const lang = document.body.dataset.lang || "fr";
  const $ = (id) => document.getElementById(id);
  const number = new Intl.NumberFormat(lang);
  const percent = new Intl.NumberFormat(lang, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const clock = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit" });

  const pct = (x) => (x === null || x === undefined ? "–" : percent.format(x));
  function duration(s) {
    if (s === null || s === undefined) return "–";
    const t = Math.max(0, Math.round(s)), h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), r = t % 60;
    return h ? `${h}:${String(m).padStart(2, "0")}:${String(r).padStart(2, "0")}` : `${m}:${String(r).padStart(2, "0")}`;
  }
  /** "amber", "red" or "" for a figure against its thresholds. */
  function level(name, value) {
    const limit = LIMITS[name];
    if (!limit || value === null || value === undefined) return "";
    const bad = (edge) => (limit.below ? value < edge : value >= edge);
    return bad(limit.red) ? "red" : bad(limit.amber) ? "amber" : "";
  }
  function cell(text, { num = false, flag = "" } = {}) {
    const td = document.createElement("td");
    td.textContent = text;
    td.className = [num ? "num" : "", flag].filter(Boolean).join(" ");
    if (flag) td.dataset.level = flag;
    return td;
  }
  function button(label, action) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "secondary";
    b.textContent = label;
    b.addEventListener("click", action);
    return b;
  }
  function row(...cells) {
    const tr = document.createElement("tr");
    tr.append(...cells);
    return tr;
  }
  function fail(error) {
    const box = $("board-error");
    box.hidden = !error;
    box.textContent = error ? callfloor.message(error) : "";
  }

  function draw(floor) {
    $("board-at").textContent = clock.format(new Date(floor.at));
    $("board-offline").hidden = floor.live;
    $("board-offline").textContent = T.offline;
    const queues = $("queues").tBodies[0];
    const definitions = new Set();
    queues.replaceChildren(...floor.queues.map((q) => {
      const agents = Object.entries(q.agents).filter(([, n]) => n).map(([s, n]) => `${T[s] || s} ${n}`).join(", ");
      const sl = q.service_level;
      definitions.add(`${T[`sl_${sl.definition}`] || sl.denominator} (T = ${sl.threshold_s ?? "–"} s)`);
      return row(
        cell(q.name), cell(number.format(q.waiting), { num: true, flag: level("waiting", q.waiting) }),
        cell(duration(q.longest_wait_s), { num: true, flag: level("longest_wait_s", q.longest_wait_s) }),
        cell(agents || T.none),
        cell(pct(sl.value), { num: true, flag: level("service_level", sl.value) }),
        cell(pct(q.abandon_rate), { num: true, flag: level("abandon_rate", q.abandon_rate) }),
        cell(duration(q.asa_s), { num: true }), cell(duration(q.aht_s), { num: true }),
        cell(`${number.format(q.offered)} / ${number.format(q.answered)} / ${number.format(q.abandoned)}`, { num: true }),
      );
    }));
    $("sl-definitions").textContent = [...definitions].join(" · ");

    const waiting = $("waiting").tBodies[0];
    const calls = floor.queues.flatMap((q) => q.calls.map((c) => ({ ...c, queue: q.name })));
    waiting.replaceChildren(...calls.map((c) => {
      const actions = document.createElement("td");
      actions.append(
        button(T.up, () => priority(c.id, c.priority + 1)),
        button(T.down, () => priority(c.id, c.priority - 1)),
      );
      return row(cell(c.queue + (c.ringing ? ` (${T.ringing})` : "")), cell(duration(c.waited_s), { num: true }),
        cell(String(c.priority), { num: true }), actions);
    }));

    const agents = $("agents").tBodies[0];
    agents.replaceChildren(...floor.agents.map((a) => {
      const actions = document.createElement("td");
      if (a.state !== "logged_out") {
        actions.append(
          button(T.force_ready, () => force(a.extension, { state: "ready" })),
          reasonSelect(a),
          button(T.force_pause, () => force(a.extension, { state: "paused", reason: reasonSelect(a).value })),
        );
      }
      const monitor = document.createElement("span");
      monitor.className = "monitor";
      monitor.dataset.monitor = a.extension;  // filled by drawMonitors()
      actions.append(monitor);
      const reason = a.reason && (a.pause_reasons.find((r) => r.code === a.reason) || { label: FLOOR_REASONS[a.reason] || {} }).label[lang];
      const tr = row(cell(a.name), cell(a.extension), cell((T[a.state] || a.state) + (a.reason ? ` (${reason || a.reason})` : "")),
        cell(a.since ? duration((Date.now() - Date.parse(a.since)) / 1000) : "–", { num: true }),
        cell(number.format(a.handled_today), { num: true }), cell(pct(a.occupancy), { num: true }), actions);
      tr.dataset.agent = a.extension;
      return tr;
    }));
    drawMonitors();
    loadMonitoring();

    const campaigns = $("campaigns").tBodies[0];
    campaigns.replaceChildren(...floor.campaigns.map((c) => {
      const dialer = c.running ? [T.running, ...c.paused.map((p) => T[`paused_${p}`] || p)].join(", ") : T.stopped;
      return row(cell(c.name), cell(dialer), cell(pct(c.drop_rate), { num: true, flag: level("drop_rate", c.drop_rate) }),
        cell(number.format(c.dialed_today), { num: true }));
    }));
    const late = $("late-tickets");
    late.textContent = floor.late_tickets === null ? "–" : number.format(floor.late_tickets);
    late.className = ["big", level("late_tickets", floor.late_tickets)].filter(Boolean).join(" ");
  }

  async function refresh() {
    try { draw(await callfloor.api("/api/floor/live")); fail(); } catch (error) { fail(error); }
  }
  async function priority(callId, value) {
    try {
      await callfloor.api(`/api/calls/${encodeURIComponent(callId)}/priority`, { method: "POST", body: { priority: value } });
      fail();
      refresh();
    } catch (error) { fail(error); }
  }
  // The reason of a forced pause, chosen among the tenant's (its labels): one select per agent, kept
  // across redraws so that a choice (or an open list) survives the next update.
  const reasonSelects = new Map();
  function reasonSelect(a) {
    let select = reasonSelects.get(a.extension);
    if (!select) {
      select = document.createElement("select");
      reasonSelects.set(a.extension, select);
    }
    select.setAttribute("aria-label", T.pause_reason_of.replace("{name}", a.name));
    const codes = a.pause_reasons.map((r) => r.code).join(" ");
    if (select.dataset.codes !== codes) {  // the tenant's reasons, again if its admins changed them
      const chosen = select.value;
      select.replaceChildren(...a.pause_reasons.map((r) => {
        const option = document.createElement("option");
        option.value = r.code;
        option.textContent = r.label[lang] || r.code;
        return option;
      }));
      if (a.pause_reasons.some((r) => r.code === chosen)) select.value = chosen;
      select.dataset.codes = codes;
    }
    return select;
  }
  async function force(extension, body) {
    try {
      await callfloor.api(`/api/agents/${encodeURIComponent(extension)}/state`, { method: "POST", body });
      fail();
      refresh();
    } catch (error) { fail(error); }
  }

  // Monitoring: the calls in conversation by agent (/api/calls/monitoring), with buttons on their rows
  // to listen, whisper or barge in; the supervisor's own phone rings (POST /api/calls/{id}/monitor).
  let talking = new Map();
  let loading = false, again = false;
  let monitorSaid = false;  // the status line tells the supervisor's own monitor (not an error)
  async function loadMonitoring() {
    if (loading) { again = true; return; }  // once more when this one is back: it may be stale
    loading = true;
    try {
      const calls = await callfloor.api("/api/calls/monitoring");
      talking = new Map(calls.filter((c) => c.agent).map((c) => [c.agent, c]));
      drawMonitors();
    } catch (error) { fail(error); } finally {
      loading = false;
      if (again) { again = false; loadMonitoring(); }
    }
  }
  function say(text, fromMonitor = false) {
    const status = $("monitor-status");
    status.hidden = !text;
    status.textContent = text || "";
    monitorSaid = fromMonitor && Boolean(text);
  }
  function drawMonitors() {
    let own = null;
    for (const span of document.querySelectorAll("#agents [data-monitor]")) {
      const call = talking.get(span.dataset.monitor);
      const mine = call && call.monitor && call.monitor.mine ? call.monitor : null;
      own = own || mine;
      const parts = [];
      if (call) {
        for (const mode of ["listen", "whisper", "barge"]) {
          const b = button(T[mode], () => monitor(call, mode));
          const on = Boolean(mine) && mine.mode === mode;
          b.setAttribute("aria-pressed", String(on));
          if (on) b.className = "";
          parts.push(b);
        }
        if (mine) parts.push(button(T.stop_monitoring, () => stopMonitoring(call)));
        const others = (call.monitors || []).filter((m) => !m.mine).map((m) => m.supervisor);
        if (others.length) parts.push(document.createTextNode(` ${T.monitored_by} ${others.join(", ")}`));
      }
      span.replaceChildren(...parts);
    }
    if (own) say(own.state === "ringing" ? T.monitor_ringing : T.monitor_connected, true);
    else if (monitorSaid) say("");
    if (own && own.state === "ringing") setTimeout(loadMonitoring, 1000);  // until the phone answers
  }
  async function monitor(call, mode) {
    const url = `/api/calls/${encodeURIComponent(call.call_id)}/monitor`;
    const mine = call.monitor && call.monitor.mine;
    try {
      await callfloor.api(mine ? `${url}/mode` : url, { method: "POST", body: { mode } });
      fail();
    } catch (error) {
      const id = error && error.body && error.body.error_id;
      if (id === "no_phone" || id === "no_extension") { fail(); say(T[id]); } else fail(error);
    }
    loadMonitoring();
  }
  async function stopMonitoring(call) {
    try {
      await callfloor.api(`/api/calls/${encodeURIComponent(call.call_id)}/monitor/stop`, { method: "POST" });
      fail();
      say(T.monitor_stopped);
    } catch (error) { fail(error); }
    loadMonitoring();
  }

  $("fullscreen").addEventListener("click", () => document.documentElement.requestFullscreen && document.documentElement.requestFullscreen());

  refresh();
  callfloor.stream("/api/floor/stream?view=floor", { floor: draw });  // the floor, even for a supervisor who is an agent too
});
