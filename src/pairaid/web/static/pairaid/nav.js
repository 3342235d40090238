// The header's menus work without this script (they are <details>); it only adds what a menu
// is expected to do: Escape closes the open group (focus back on its summary), and a click
// elsewhere on the page closes it.
(function () {
  "use strict";
  const header = document.querySelector("header.top");
  if (!header) return;
  const openGroups = () => header.querySelectorAll("details.group[open]");
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    openGroups().forEach((group) => {
      group.open = false;
      if (group.contains(document.activeElement)) group.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", (event) => {
    openGroups().forEach((group) => {
      if (!group.contains(event.target)) group.open = false;
    });
  });
})();
