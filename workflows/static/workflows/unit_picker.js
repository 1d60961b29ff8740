// The adopting-unit picker: search the unit tree by name, keep the picked ids in the form's field.
document.querySelectorAll(".kheo-unit-picker:not([data-ready])").forEach((picker) => {
  picker.dataset.ready = "1";
  const ids = picker.querySelector("[data-unit-ids]");
  const search = picker.querySelector(".kheo-unit-picker__search");
  const results = picker.querySelector(".kheo-unit-picker__results");
  const chosen = picker.querySelector(".kheo-unit-picker__chosen");
  const picked = new Map();
  ids.type = "hidden";
  search.hidden = false;
  const sync = () => {
    ids.value = [...picked.keys()].join(",");
    chosen.replaceChildren(...[...picked].map(([id, label]) => {
      const item = document.createElement("li");
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "×";
      remove.addEventListener("click", () => { picked.delete(id); sync(); });
      item.append(label + " ", remove);
      return item;
    }));
  };
  ids.value.split(",").filter(Boolean).forEach((id) => picked.set(id.trim(), "#" + id.trim()));
  sync();
  let timer;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (search.value.trim().length < 2) { results.replaceChildren(); return; }
      const response = await fetch(picker.dataset.searchUrl + "?q=" + encodeURIComponent(search.value.trim()));
      const data = await response.json();
      results.replaceChildren(...data.results.map((unit) => {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = unit.label;
        button.addEventListener("click", () => { picked.set(String(unit.id), unit.label); sync(); });
        item.append(button);
        return item;
      }));
    }, 250);
  });
});
