package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/server"
	"github.com/kette-org/kette/internal/store"
)

var ctx = context.Background()

// The four Kommunen of the demo data.
var demoKommunen = map[string]string{
	"03101000": "Braunschweig",
	"03241001": "Hannover",
	"03355022": "Lüneburg",
	"03403000": "Oldenburg (Oldb)",
}

// site serves the whole application (pages behind the real middleware, so the security headers are there too)
// over the demo data in s.
func site(t testing.TB, s *store.Store) *httptest.Server {
	t.Helper()
	if err := demo.Load(ctx, s, nil); err != nil {
		t.Fatalf("demo data: %v", err)
	}
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.Handler(server.Deps{Store: s, I18n: bundle, Log: slog.New(slog.DiscardHandler), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// page is a fetched HTML page.
type page struct {
	status int
	header http.Header
	body   string
	doc    *html.Node
}

// browser is a client with a cookie jar, like a visitor's browser.
func browser(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

// get fetches an HTML page, with optional header pairs ("Accept-Language", "en"). Every page is checked for
// what the Content-Security-Policy forbids: inline styles and scripts.
func get(t testing.TB, c *http.Client, url string, header ...string) page {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	p := page{status: resp.StatusCode, header: resp.Header, body: string(b)}
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("GET %s: content type %q", url, ct)
	}
	for _, forbidden := range []string{"style=", "<style", "javascript:"} {
		if strings.Contains(strings.ToLower(p.body), forbidden) {
			t.Errorf("GET %s: the page contains %q, which the Content-Security-Policy forbids", url, forbidden)
		}
	}
	// Scripts only as files of this site (script-src 'self'); an inline script would be blocked.
	for _, m := range scriptTag.FindAllString(p.body, -1) {
		if !ownScript.MatchString(m) {
			t.Errorf("GET %s: %s is not a script file of this site, which the Content-Security-Policy forbids", url, m)
		}
	}
	if p.doc, err = html.Parse(strings.NewReader(p.body)); err != nil {
		t.Fatalf("GET %s: parse: %v", url, err)
	}
	checkFrame(t, url, p)
	return p
}

var (
	scriptTag = regexp.MustCompile(`(?i)<script[^>]*>`)
	ownScript = regexp.MustCompile(`^<script src="/static/[0-9a-f]+/[a-z]+\.js" defer>$`)
)

// checkFrame checks what every page needs: a language, a title, one h1, a main landmark the skip link leads to.
func checkFrame(t testing.TB, url string, p page) {
	t.Helper()
	if lang, _ := attr(first(t, p.doc, "html"), "lang"); lang == "" {
		t.Errorf("GET %s: <html> has no lang", url)
	}
	if text(first(t, p.doc, "title")) == "" {
		t.Errorf("GET %s: empty <title>", url)
	}
	if n := len(all(p.doc, "h1")); n != 1 {
		t.Errorf("GET %s: %d h1 headings, want 1", url, n)
	}
	first(t, p.doc, "a", "href", "#inhalt")
	first(t, p.doc, "main", "id", "inhalt")
}

// all returns the elements below n with the tag whose attributes contain every pair of attrs ("class", "x");
// a value ending in "*" matches as a prefix.
func all(n *html.Node, tag string, attrs ...string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag && hasAttrs(n, attrs) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func hasAttrs(n *html.Node, attrs []string) bool {
	for i := 0; i+1 < len(attrs); i += 2 {
		v, ok := attr(n, attrs[i])
		want := attrs[i+1]
		switch {
		case !ok:
			return false
		case strings.HasSuffix(want, "*"):
			if !strings.HasPrefix(v, strings.TrimSuffix(want, "*")) {
				return false
			}
		case attrs[i] == "class":
			if !strings.Contains(" "+v+" ", " "+want+" ") {
				return false
			}
		case v != want:
			return false
		}
	}
	return true
}

// first is the first element matching, or fails the test.
func first(t testing.TB, n *html.Node, tag string, attrs ...string) *html.Node {
	t.Helper()
	found := all(n, tag, attrs...)
	if len(found) == 0 {
		t.Fatalf("no <%s %v> in the page", tag, attrs)
	}
	return found[0]
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// text is the text content of n with whitespace collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// hrefs are the link targets below n.
func hrefs(n *html.Node) []string {
	var out []string
	for _, a := range all(n, "a") {
		if h, ok := attr(a, "href"); ok {
			out = append(out, h)
		}
	}
	return out
}
