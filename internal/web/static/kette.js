// Kette works without JavaScript; this file only adds what needs it: "use my location" on the search form.
// The button is created here, so a browser without JavaScript never shows a button that cannot work.
(function () {
  "use strict";
  var form = document.querySelector("form[data-locate]");
  if (!form || !("geolocation" in navigator)) {
    return;
  }
  var place = form.querySelector("[name=ort]");
  if (!place) {
    return;
  }
  var status = document.createElement("p");
  status.setAttribute("role", "status");
  status.className = "locate__status";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button button--secondary locate";
  button.textContent = form.getAttribute("data-locate");
  place.parentNode.appendChild(button);
  place.parentNode.appendChild(status);

  function field(name, value) {
    var input = form.querySelector("input[type=hidden][name=" + name + "]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }

  button.addEventListener("click", function () {
    status.textContent = form.getAttribute("data-locate-wait");
    navigator.geolocation.getCurrentPosition(function (pos) {
      // Four decimals (about 10 m) are plenty to find offers nearby and say less about where the family lives.
      field("lat", pos.coords.latitude.toFixed(4));
      field("lon", pos.coords.longitude.toFixed(4));
      place.value = "";
      form.submit();
    }, function () {
      status.textContent = form.getAttribute("data-locate-error");
    }, { timeout: 15000, maximumAge: 600000 });
  });
})();
