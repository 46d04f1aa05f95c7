// Call scripts and surveys: the YAML checked by the page (problems at their lines), written through the
// JSON API, then the campaigns' attachment through /api/campaigns.
"use strict";
(() => {
  const { t, showLines, fieldErrors, clearFieldErrors, problems } = window.callfloorAdmin;

  function documents(root) {
    const { slug, api, field } = root.dataset;
    let id = root.dataset.id || null;
    let name = root.dataset.name || ""; // the name stored: campaigns naming it follow a rename
    const form = root.querySelector("#doc-form");
    const status = root.querySelector("#doc-status");
    const errors = root.querySelector("#doc-errors");
    const warnings = root.querySelector("#doc-warnings");
    const preview = root.querySelector("#doc-preview");
    const lines = (list) => list.map((p) => `${t("line", { line: p.line })}: ${p.message}`);
    const fail = (error) => { status.textContent = ""; showLines(errors, problems(error)); };

    /** The page's check of the YAML: problems by line or field, warnings, the preview. */
    async function check() {
      status.textContent = "";
      const body = { name: form.elements["name"].value.trim(), yaml: form.yaml.value };
      const checked = await callfloor.api(`/admin/${slug}/check`, { method: "POST", body });
      const named = Object.entries(checked.fields).map(([path, message]) => ({ path, message }));
      fieldErrors(form, errors, named, lines(checked.problems));
      showLines(warnings, lines(checked.warnings));
      if (checked.preview) preview.innerHTML = checked.preview; // rendered (and escaped) by the server
      return checked;
    }

    /** Each campaign ticked names this document; one unticked that named it names none. */
    async function attach(saved) {
      const ticked = new Set(Array.from(form.querySelectorAll('input[name="campaign"]:checked'), (box) => box.value));
      for (const campaign of await callfloor.api("/api/campaigns")) {
        const current = campaign[field];
        const wanted = ticked.has(String(campaign.id)) ? saved.name : current === name ? null : current;
        if (wanted === current) continue;
        const { id: campaignId, ...spec } = campaign;
        await callfloor.api(`/api/campaigns/${campaignId}`, { method: "PUT", body: { ...spec, [field]: wanted } });
      }
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const checked = await check();
        if (!checked.spec) return;
        let saved;
        try {
          saved = await callfloor.api(id ? `${api}/${id}` : api, { method: id ? "PUT" : "POST", body: checked.spec });
        } catch (error) {
          if (error.body && error.body.error_id === "duplicate") {
            fieldErrors(form, errors, [{ path: "name", message: callfloor.message(error) }]);
            return;
          }
          throw error;
        }
        await attach(saved);
        id = String(saved.id);
        name = saved.name;
        root.dataset.id = id;
        history.replaceState(null, "", `/admin/${slug}/${id}`);
        document.querySelector("h1").textContent = t("heading", { name });
        status.textContent = t("saved");
      } catch (error) { fail(error); }
    });

    root.querySelector("#doc-check").addEventListener("click", async () => {
      try {
        const checked = await check();
        if (checked.spec) status.textContent = t("checked");
      } catch (error) { fail(error); }
    });

    root.querySelector("#doc-delete")?.addEventListener("click", async () => {
      clearFieldErrors(form);
      if (form.querySelector('input[name="campaign"]:checked')) { showLines(errors, [t("attached_first")]); return; }
      if (!window.confirm(t("confirm_delete", { name }))) return;
      try {
        await callfloor.api(`${api}/${id}`, { method: "DELETE" });
        window.location.assign(`/admin/${slug}`);
      } catch (error) { fail(error); }
    });
  }

  for (const root of document.querySelectorAll('[data-admin="document"]')) documents(root);
})();
