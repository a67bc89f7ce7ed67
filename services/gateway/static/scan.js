// Staff scan the volunteer's pickup QR with the phone camera where the browser allows it;
// the scanned text goes into the same form as a typed code. Without a camera the form still works.
(function () {
  var box = document.getElementById("scan");
  if (!box || !window.QrScanner || !navigator.mediaDevices) return;
  var form = document.getElementById("pickup-form");
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  var payload = document.getElementById("qr_payload");
  var code = document.getElementById("pickup_code");
  QrScanner.hasCamera().then(function (has) {
    if (!has) return;
    box.hidden = false;
    document.getElementById("scan-start").addEventListener("click", function () {
      video.hidden = false;
      status.textContent = box.dataset.aiming || "";
      var scanner = new QrScanner(video, function (result) {
        scanner.stop();
        payload.value = result.data || result;
        code.value = "";
        form.submit();
      }, { returnDetailedScanResult: true });
      scanner.start().catch(function () {
        video.hidden = true;
        status.textContent = box.dataset.denied || "";
      });
    });
  });
})();
