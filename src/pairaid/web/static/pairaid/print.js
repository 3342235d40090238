// The notice's Print button: a script file, since the Content-Security-Policy allows no inline
// script (onclick="…" included).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
