// The console's forms over JSON APIs: a queue (and its flows' announcements), the business hours, the
// recordings' retention. Each form is turned into the body its API takes, and the API's (or the page's
// check's) errors come back at the fields they name.
"use strict";
(() => {
  const { t, showLines, detailsOf, fieldErrors, clearFieldErrors } = window.callfloorAdmin;

  /** An API error at its fields (a 422's details), else as one general message. */
  function refused(form, region, error, prefix = "") {
    const details = detailsOf(error).map((d) => ({ path: prefix + d.path, message: d.message }));
    fieldErrors(form, region, details, details.length ? [] : [callfloor.message(error)]);
  }

  /** A copy of ``template``'s first element. */
  function copy(template) {
    return template.content.firstElementChild.cloneNode(true);
  }

  // -- a queue ---------------------------------------------------------------------------------

  function value(input) {
    const text = input.value.trim();
    switch (input.dataset.type) {
      case "bool": return input.checked;
      case "int": case "optional-int": return text === "" ? null : Number(text);
      case "optional": return text || null;
      default: return text;
    }
  }

  /** The levels a grid row asks for, by skill (an empty cell asks for none). */
  function levels(row) {
    const out = {};
    if (!row) return out;
    for (const input of row.querySelectorAll("input[data-skill]")) {
      if (input.value.trim() !== "") out[input.dataset.skill] = Number(input.value);
    }
    return out;
  }

  function queue(root) {
    const form = root.querySelector("#queue-form");
    const status = root.querySelector("#queue-status");
    const errors = root.querySelector("#queue-errors");
    const steps = form.querySelector("#steps tbody");
    let id = root.dataset.id || null;

    /** Step rows name their fields by position, as the API's errors do. */
    function renumber() {
      form.querySelectorAll("tr[data-step]").forEach((row, index) => {
        row.querySelector("[data-after]").dataset.path = `steps.${index}.after_s`;
        for (const input of row.querySelectorAll("input[data-skill]")) {
          input.dataset.path = `steps.${index}.skills.${input.dataset.skill}`;
        }
        row.querySelector("[data-remove-step]").setAttribute("aria-label", t("remove_step", { number: index + 1 }));
      });
    }

    function spec() {
      const out = {};
      for (const input of form.querySelectorAll("[data-type]")) out[input.dataset.path] = value(input);
      out.skills = levels(form.querySelector("tr[data-start]"));
      out.steps = Array.from(form.querySelectorAll("tr[data-step]"), (row) => {
        const after = row.querySelector("[data-after]").value.trim();
        return { after_s: after === "" ? null : Number(after), skills: levels(row) };
      });
      return out;
    }

    form.querySelector("#add-step")?.addEventListener("click", () => {
      const row = copy(form.querySelector("#step-row"));
      steps.append(row);
      renumber();
      row.querySelector("[data-after]").focus();
    });
    form.addEventListener("click", (event) => {
      const remove = event.target.closest("[data-remove-step]");
      if (!remove) return;
      remove.closest("tr").remove();
      renumber();
      form.querySelector("#add-step").focus();
    });
    renumber();

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      status.textContent = "";
      clearFieldErrors(form);
      showLines(errors, []);
      try {
        const saved = await callfloor.api(id ? `/api/queues/${id}` : "/api/queues", { method: id ? "PUT" : "POST", body: spec() });
        if (!id) {
          id = String(saved.id);
          history.replaceState(null, "", `/admin/queues/${id}`);
        }
        status.textContent = t("saved");
      } catch (error) {
        if (error.body && error.body.error_id === "duplicate") {
          fieldErrors(form, errors, [{ path: "name", message: callfloor.message(error) }]);
        } else refused(form, errors, error);
      }
    });

    const waiting = root.querySelector("#announcements-form");
    if (waiting) announcements(waiting, id);

    root.querySelector("#queue-delete")?.addEventListener("click", async (event) => {
      if (!window.confirm(t("confirm_delete", { name: event.target.dataset.name }))) return;
      try {
        await callfloor.api(`/api/queues/${id}`, { method: "DELETE" });
        window.location.assign("/admin/queues");
      } catch (error) { refused(form, errors, error); }
    });
  }

  /** The waiting options of the flows' nodes that send callers to the queue: a flow whose options
   * changed gets a new version, made active; the server's problems come back at their fields. */
  function announcements(form, queueId) {
    const status = form.querySelector("#announcements-status");
    const errors = form.querySelector("#announcements-errors");
    const nodes = () => Array.from(form.querySelectorAll("fieldset[data-waiting]"));

    function body() {
      return {
        nodes: nodes().map((set) => {
          const options = {};
          for (const input of set.querySelectorAll("[data-option]")) options[input.dataset.option] = value(input);
          return { flow_id: Number(set.dataset.flowId), version: Number(set.dataset.version), node: set.dataset.node, options };
        }),
      };
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      status.textContent = "";
      clearFieldErrors(form);
      showLines(errors, []);
      try {
        const { saved } = await callfloor.api(`/admin/queues/${queueId}/announcements`, { method: "POST", body: body() });
        for (const done of saved) {
          for (const set of nodes().filter((node) => node.dataset.flowId === String(done.flow_id))) {
            set.dataset.version = String(done.version);
            set.querySelector("[data-version-link]").textContent = t("version", { version: done.version });
          }
        }
        status.textContent = saved.length ? saved.map((done) => t("flow_saved", done)).join(" ") : t("unchanged");
      } catch (error) { refused(form, errors, error); }
    });
  }

  // -- business hours --------------------------------------------------------------------------

  function schedule(root) {
    const form = root.querySelector("#schedule-form");
    const status = root.querySelector("#schedule-status");
    const errors = root.querySelector("#schedule-errors");
    const field = (path) => form.querySelector(`[data-path="${path}"]`);

    /** "Closed" shows on a day without ranges. */
    function marked(ranges) {
      ranges.querySelector("[data-closed]").hidden = Boolean(ranges.querySelector("[data-range]"));
    }

    /** The ranges of a day, as the API writes them ("09:00-12:30"; a close at 00:00 is midnight). */
    function intervals(ranges, path) {
      return Array.from(ranges.querySelectorAll("[data-range]"), (range, index) => {
        const opens = range.querySelector("[data-opens]");
        const closes = range.querySelector("[data-closes]").value;
        opens.dataset.path = `${path}.${index}`;
        range.dataset.errorAfter = "";
        return `${opens.value}-${closes === "00:00" ? "24:00" : closes}`;
      });
    }

    /** The body of PUT /api/schedule; fields name their paths as the parser's errors do. */
    function data() {
      const weekly = {};
      for (const row of form.querySelectorAll("tr[data-day]")) {
        const found = intervals(row.querySelector("[data-ranges]"), `weekly.${row.dataset.day}`);
        if (found.length) weekly[row.dataset.day] = found;
      }
      const closures = Array.from(form.querySelectorAll("[data-closure] input"))
        .map((input) => input.value)
        .filter(Boolean);
      form.querySelectorAll("[data-closure] input").forEach((input, index) => { input.dataset.path = `closures.${index}`; });
      const special = {};
      for (const row of form.querySelectorAll("tr[data-special]")) {
        const day = row.querySelector('input[type="date"]');
        day.dataset.path = `special.${day.value || "?"}`;
        special[day.value || "?"] = intervals(row.querySelector("[data-ranges]"), day.dataset.path);
      }
      return {
        timezone: field("timezone").value.trim(),
        country: field("country").value || null,
        subdivision: field("subdivision").value.trim() || null,
        holidays_close: field("holidays_close").checked,
        weekly, closures, special,
      };
    }

    form.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-add-range], button[data-remove], button[data-remove-row]");
      if (!button) return;
      const row = button.closest("tr");
      if (button.matches("[data-add-range]")) {
        const ranges = row.querySelector("[data-ranges]");
        const range = copy(form.querySelector("#range-template"));
        ranges.insertBefore(range, ranges.querySelector("[data-closed]"));
        marked(ranges);
        range.querySelector("[data-opens]").focus();
      } else if (button.matches("[data-remove-row]")) {
        row.remove();
      } else {
        const ranges = button.closest("[data-ranges]");
        button.closest(".range").remove();
        if (ranges) marked(ranges);
      }
    });
    form.querySelector("#add-closure").addEventListener("click", () => {
      const closure = copy(form.querySelector("#closure-template"));
      form.querySelector("#closures").append(closure);
      closure.querySelector("input").focus();
    });
    form.querySelector("#add-special").addEventListener("click", () => {
      const row = copy(form.querySelector("#special-template"));
      form.querySelector("#special tbody").append(row);
      row.querySelector("input").focus();
    });

    /** The country's (and region's) coming public holidays, and its regions to pick from. */
    async function holidays() {
      const country = field("country").value;
      const query = new URLSearchParams({ country, subdivision: field("subdivision").value.trim(), timezone: field("timezone").value.trim() });
      try {
        const found = country ? await callfloor.api(`/admin/schedule/holidays?${query}`) : { html: "", subdivisions: [] };
        clearFieldErrors(form);
        if (found.problem) { fieldErrors(form, errors, [found.problem]); return; }
        root.querySelector("#holidays").innerHTML = found.html; // rendered (and escaped) by the server
        root.querySelector("#subdivisions").replaceChildren(...found.subdivisions.map((code) => new Option(code, code)));
      } catch (error) { refused(form, errors, error); }
    }
    field("country").addEventListener("change", () => { field("subdivision").value = ""; holidays(); });
    field("subdivision").addEventListener("change", holidays);

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      status.textContent = "";
      clearFieldErrors(form);
      showLines(errors, []);
      const body = data();
      try {
        const checked = await callfloor.api("/admin/schedule/check", { method: "POST", body });
        if (checked.problems.length) { fieldErrors(form, errors, checked.problems); return; }
        await callfloor.api("/api/schedule", { method: "PUT", body });
        form.querySelector(".hint")?.remove();
        status.textContent = t("saved");
      } catch (error) { refused(form, errors, error); }
    });
  }

  // -- retention -------------------------------------------------------------------------------

  function retention(root) {
    const form = root.querySelector("#retention-form");
    const status = root.querySelector("#retention-status");
    const errors = root.querySelector("#retention-errors");
    const advised = Number(root.dataset.advised);

    form.addEventListener("input", (event) => {
      const note = event.target.closest("td")?.querySelector("[data-longer]");
      if (note) note.hidden = !(Number(event.target.value) > advised);
    });

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      status.textContent = "";
      clearFieldErrors(form);
      showLines(errors, []);
      const changed = Array.from(form.querySelectorAll("tr[data-queue]"))
        .map((row) => ({ id: row.dataset.queue, input: row.querySelector("input") }))
        .filter(({ input }) => input.value.trim() !== input.dataset.initial);
      if (!changed.length) { status.textContent = t("unchanged"); return; }
      const found = [];
      const general = [];
      try {
        const queues = new Map((await callfloor.api("/api/queues")).map((q) => [String(q.id), q]));
        for (const { id, input } of changed) {
          const { id: _id, ...spec } = queues.get(id);
          const days = input.value.trim();
          try {
            await callfloor.api(`/api/queues/${id}`, {
              method: "PUT", body: { ...spec, recording_retention_days: days === "" ? null : Number(days) },
            });
            input.dataset.initial = days;
          } catch (error) {
            const details = detailsOf(error);
            if (!details.length) general.push(callfloor.message(error));
            found.push(...details.map((d) => ({ path: `${id}.${d.path}`, message: d.message })));
          }
        }
      } catch (error) { general.push(callfloor.message(error)); }
      fieldErrors(form, errors, found, general);
      if (!found.length && !general.length) status.textContent = t("saved");
    });
  }

  const pages = { queue, schedule, retention };
  for (const root of document.querySelectorAll("[data-admin]")) pages[root.dataset.admin]?.(root);
})();
