// The wallboard's thresholds (/admin/thresholds): the form put to the page's PUT, its refusals by figure.
"use strict";
(() => {
  const form = document.getElementById("thresholds-form");
  if (!form) return;
  const { t, showLines } = window.callfloorAdmin;
  const status = document.getElementById("thresholds-status");
  const errors = document.getElementById("thresholds-errors");

  /** Each figure's amber and red as the wallboard takes them (rates as shares, not percentages). */
  function thresholds() {
    const body = {};
    for (const input of form.querySelectorAll("input[name]")) {
      const [figure, edge] = input.name.split(".");
      const text = input.value.trim();
      // An empty field is sent as -1, which the page refuses as no number.
      (body[figure] ||= {})[edge] = text === "" ? -1 : Number(text) / Number(input.dataset.scale || 1);
    }
    return body;
  }

  /** A refusal's line: the figure's name, what is wrong; its fields marked invalid. */
  function refusal({ figure, problem }) {
    const row = form.querySelector(`tr[data-figure="${figure}"]`);
    for (const input of row ? row.querySelectorAll("input") : []) input.setAttribute("aria-invalid", "true");
    return t("refusal", { figure: row ? row.querySelector("th").textContent.trim() : figure, problem: t(problem) });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "";
    showLines(errors, []);
    for (const input of form.querySelectorAll("input")) input.removeAttribute("aria-invalid");
    try {
      await callfloor.api("/admin/thresholds", { method: "PUT", body: thresholds() });
      status.textContent = t("saved");
    } catch (error) {
      const problems = (error && error.body && error.body.problems) || [];
      showLines(errors, problems.length ? problems.map(refusal) : [callfloor.message(error)]);
    }
  });
})();
