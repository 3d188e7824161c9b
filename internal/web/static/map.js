// The interactive results map, where JavaScript runs. The server-drawn SVG map stays the map of every browser;
// this file adds a button beside it that loads our own copy of Leaflet and only then the tiles, so the tile
// server hears nothing of a visitor who does not open the map; the same button then switches back and forth. The markers are the numbered dots of the SVG
// map (their coordinates are in data-lat/data-lon), each a keyboard-reachable button with a popup linking to
// the offer.
(function () {
  "use strict";
  var figure = document.querySelector("figure[data-leaflet-js]");
  if (!figure || !document.querySelector || !window.addEventListener) {
    return;
  }
  var svg = figure.querySelector("svg");
  var dots = figure.querySelectorAll("a[data-lat]");
  if (!svg || !dots.length) {
    return;
  }
  function data(name) { return figure.getAttribute("data-" + name) || ""; }

  var bar = document.createElement("p");
  bar.className = "result-map__open";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button button--secondary";
  button.textContent = data("map-open");
  bar.appendChild(button);
  var status = document.createElement("p");
  status.setAttribute("role", "status");
  status.className = "result-map__status";
  figure.insertBefore(bar, svg);
  figure.insertBefore(status, svg);

  // load adds a style sheet or script of our own static files and calls done once it arrived.
  function load(tag, url, done, failed) {
    var el = document.createElement(tag);
    if (tag === "link") {
      el.rel = "stylesheet";
      el.href = url;
    } else {
      el.src = url;
    }
    el.addEventListener("load", done);
    el.addEventListener("error", failed);
    document.head.appendChild(el);
  }

  function fail() {
    status.textContent = data("map-failed");
    button.disabled = false;
  }

  // Once open, the button switches between the interactive map and the server-drawn one.
  var live = null;
  function showLive(on) {
    live.box.hidden = !on;
    live.hint.hidden = !on;
    svg.classList.toggle("result-map__svg--hidden", on);
    button.textContent = data(on ? "map-close" : "map-open");
    if (on) {
      live.map.invalidateSize();
    }
  }

  button.addEventListener("click", function () {
    if (live) {
      showLive(live.box.hidden);
      return;
    }
    button.disabled = true;
    status.textContent = data("map-loading");
    var waiting = 2;
    function ready() {
      waiting--;
      if (waiting === 0) {
        try {
          show();
        } catch (e) {
          fail();
        }
      }
    }
    load("link", data("leaflet-css"), ready, fail);
    load("script", data("leaflet-js"), ready, fail);
  });

  function text(el, selector) {
    var found = el.querySelector(selector);
    return found ? found.textContent : "";
  }

  function show() {
    var L = window.L;
    var hint = document.createElement("p");
    hint.className = "result-map__hint";
    hint.id = "karte-hinweis";
    hint.textContent = data("map-hint");
    var box = document.createElement("div");
    box.className = "result-map__live";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", data("map-label"));
    box.setAttribute("aria-describedby", hint.id);
    figure.insertBefore(hint, svg);
    figure.insertBefore(box, svg);
    svg.classList.add("result-map__svg--hidden");

    // Scrolling the page on a phone must not zoom the map; the zoom buttons and keys still do.
    var map = L.map(box, { scrollWheelZoom: false });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    var credit = "";
    if (data("attribution")) {
      var c = document.createElement(data("attribution-link") ? "a" : "span");
      c.textContent = data("attribution");
      if (data("attribution-link")) {
        c.href = data("attribution-link");
      }
      credit = c.outerHTML;
    }
    function point(el) { return [parseFloat(el.getAttribute("data-lat")), parseFloat(el.getAttribute("data-lon"))]; }
    // The view comes first: Leaflet adds layers (and creates the markers' elements) once the map has one.
    var points = Array.prototype.map.call(dots, point);
    var you = figure.querySelector("g[data-lat]");
    if (you) {
      points.push(point(you));
    }
    map.fitBounds(L.latLngBounds(points).pad(0.15), { maxZoom: 16 });
    L.tileLayer(data("tiles"), { attribution: credit, maxZoom: 19 }).addTo(map);
    if (you) {
      L.circleMarker(point(you), { radius: 8, className: "result-map__here", interactive: false }).addTo(map);
    }

    Array.prototype.forEach.call(dots, function (dot) {
      var at = point(dot);
      var name = text(dot, "title");
      var number = document.createElement("span");
      number.textContent = text(dot, "text");
      var marker = L.marker(at, {
        icon: L.divIcon({ className: "result-map__marker", html: number, iconSize: [30, 30], iconAnchor: [15, 15], popupAnchor: [0, -15] }),
        title: name, keyboard: true, riseOnHover: true
      });
      var link = document.createElement("a");
      link.href = dot.getAttribute("href");
      link.textContent = name;
      marker.bindPopup(link);
      marker.addTo(map);
      var icon = marker.getElement();
      icon.setAttribute("aria-label", name);
      marker.on("popupopen", function () { link.focus(); });
      // Closed with Escape, the popup takes the focus with it; give it back to its marker.
      marker.on("popupclose", function () {
        setTimeout(function () {
          if (!document.activeElement || document.activeElement === document.body) {
            icon.focus();
          }
        }, 0);
      });
    });
    live = { box: box, hint: hint, map: map };
    button.textContent = data("map-close");
    button.disabled = false;
    status.textContent = "";
    box.focus();
  }
})();
