// What every page's script adds to HTML and CSS that work without it.
(function () {
  "use strict";

  // The header's menus are <details>; this adds what a menu is expected to do: Escape closes
  // the open group (focus back on its summary), and a click elsewhere on the page closes it.
  const header = document.querySelector("header.top");
  const openGroups = () => (header ? header.querySelectorAll("details.group[open]") : []);
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

  // On a phone a wide table scrolls sideways inside its box (pairaid.css). A keyboard scrolls
  // it only if the box can take the focus (WCAG 2.1.1), so a box that scrolls now gets a place
  // in the tab order, and loses it when the screen is wide enough again.
  function focusableWhereScrolling() {
    document.querySelectorAll("main table, main .scroll").forEach((box) => {
      const scrolls =
        box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible";
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.dataset.scrollFocus = "yes";
      } else if (!scrolls && box.dataset.scrollFocus) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    });
  }
  focusableWhereScrolling();
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(focusableWhereScrolling);
  });
})();
