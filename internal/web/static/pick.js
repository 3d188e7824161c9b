// Map pick for the location form: where JavaScript runs, a click (or tap) on the map of Sozialräume puts its
// coordinates into the latitude and longitude fields. The fields stay the real input – typed by keyboard, or
// left empty to use the postcode – so the form works the same without this file.
(function () {
  "use strict";
  var svg = document.querySelector("svg[data-pick-kx]");
  var lat = document.querySelector("input[name=latitude]");
  var lon = document.querySelector("input[name=longitude]");
  if (!svg || !lat || !lon || !svg.createSVGPoint) {
    return;
  }
  function num(name) { return parseFloat(svg.getAttribute("data-pick-" + name)); }
  var lon0 = num("lon0"), lat0 = num("lat0"), kx = num("kx"), ky = num("ky"), pad = num("pad");
  var point = svg.querySelector(".map__point");
  var status = document.createElement("p");
  status.setAttribute("role", "status");
  status.className = "pick__status";
  status.textContent = svg.getAttribute("data-pick-hint");
  svg.parentNode.appendChild(status);
  svg.classList.add("map__svg--pick");

  // Five decimals are about a metre; written with a point like the values the form shows.
  function fixed(v) { return v.toFixed(5); }

  svg.addEventListener("click", function (ev) {
    var ctm = svg.getScreenCTM();
    if (!ctm) {
      return;
    }
    var pt = svg.createSVGPoint();
    pt.x = ev.clientX;
    pt.y = ev.clientY;
    var p = pt.matrixTransform(ctm.inverse());
    lat.value = fixed(lat0 - (p.y - pad) / ky);
    lon.value = fixed(lon0 + (p.x - pad) / kx);
    if (point) {
      point.setAttribute("cx", p.x.toFixed(1));
      point.setAttribute("cy", p.y.toFixed(1));
      point.classList.remove("map__point--none");
    }
    status.textContent = svg.getAttribute("data-pick-done").replace("%s", lat.value + " / " + lon.value);
  });
})();
