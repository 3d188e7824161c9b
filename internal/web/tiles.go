package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Tiles is the tile server of the interactive results map. Its images are the only thing a page ever loads
// from another host, and only after the visitor opened the map.
type Tiles struct {
	// URL is a Leaflet tile template with {z}, {x} and {y}, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png;
	// {s} (a subdomain) is allowed as the host's first label only, so the CSP can name it as *.
	URL string
	// Attribution is the credit the tile server requires, shown on the map; AttributionURL, if set, is its link.
	Attribution    string
	AttributionURL string
}

// Default tile server: OpenStreetMap's own, with the credit its tile usage policy asks for.
const (
	DefaultTileURL            = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
	DefaultTileAttribution    = "© OpenStreetMap-Mitwirkende"
	DefaultTileAttributionURL = "https://www.openstreetmap.org/copyright"
)

// withDefaults fills an empty tile server with OpenStreetMap's.
func (t Tiles) withDefaults() Tiles {
	if t.URL == "" {
		t.URL = DefaultTileURL
		if t.Attribution == "" {
			t.Attribution, t.AttributionURL = DefaultTileAttribution, DefaultTileAttributionURL
		}
	}
	return t
}

// Origin checks the tile template and returns the CSP source of its host, e.g. "https://tile.openstreetmap.org"
// or "https://*.tile.example.org" for a template with {s}.
func (t Tiles) Origin() (string, error) {
	t = t.withDefaults()
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(t.URL, p) {
			return "", fmt.Errorf("tile URL %q: %s is missing (e.g. %s)", t.URL, p, DefaultTileURL)
		}
	}
	// The placeholders are not valid in a host name; a stand-in label lets url.Parse read the rest.
	u, err := url.Parse(strings.ReplaceAll(t.URL, "{s}", "subdomain"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return "", fmt.Errorf("tile URL %q: an http or https address with a host is needed", t.URL)
	}
	host := u.Host
	if strings.Contains(host, "subdomain") {
		if !strings.HasPrefix(host, "subdomain.") || strings.Count(host, "subdomain") > 1 {
			return "", fmt.Errorf("tile URL %q: {s} may only stand for the first label of the host", t.URL)
		}
		host = "*" + strings.TrimPrefix(host, "subdomain")
	}
	if strings.ContainsAny(host, "{}; '\"") {
		return "", fmt.Errorf("tile URL %q: placeholders belong in the path, not in the host", t.URL)
	}
	if t.AttributionURL != "" {
		if a, err := url.Parse(t.AttributionURL); err != nil || (a.Scheme != "https" && a.Scheme != "http") || a.Host == "" {
			return "", fmt.Errorf("tile attribution URL %q: an http or https address is needed", t.AttributionURL)
		}
	}
	return u.Scheme + "://" + host, nil
}

// allowTiles adds the tile host to img-src of the policy the middleware set, on the pages that can open the
// interactive map only: every other page keeps a policy that loads nothing from another host.
func (s *server) allowTiles(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.tileOrigin != "" {
			h := w.Header()
			if csp := h.Get("Content-Security-Policy"); csp != "" {
				h.Set("Content-Security-Policy", addSource(csp, "img-src", s.tileOrigin))
			}
		}
		next(w, r)
	}
}

// addSource adds src to one directive of a Content-Security-Policy (or adds the directive).
func addSource(csp, directive, src string) string {
	parts := strings.Split(csp, ";")
	for i, p := range parts {
		if f := strings.Fields(p); len(f) > 0 && f[0] == directive {
			parts[i] = strings.TrimRight(p, " ") + " " + src
			return strings.Join(parts, ";")
		}
	}
	return strings.TrimRight(csp, "; ") + "; " + directive + " " + src
}

// setupTiles checks the tile server and, when Leaflet is not built in, says once why the map stays the SVG.
func (s *server) setupTiles(t Tiles) error {
	s.tiles = t.withDefaults()
	origin, err := s.tiles.Origin()
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}
	if !s.static.hasLeaflet() {
		s.log.Warn("Leaflet is not built in (run `make assets` with Node.js and npm): the results map stays the server-drawn SVG")
		return nil
	}
	s.tileOrigin = origin
	return nil
}
