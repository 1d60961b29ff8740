// "Chuyển phiên bản": the select-all box, and the run page's progress polled every two seconds.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll('input[type="checkbox"][name="' + box.dataset.selectAll + '"]').forEach(function (item) {
        item.checked = box.checked;
      });
    });
  });
  var panel = document.querySelector("[data-progress-url]");
  if (!panel) {
    return;
  }
  function part(name) {
    return panel.querySelector('[data-progress="' + name + '"]');
  }
  function poll() {
    fetch(panel.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (progress) {
        part("bar").value = progress.percent;
        part("status").textContent = progress.status_label;
        part("done").textContent = progress.done;
        part("failed").textContent = progress.failed;
        var errors = part("errors");
        errors.replaceChildren();
        progress.errors.forEach(function (error) {
          var item = document.createElement("li");
          item.textContent = "#" + error.process + ": " + error.errors.join(" ");
          errors.appendChild(item);
        });
        if (progress.status !== "done") {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
