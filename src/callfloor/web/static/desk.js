// The agent desktop: state, the call and its screen pop, the campaign's lead, script, survey, disposition.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("desk");
  if (!root) return;
  const T = JSON.parse(document.getElementById("desk-texts").textContent);
  const DISPOSITIONS = JSON.parse(document.getElementById("desk-dispositions").textContent);
  const FLOOR_REASONS = JSON.parse(document.getElementById("floor-reasons").textContent);
  const lang = document.body.dataset.lang || "fr";
  const $ = (id) => document.getElementById(id);
  const api = callfloor.api;
  const state = { agent: null, call: null, campaign: null, desk: null, taken: [], surveyFor: null, clock: 0 };

  function show(id, error) {
    const box = $(id);
    box.hidden = !error;
    box.textContent = error ? callfloor.message(error) : "";
  }
  function elapsed(since) {
    if (!since) return "";
    const s = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000));
    const m = Math.floor(s / 60);
    return `${m}:${String(s % 60).padStart(2, "0")}`;
  }
  function el(tag, text, attrs = {}) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  }

  // -- the agent's state -------------------------------------------------------------------------
  function renderAgent(agent) {
    state.agent = agent;
    const badge = $("state");
    badge.dataset.state = agent.state;
    const reason = agent.reason ? ` (${labelOf(agent.reason)})` : "";
    badge.textContent = (T[agent.state] || agent.state) + reason;
    $("state-since").textContent = agent.since ? elapsed(agent.since) : "";
    const select = $("pause-reason");
    const codes = agent.pause_reasons.map((r) => r.code).join(" ");
    if (select.dataset.codes !== codes) {  // the tenant's reasons, again if its admins changed them
      const chosen = select.value;
      select.replaceChildren(...agent.pause_reasons.map((r) => el("option", r.label[lang] || r.code, { value: r.code })));
      if (agent.pause_reasons.some((r) => r.code === chosen)) select.value = chosen;
      select.dataset.codes = codes;
    }
    if (agent.pending_pause) badge.textContent += ` · ${T.pending_pause}`;
    renderQueues(agent);
    tickWrapUp();
  }
  // The queues the agent's skills qualify them for: each with its toggle (leave it, rejoin it).
  function renderQueues(agent) {
    const list = $("queue-list");
    const items = (agent.memberships || []).map((m) => {
      const item = el("li", undefined, { class: "row", "data-queue": m.queue, "data-joined": String(m.joined) });
      const toggle = el("button", m.joined ? T.leave_queue : T.join_queue,
        { type: "button", class: m.joined ? "secondary" : "", "aria-pressed": String(m.joined) });
      toggle.disabled = agent.state === "logged_out";
      toggle.addEventListener("click", () => chooseQueue(m.queue, !m.joined));
      item.append(el("strong", m.queue), el("span", m.joined ? T.in_queue : T.out_of_queue, { class: "muted" }), toggle);
      return item;
    });
    list.replaceChildren(...(items.length ? items : [el("li", T.no_queues, { class: "muted" })]));
  }
  async function chooseQueue(queue, joined) {
    try { renderAgentFresh(await api("/api/me/agent/queues", { method: "POST", body: { queue, joined } })); show("queues-error"); }
    catch (error) { show("queues-error", error); }
  }
  function labelOf(code) {
    const found = (state.agent && state.agent.pause_reasons.find((r) => r.code === code)) || { label: FLOOR_REASONS[code] };
    return (found.label && found.label[lang]) || code;
  }
  function tickWrapUp() {
    const agent = state.agent;
    const box = $("wrap-up");
    if (!agent || agent.state !== "wrap_up" || agent.wrap_up_remaining_s === null) { box.hidden = true; return; }
    const left = agent.wrap_up_remaining_s - (Date.now() - state.clock) / 1000;
    box.hidden = false;
    box.textContent = `${Math.max(0, Math.ceil(left))} s`;
  }
  async function setState(body) {
    try { renderAgentFresh(await api("/api/me/agent/state", { method: "POST", body })); show("state-error"); }
    catch (error) { show("state-error", error); }
  }
  function renderAgentFresh(agent) { state.clock = Date.now(); renderAgent(agent); refreshCall(); }
  const ready = () => setState({ state: "ready" });
  const pause = () => setState({ state: "paused", reason: $("pause-reason").value });
  $("ready").addEventListener("click", ready);
  $("pause").addEventListener("click", pause);
  callfloor.shortcut("r", ready);
  callfloor.shortcut("p", pause);

  // -- the call ----------------------------------------------------------------------------------
  async function refreshCall() {
    try {
      const calls = await api("/api/calls");
      renderCall(calls.find(isMine) || null);
    } catch (error) { show("call-error", error); }
  }
  // The agent's call: on their phone (ringing or connected) or consulting them; not once it ended.
  const isMine = (c) => c.state !== "ended" && (c.agent === root.dataset.extension || c.consulted === root.dataset.extension);
  const CONNECTED = ["talking", "held", "consulting", "conference"];
  function renderCall(call) {
    const before = state.call;
    const known = state.call && call && state.call.id === call.id;
    state.call = call;
    $("call-state").textContent = call ? (T[call.state] || call.state) : T.no_call;
    $("call-caller").textContent = call ? (call.caller || T.unknown_caller) : "";
    $("call-queue").textContent = call ? call.queue : "";
    $("call-recording").textContent = call ? T[`recording_${call.recording}`] : "";
    for (const id of ["hold", "recording"]) $(id).disabled = !call;
    $("answer").disabled = !(call && call.state === "ringing");
    $("hangup").disabled = !(call && CONNECTED.includes(call.state));
    $("transfer").querySelector("button[type=submit]").disabled = !call || ["consulting", "conference"].includes(call.state);
    renderTransfer(call);
    if (call && !known) loadPop(call.id);
    if (!call && before) announce(null);  // the call ended: its file stays for the wrap-up
  }
  async function loadPop(callId) {
    try { renderPop(await api(`/api/calls/${encodeURIComponent(callId)}/screen-pop`)); }
    catch (error) { show("call-error", error); }
  }
  // Other panels (desk_crm.js) follow the call's screen pop, and its end (pop null), through this event.
  const announce = (pop) => document.dispatchEvent(new CustomEvent("callfloor:call", { detail: { call: state.call, pop } }));
  function renderPop(pop) {
    announce(pop);
    drawPop(pop);
  }
  // The customer file panel linked the call to a contact (an unknown caller's new file): shown here too.
  document.addEventListener("callfloor:contact", (event) => {
    if (state.call && state.call.id === event.detail.interaction) drawPop(event.detail.pop);
  });
  function drawPop(pop) {
    const box = $("pop");
    box.replaceChildren();
    const contact = pop.contact;
    box.append(el("h3", contact ? contact.name : (pop.normalized || pop.number || T.unknown_caller)));
    if (contact && contact.account_name) box.append(el("p", contact.account_name, { class: "muted" }));
    if (pop.open_tickets && pop.open_tickets.length) {
      box.append(el("h4", T.open_tickets));
      const list = el("ul");
      for (const t of pop.open_tickets) list.append(el("li", t.title || t.summary || t.kind));
      box.append(list);
    }
    if (pop.last_interactions && pop.last_interactions.length) {
      box.append(el("h4", T.history));
      const list = el("ul");
      for (const t of pop.last_interactions) list.append(el("li", `${t.title || t.kind} ${t.summary || ""}`.trim()));
      box.append(list);
    }
  }
  async function command(path, body) {
    if (!state.call) return;
    try {
      const call = await api(`/api/calls/${encodeURIComponent(state.call.id)}/${path}`, { method: "POST", body });
      renderCall(isMine(call) ? call : null);  // hung up, or handed over: no longer the agent's
      show("call-error");
    } catch (error) { show("call-error", error); }
  }
  // The phone is driven by the server: answer a ringing call (the phone picks up), hang up.
  const answer = () => { if (state.call && state.call.state === "ringing") command("answer"); };
  const hangUp = () => { if (state.call && CONNECTED.includes(state.call.state)) command("hangup"); };
  $("answer").addEventListener("click", answer);
  $("hangup").addEventListener("click", hangUp);
  callfloor.shortcut("a", answer);
  callfloor.shortcut("x", hangUp);
  const hold = () => command(state.call && state.call.state === "held" ? "resume" : "hold");
  $("hold").addEventListener("click", hold);
  callfloor.shortcut("h", hold);
  $("recording").addEventListener("click", () =>
    command(state.call && state.call.recording === "paused" ? "recording/resume" : "recording/pause"));
  // An attended transfer (to an agent, a queue's agent ready now, or a number): complete,
  // conference or cancel it; the agent consulting sees whom, and when the consulted party
  // refused, did not answer or hung up, the call says why (consult_failure).
  function renderTransfer(call) {
    const consulting = !!call && ["consulting", "conference"].includes(call.state);
    $("transfer-complete").hidden = $("transfer-cancel").hidden = !consulting;
    $("transfer-conference").hidden = !(call && call.state === "consulting");
    const status = $("transfer-status");
    let text = "";
    if (call && call.consulted_number && consulting) text = status.dataset.consulting.replace("{number}", call.consulted_number);
    else if (call && call.consulted && consulting && call.agent === root.dataset.extension) {
      text = status.dataset.consultingAgent.replace("{agent}", call.consulted);
    }
    else if (call && call.consult_failure && call.state === "talking") text = status.dataset[call.consult_failure] || "";
    status.textContent = text;
    status.hidden = !text;
  }
  $("transfer").addEventListener("submit", (event) => {
    event.preventDefault();
    const target = $("transfer-target").value.trim();
    if (!target) return;
    // Attended to a queue consults the agent it would ring now; with nobody ready the API says
    // so (no_agent_ready) and a blind transfer lets the caller wait in the queue.
    command("transfer", { [$("transfer-kind").value]: target, mode: $("transfer-mode").value });
  });
  $("transfer-complete").addEventListener("click", () => command("transfer/complete"));
  $("transfer-conference").addEventListener("click", () => command("conference"));
  $("transfer-cancel").addEventListener("click", () => command("transfer/cancel"));

  // -- the campaign ------------------------------------------------------------------------------
  const campaignUrl = () => `/api/campaigns/${encodeURIComponent($("campaign").value)}`;
  async function joinOrLeave(action) {
    try {
      await api(`${campaignUrl()}/${action}`, { method: "POST" });
      $("campaign-state").textContent = action === "join" ? T.joined : T.left;
      show("campaign-error");
      state.campaign = action === "join" ? $("campaign").value : null;
      refreshDesk();
    } catch (error) { show("campaign-error", error); }
  }
  $("join").addEventListener("click", () => joinOrLeave("join"));
  $("leave").addEventListener("click", () => joinOrLeave("leave"));

  async function refreshDesk() {
    if (!state.campaign) {
      $("lead").hidden = true; $("campaign-call").textContent = ""; followConversation(null); return;
    }
    try { renderDesk(await api(`${campaignUrl()}/desk`)); } catch (error) { show("campaign-error", error); }
  }
  // The conversation the dialer put through: the customer file panel (desk_crm.js) follows it as it
  // follows an inbound call, through the same "callfloor:call" event: the pop of the lead's contact
  // while it is live, then its end (pop null), the panel staying on it for the wrap-up.
  let conversation = null;  // the interaction id of the conversation announced, while it is live
  // The survey's answers go with the campaign's conversation (talking or in wrap-up), else the call.
  const surveyInteraction = () => (state.desk && state.desk.interaction_id) || (state.call ? state.call.id : null);
  async function followConversation(desk) {
    const id = desk && desk.state === "talking" ? desk.interaction_id : null;
    if (id === conversation) return;
    const ended = conversation !== null;
    conversation = id;
    if (ended) document.dispatchEvent(new CustomEvent("callfloor:call", { detail: { call: null, pop: null } }));
    if (!id) return;
    try {
      const pop = await api(`/api/interactions/${encodeURIComponent(id)}/screen-pop`);
      const call = { id, campaign: desk.campaign, state: desk.state };
      if (conversation === id) document.dispatchEvent(new CustomEvent("callfloor:call", { detail: { call, pop } }));
    } catch (error) {
      if (conversation === id) conversation = null;  // tried again on the next refresh
      show("campaign-error", error);
    }
  }
  function renderDesk(desk) {
    const before = state.desk && state.desk.lead ? state.desk.lead.id : null;
    state.desk = desk;
    followConversation(desk);
    $("campaign-call").textContent = T[`campaign_${desk.state}`] || "";
    const lead = desk.lead;
    $("lead").hidden = !lead;
    $("preview-actions").hidden = !desk.previewing;
    $("preview-note").hidden = !desk.previewing;
    $("preview-note").textContent = T.previewing;
    const codes = $("disposition-code");
    if (codes.options.length !== desk.dispositions.length) {
      // The tenant's label in the page's language; a code it no longer has shows as it is.
      const label = (c) => (DISPOSITIONS[c] && (DISPOSITIONS[c][lang] || DISPOSITIONS[c].fr)) || c;
      codes.replaceChildren(...desk.dispositions.map((c) => el("option", label(c), { value: c })));
    }
    if (!lead) { $("campaign-state").textContent = T.no_lead; return; }
    $("lead-name").textContent = `${lead.first_name} ${lead.last_name}`.trim() || lead.phone;
    $("lead-phone").textContent = lead.phone;
    $("lead-company").textContent = lead.company;
    if (lead.id !== before) { state.taken = []; loadScript(); loadSurvey(lead.id); }
  }
  async function preview(action) {
    const lead = state.desk && state.desk.lead;
    if (!lead) return;
    try { renderDesk(await api(`${campaignUrl()}/preview/${action}`, { method: "POST", body: { lead_id: lead.id } })); }
    catch (error) { show("campaign-error", error); }
  }
  $("preview-dial").addEventListener("click", () => preview("dial"));
  $("preview-skip").addEventListener("click", () => preview("skip"));

  async function loadScript() {
    const lead = state.desk && state.desk.lead;
    const box = $("script");
    box.replaceChildren();
    if (!lead) return;
    try {
      const shown = await api(`${campaignUrl()}/leads/${lead.id}/script`,
        { method: "POST", body: { taken: state.taken, locale: lang } });
      box.append(el("h3", shown.title), el("p", shown.text));
      const choices = el("div", undefined, { class: "row" });
      for (const choice of shown.choices) {
        const button = el("button", choice.label, { type: "button", class: "secondary" });
        button.addEventListener("click", () => { state.taken.push(choice.id); loadScript(); });
        choices.append(button);
      }
      box.append(choices);
      for (const objection of shown.objections) {
        const details = el("details");
        details.append(el("summary", objection.label), el("p", objection.answer));
        box.append(details);
      }
      if (shown.disposition) $("disposition-code").value = shown.disposition;
    } catch (error) {
      if (error && error.status !== 404) show("campaign-error", error);
    }
  }

  async function loadSurvey(leadId) {
    const form = $("survey");
    form.hidden = true;
    try {
      renderSurvey(await api(`${campaignUrl()}/leads/${leadId}/survey?locale=${lang}`));
      state.surveyFor = leadId;
    } catch (error) {
      if (error && error.status !== 404) show("campaign-error", error);
    }
  }
  function renderSurvey(survey) {
    const box = $("survey-questions");
    box.replaceChildren();
    for (const q of survey.questions) {
      const id = `q-${q.id}`;
      const wrap = el("div", undefined, { class: "question" });
      const value = survey.answers[q.id];
      if (["single", "yes_no", "scale", "nps"].includes(q.type)) {
        wrap.append(el("label", q.text, { for: id }));
        const select = el("select", undefined, { id, name: q.id });
        select.append(el("option", T.choose, { value: "" }));
        let options = q.options.map((o) => [o.id, o.label]);
        if (q.type === "yes_no") options = [["true", T.yes], ["false", T.no]];
        if (q.type === "scale" || q.type === "nps") {
          const lo = q.min ?? 0, hi = q.max ?? 10;
          options = Array.from({ length: hi - lo + 1 }, (_, i) => [String(lo + i), String(lo + i)]);
        }
        for (const [v, label] of options) select.append(el("option", label, { value: v }));
        if (value !== undefined && value !== null) select.value = String(value);
        wrap.append(select);
      } else if (q.type === "multiple") {
        const set = el("fieldset");
        set.append(el("legend", q.text));
        for (const o of q.options) {
          const box = el("input", undefined, { type: "checkbox", name: q.id, value: o.id, id: `${id}-${o.id}` });
          if (Array.isArray(value) && value.includes(o.id)) box.checked = true;
          set.append(box, el("label", o.label, { for: `${id}-${o.id}`, class: "inline" }));
        }
        wrap.append(set);
      } else {
        wrap.append(el("label", q.text, { for: id }));
        const area = el("textarea", undefined, { id, name: q.id, rows: "2" });
        if (value) area.value = value;
        wrap.append(area);
      }
      wrap.dataset.type = q.type;
      wrap.dataset.question = q.id;
      box.append(wrap);
    }
    $("survey").hidden = !survey.questions.length;
  }
  $("survey").addEventListener("submit", async (event) => {
    event.preventDefault();
    const answers = {};
    for (const wrap of $("survey-questions").children) {
      const q = wrap.dataset.question, type = wrap.dataset.type;
      if (type === "multiple") {
        const picked = [...wrap.querySelectorAll("input:checked")].map((i) => i.value);
        if (picked.length) answers[q] = picked;
        continue;
      }
      const field = wrap.querySelector("select, textarea");
      if (!field || field.value === "") continue;
      if (type === "yes_no") answers[q] = field.value === "true";
      else if (type === "scale" || type === "nps") answers[q] = Number(field.value);
      else answers[q] = field.value;
    }
    try {
      const leadId = state.surveyFor;
      const saved = await api(`${campaignUrl()}/leads/${leadId}/survey`,
        { method: "POST", body: { answers, locale: lang, interaction_id: surveyInteraction() } });
      renderSurvey(saved);
      $("survey-saved").textContent = T.saved;
      show("campaign-error");
    } catch (error) { show("campaign-error", error); }
  });

  async function dispose(event) {
    if (event) event.preventDefault();
    const body = { disposition: $("disposition-code").value, callback_for: $("callback-for").value };
    const at = $("callback-at").value;
    if (at) body.callback_at = new Date(at).toISOString();
    try {
      renderDesk(await api(`${campaignUrl()}/disposition`, { method: "POST", body }));
      $("callback-at").value = "";
      $("campaign-state").textContent = T.saved;
      show("campaign-error");
    } catch (error) { show("campaign-error", error); }
  }
  $("disposition").addEventListener("submit", dispose);
  callfloor.shortcut("d", () => $("disposition-code").focus());

  // -- live ---------------------------------------------------------------------------------------
  if (root.dataset.extension) {
    callfloor.stream("/api/floor/stream", {
      agent: (agent) => renderAgentFresh(agent),
      offer: () => refreshCall(),
    });
  }
  setInterval(() => {
    if (state.agent && state.agent.since) $("state-since").textContent = elapsed(state.agent.since);
    if (state.call) $("call-timer").textContent = elapsed(state.call.since);
    else $("call-timer").textContent = "";
    tickWrapUp();
  }, 1000);
  setInterval(() => { if (state.campaign) refreshDesk(); if (state.call) refreshCall(); }, 2000);
});
