// The organiser's screen shows the next check-in code by itself, shortly after the current one turns.
(function () {
  var screen = document.getElementById("screen");
  var seconds = Number(screen && screen.dataset.refreshSeconds) || 15;
  setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
