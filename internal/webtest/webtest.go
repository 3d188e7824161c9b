// Package webtest drives Kette's pages over real HTTP in tests like a browser without JavaScript: it keeps
// cookies, reads forms out of the HTML (so a test submits what the page really offers, including the CSRF
// token) and does not follow redirects on its own, so tests can check them.
package webtest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Client is one visitor with its own cookies.
type Client struct {
	t    testing.TB
	Base string
	HTTP *http.Client
}

// New returns a visitor of the site at base.
func New(t testing.TB, base string) *Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Client{t: t, Base: base, HTTP: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Page is a response with its body.
type Page struct {
	Status   int
	Location string
	Body     string
	Header   http.Header
}

// Do sends a request and reads the whole answer.
func (c *Client) Do(req *http.Request) Page {
	c.t.Helper()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return Page{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: string(b), Header: resp.Header}
}

// Get fetches a path.
func (c *Client) Get(path string) Page {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.url(path), nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.Do(req)
}

// Post sends form values to a path as they are (no CSRF token is added).
func (c *Client) Post(path string, v url.Values) Page {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.url(path), strings.NewReader(v.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// Follow fetches the Location of a redirect.
func (c *Client) Follow(p Page) Page {
	c.t.Helper()
	if p.Status < 300 || p.Status > 399 || p.Location == "" {
		c.t.Fatalf("expected a redirect, got %d:\n%s", p.Status, Excerpt(p.Body))
	}
	return c.Get(p.Location)
}

func (c *Client) url(path string) string {
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		return path
	}
	return c.Base + path
}

// Form is a form of a page: its action, method and the values a browser would send unchanged.
type Form struct {
	Action, Method string
	Values         url.Values
}

// Form finds the form whose action ends with actionSuffix (the first one when empty) and reads its values:
// inputs (checked boxes only), textareas and selected options. Submit buttons are left out; set "action".
func (p Page) Form(t testing.TB, actionSuffix string) Form {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(p.Body))
	if err != nil {
		t.Fatal(err)
	}
	var found *Form
	var walk func(n *html.Node, f *Form)
	walk = func(n *html.Node, f *Form) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "form":
				if found != nil {
					return
				}
				if action := attr(n, "action"); strings.HasSuffix(action, actionSuffix) {
					f = &Form{Action: action, Method: strings.ToUpper(attr(n, "method")), Values: url.Values{}}
					found = f
				}
			case "input":
				if f != nil {
					switch attr(n, "type") {
					case "submit", "button":
					case "checkbox", "radio":
						if hasAttr(n, "checked") {
							f.Values.Add(attr(n, "name"), attr(n, "value"))
						}
					default:
						if name := attr(n, "name"); name != "" {
							f.Values.Add(name, attr(n, "value"))
						}
					}
				}
			case "textarea":
				if f != nil {
					f.Values.Add(attr(n, "name"), text(n))
				}
			case "select":
				if f != nil {
					name, first, chosen := attr(n, "name"), "", ""
					for o := range n.Descendants() {
						if o.Type == html.ElementNode && o.Data == "option" {
							if first == "" {
								first = attr(o, "value")
							}
							if hasAttr(o, "selected") && chosen == "" {
								chosen = attr(o, "value")
							}
						}
					}
					if chosen == "" {
						chosen = first
					}
					f.Values.Add(name, chosen)
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch, f)
		}
	}
	walk(doc, nil)
	if found == nil {
		t.Fatalf("no form with action …%s on the page:\n%s", actionSuffix, Excerpt(p.Body))
	}
	return *found
}

// Submit posts the form's values.
func (c *Client) Submit(f Form) Page {
	c.t.Helper()
	return c.Post(f.Action, f.Values)
}

// CSRF is the form token on the page (the hidden field "csrf" of its first form that has one).
func (p Page) CSRF() string {
	const marker = `name="csrf" value="`
	i := strings.Index(p.Body, marker)
	if i < 0 {
		return ""
	}
	rest := p.Body[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func text(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// Excerpt shortens a page for a failure message: the <main> element when there is one.
func Excerpt(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 3000 {
		body = body[:3000] + "…"
	}
	return body
}
