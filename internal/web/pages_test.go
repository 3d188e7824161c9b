package web_test

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"golang.org/x/net/html"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// pageSize is the number of offers per page of a list.
const pageSize = 50

var public = tenant.Public()

// TestPagesOverHTTP walks the pages as a visitor does, over the demo data, on both databases.
func TestPagesOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv := site(t, s)
		braunschweig, err := s.GetKommuneByAGS(ctx, public, "03101000")
		if err != nil {
			t.Fatal(err)
		}
		d := demoSite{s: s, url: srv.URL, kommune: braunschweig}
		t.Run("the start page lists the four Kommunen with links", d.startPage)
		t.Run("the Kommune page draws its Sozialräume as a map and a table", d.kommuneMapAndTable)
		t.Run("the offers of a Kommune are paginated with ?seite=", d.pagination)
		t.Run("a bad page number is a German 400 page naming the field", d.badPageNumber)
		t.Run("the filters by Lebensphase and Handlungsfeld narrow the list", d.filters)
		t.Run("an unknown filter code is a 400 page naming the field", d.unknownFilterCode)
		t.Run("the Sozialraum page shows its children, locations and offers", d.areaPage)
		t.Run("the Einrichtung page shows contact, locations and offers", d.organizationPage)
		t.Run("the offer page shows what a family needs to act", d.offerPage)
		t.Run("unknown and malformed addresses are German error pages", d.errorPages)
		t.Run("the language comes from ?lang=, then the cookie, then Accept-Language", d.language)
		t.Run("the style sheet is served as CSS with a long cache", d.styleSheet)
	})
}

type demoSite struct {
	s       *store.Store
	url     string
	kommune region.Kommune
}

func (d demoSite) get(t *testing.T, path string, header ...string) page {
	t.Helper()
	return get(t, http.DefaultClient, d.url+path, header...)
}

func (d demoSite) startPage(t *testing.T) {
	p := d.get(t, "/")
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	if lang, _ := attr(first(t, p.doc, "html"), "lang"); lang != "de" {
		t.Errorf("lang %q, want de", lang)
	}
	for ags, name := range demoKommunen {
		links := all(p.doc, "a", "href", "/kommunen/"+ags)
		if len(links) != 1 || !strings.Contains(text(links[0]), name) {
			t.Errorf("Kommune %s (%s): links %d, text %q", ags, name, len(links), textOf(links))
		}
	}
	if csp := p.header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
}

func (d demoSite) kommuneMapAndTable(t *testing.T) {
	areas, err := d.s.ListAreas(ctx, public, d.kommune.ID)
	if err != nil || len(areas) == 0 {
		t.Fatalf("areas: %d, %v", len(areas), err)
	}
	p := d.get(t, "/kommunen/03101000")
	if p.status != http.StatusOK || text(first(t, p.doc, "h1")) != "Braunschweig" {
		t.Fatalf("status %d, h1 %q", p.status, text(first(t, p.doc, "h1")))
	}
	svg := first(t, p.doc, "svg", "role", "group") // a group, not an image: its Sozialräume are links a screen reader must reach
	if title := text(first(t, svg, "title")); !strings.Contains(title, "Braunschweig") {
		t.Errorf("map title %q", title)
	}
	links := all(svg, "a")
	if len(links) != len(areas) {
		t.Fatalf("map links %d, want one per Sozialraum (%d)", len(links), len(areas))
	}
	want := map[string]string{}
	for _, a := range areas {
		want["/sozialraeume/"+a.ID.String()] = a.Name
	}
	for _, l := range links {
		href, _ := attr(l, "href")
		class, _ := attr(l, "class")
		path := first(t, l, "path")
		if d, _ := attr(path, "d"); !strings.HasPrefix(d, "M") || !strings.HasSuffix(d, "Z") {
			t.Errorf("%s: path %q", href, d)
		}
		if !strings.Contains(text(first(t, l, "title")), want[href]) || want[href] == "" {
			t.Errorf("map link %s: title %q", href, text(first(t, l, "title")))
		}
		if !strings.Contains(class, "shade-") {
			t.Errorf("map link %s: class %q has no shade", href, class)
		}
	}
	table := first(t, p.doc, "table", "class", "numbers")
	if text(first(t, table, "caption")) == "" {
		t.Error("the Sozialräume table has no caption")
	}
	if cols := all(first(t, table, "thead"), "th", "scope", "col"); len(cols) != 2+len(region.AgeBands)+2 {
		t.Errorf("%d column headings", len(cols))
	}
	rows := all(first(t, table, "tbody"), "tr")
	if len(rows) != len(areas) {
		t.Fatalf("table rows %d, want %d", len(rows), len(areas))
	}
	for i, a := range areas {
		th := first(t, rows[i], "th", "scope", "row")
		if text(th) != a.Name || !slices.Contains(hrefs(th), "/sozialraeume/"+a.ID.String()) {
			t.Errorf("row %d: %q", i, text(th))
		}
	}
	total := 0
	for _, a := range areas {
		total += a.Children.Total()
	}
	foot := text(first(t, table, "tfoot"))
	if !strings.HasPrefix(foot, "Zusammen") || !strings.Contains(foot, german(total)) {
		t.Errorf("total row %q, want Zusammen with %s children", foot, german(total))
	}
	if n := len(all(p.doc, "ul", "class", "legend")); n != 1 {
		t.Errorf("%d legends", n)
	}
}

func (d demoSite) pagination(t *testing.T) {
	total := d.total(t, store.OfferFilter{KommuneID: d.kommune.ID})
	pages := (total + pageSize - 1) / pageSize
	if pages < 2 {
		t.Fatalf("Braunschweig has %d offers, too few to page", total)
	}
	p1 := d.get(t, "/kommunen/03101000")
	if got := countLine(t, p1); !strings.HasPrefix(got, fmt.Sprintf("%d Angebote · Seite 1 von %d", total, pages)) {
		t.Errorf("count line %q", got)
	}
	first1 := offerLinks(p1)
	if len(first1) != pageSize {
		t.Fatalf("page 1 lists %d offers, want %d", len(first1), pageSize)
	}
	next, _ := attr(first(t, p1.doc, "a", "rel", "next"), "href")
	if next != "/kommunen/03101000?seite=2#angebote" {
		t.Fatalf("next link %q", next)
	}
	p2 := d.get(t, next)
	if p2.status != http.StatusOK {
		t.Fatalf("page 2: status %d", p2.status)
	}
	for _, href := range offerLinks(p2) {
		if slices.Contains(first1, href) {
			t.Errorf("%s is on page 1 and page 2", href)
		}
	}
	prev, _ := attr(first(t, p2.doc, "a", "rel", "prev"), "href")
	if prev != "/kommunen/03101000#angebote" {
		t.Errorf("previous link %q", prev)
	}
	last := d.get(t, "/kommunen/03101000?seite="+strconv.Itoa(pages))
	if n := len(offerLinks(last)); n != total-pageSize*(pages-1) || len(all(last.doc, "a", "rel", "next")) != 0 {
		t.Errorf("last page: %d offers, next links %d", n, len(all(last.doc, "a", "rel", "next")))
	}
	if beyond := d.get(t, "/kommunen/03101000?seite="+strconv.Itoa(pages+1)); beyond.status != http.StatusNotFound {
		t.Errorf("page after the last: status %d, want 404", beyond.status)
	}
}

func (d demoSite) badPageNumber(t *testing.T) {
	for _, raw := range []string{"0", "abc", "-1"} {
		p := d.get(t, "/kommunen/03101000?seite="+raw)
		if p.status != http.StatusBadRequest {
			t.Errorf("?seite=%s: status %d, want 400", raw, p.status)
		}
		want := "Seite: „" + raw + "“ ist keine Seitenzahl (1, 2, 3 …)."
		if got := text(first(t, p.doc, "ul", "class", "field-errors")); got != want {
			t.Errorf("?seite=%s: field message %q, want %q", raw, got, want)
		}
		if h := text(first(t, p.doc, "h1")); h != "Die Adresse ist fehlerhaft" {
			t.Errorf("?seite=%s: heading %q", raw, h)
		}
	}
	area := d.firstArea(t)
	if p := d.get(t, "/sozialraeume/"+area.ID.String()+"?seite=x"); p.status != http.StatusBadRequest {
		t.Errorf("Sozialraum ?seite=x: status %d", p.status)
	}
}

func (d demoSite) filters(t *testing.T) {
	unfiltered := d.total(t, store.OfferFilter{KommuneID: d.kommune.ID})
	cases := []struct {
		query  string
		filter store.OfferFilter
		has    func(catalog.Offer) bool
	}{
		{"lebensphase=age_0_3", store.OfferFilter{KommuneID: d.kommune.ID, Phase: "age_0_3"},
			func(o catalog.Offer) bool { return slices.Contains(o.Phases, "age_0_3") }},
		{"handlungsfeld=health", store.OfferFilter{KommuneID: d.kommune.ID, Field: "health"},
			func(o catalog.Offer) bool { return slices.Contains(o.Fields, "health") }},
		{"lebensphase=age_0_3&handlungsfeld=health", store.OfferFilter{KommuneID: d.kommune.ID, Phase: "age_0_3", Field: "health"},
			func(o catalog.Offer) bool {
				return slices.Contains(o.Phases, "age_0_3") && slices.Contains(o.Fields, "health")
			}},
	}
	for _, c := range cases {
		want := d.total(t, c.filter)
		if want == 0 || want >= unfiltered {
			t.Fatalf("%s: %d of %d offers in the demo; the case proves nothing", c.query, want, unfiltered)
		}
		p := d.get(t, "/kommunen/03101000?"+c.query)
		if got := countLine(t, p); !strings.HasPrefix(got, fmt.Sprintf("%d Angebot", want)) {
			t.Errorf("%s: count line %q, want %d", c.query, got, want)
		}
		for _, href := range offerLinks(p) {
			o, err := d.s.GetOffer(ctx, public, uuid.MustParse(strings.TrimPrefix(href, "/angebote/")))
			if err != nil || !c.has(o) {
				t.Errorf("%s lists %s (%v): phases %v, fields %v", c.query, href, err, o.Phases, o.Fields)
			}
		}
	}
	p := d.get(t, "/kommunen/03101000?lebensphase=age_0_3")
	current := first(t, p.doc, "a", "href", "/kommunen/03101000?lebensphase=age_0_3#angebote")
	if v, _ := attr(current, "aria-current"); v != "true" {
		t.Errorf("the chosen phase is not marked current")
	}
}

func (d demoSite) unknownFilterCode(t *testing.T) {
	for query, want := range map[string]string{
		"lebensphase=kindergarten": "Lebensphase: „kindergarten“ ist kein bekannter Wert.",
		"handlungsfeld=sport":      "Handlungsfeld: „sport“ ist kein bekannter Wert.",
	} {
		p := d.get(t, "/kommunen/03101000?"+query)
		if p.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", query, p.status)
		}
		if got := text(first(t, p.doc, "ul", "class", "field-errors")); got != want {
			t.Errorf("%s: %q, want %q", query, got, want)
		}
	}
}

func (d demoSite) areaPage(t *testing.T) {
	a := d.firstArea(t)
	p := d.get(t, "/sozialraeume/"+a.ID.String())
	if p.status != http.StatusOK || text(first(t, p.doc, "h1")) != a.Name {
		t.Fatalf("status %d, h1 %q, want %q", p.status, text(first(t, p.doc, "h1")), a.Name)
	}
	if !slices.Contains(hrefs(first(t, p.doc, "nav", "class", "breadcrumb")), "/kommunen/03101000") {
		t.Error("the breadcrumb does not lead back to the Kommune")
	}
	children := first(t, p.doc, "table", "class", "children")
	if foot := text(first(t, children, "tfoot")); !strings.Contains(foot, german(a.Children.Total())) {
		t.Errorf("children total %q, want %s", foot, german(a.Children.Total()))
	}
	if got, want := countLine(t, p), fmt.Sprintf("%d Angebot", d.total(t, store.OfferFilter{AreaID: a.ID})); !strings.HasPrefix(got, want) {
		t.Errorf("count line %q, want %q…", got, want)
	}
	locs, err := d.s.ListLocations(ctx, public, store.LocationFilter{AreaID: a.ID})
	if err != nil || len(locs) == 0 {
		t.Fatalf("locations: %d, %v", len(locs), err)
	}
	for _, l := range locs {
		if !strings.Contains(p.body, l.Address1) {
			t.Errorf("location %s: address %q missing", l.Name, l.Address1)
		}
	}
	first(t, p.doc, "svg", "role", "img")
}

func (d demoSite) organizationPage(t *testing.T) {
	orgs, _, err := d.s.ListOrganizations(ctx, public, store.OrganizationFilter{KommuneID: d.kommune.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(orgs, func(o catalog.Organization) bool { return o.Phone != "" && o.Kind == "familienzentrum" })
	if i < 0 {
		t.Fatal("no Familienzentrum with a phone number in the demo")
	}
	o := orgs[i]
	p := d.get(t, "/einrichtungen/"+o.ID.String())
	if p.status != http.StatusOK || text(first(t, p.doc, "h1")) != o.Name {
		t.Fatalf("status %d, h1 %q, want %q", p.status, text(first(t, p.doc, "h1")), o.Name)
	}
	if href, _ := attr(first(t, p.doc, "a", "href", "tel:*"), "href"); href != "tel:"+digits(o.Phone) {
		t.Errorf("phone link %q for %q", href, o.Phone)
	}
	first(t, p.doc, "a", "href", "mailto:"+o.Email)
	locs, err := d.s.ListLocations(ctx, public, store.LocationFilter{OrganizationID: o.ID})
	if err != nil || len(locs) == 0 {
		t.Fatalf("locations: %d, %v", len(locs), err)
	}
	if !strings.Contains(p.body, locs[0].Address1) {
		t.Errorf("address %q missing", locs[0].Address1)
	}
	if got, want := countLine(t, p), fmt.Sprintf("%d Angebot", d.total(t, store.OfferFilter{OrganizationID: o.ID})); !strings.HasPrefix(got, want) {
		t.Errorf("count line %q, want %q…", got, want)
	}
}

func (d demoSite) offerPage(t *testing.T) {
	o, org, locs := d.offerWithLocation(t)
	p := d.get(t, "/angebote/"+o.ID.String())
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	if h := text(first(t, p.doc, "h1")); h != o.Name {
		t.Errorf("h1 %q, want %q", h, o.Name)
	}
	if l := first(t, p.doc, "a", "href", "/einrichtungen/"+org.ID.String()); text(l) != org.Name {
		t.Errorf("organization link %q, want %q", text(l), org.Name)
	}
	phone := o.Phone
	if phone == "" {
		phone = org.Phone
	}
	if href, _ := attr(first(t, p.doc, "a", "href", "tel:*"), "href"); href != "tel:"+digits(phone) {
		t.Errorf("phone link %q for %q", href, phone)
	}
	body := text(p.doc)
	for _, want := range []string{locs[0].Address1, locs[0].PostalCode + " " + locs[0].City, "Alter", "Kosten",
		"Die Einrichtung hat diese Angaben zuletzt am"} {
		if !strings.Contains(body, want) {
			t.Errorf("the offer page does not say %q", want)
		}
	}
	first(t, p.doc, "a", "href", "https://www.openstreetmap.org/*")
	if locs[0].AreaID != nil {
		first(t, p.doc, "a", "href", "/sozialraeume/"+locs[0].AreaID.String())
	}
}

func (d demoSite) errorPages(t *testing.T) {
	cases := []struct {
		path    string
		status  int
		heading string
		message string
	}{
		{"/angebote/" + uuid.NewString(), 404, "Seite nicht gefunden", "Dieses Angebot ist nicht bekannt."},
		{"/einrichtungen/" + uuid.NewString(), 404, "Seite nicht gefunden", "Diese Einrichtung ist nicht bekannt."},
		{"/sozialraeume/" + uuid.NewString(), 404, "Seite nicht gefunden", "Dieser Sozialraum ist nicht bekannt."},
		{"/kommunen/03999999", 404, "Seite nicht gefunden", "Diese Kommune ist nicht bekannt."},
		{"/angebote/kein-uuid", 400, "Die Adresse ist fehlerhaft", "Die Kennung ist ungültig"},
		{"/einrichtungen/12345", 400, "Die Adresse ist fehlerhaft", "Die Kennung ist ungültig"},
		{"/kommunen/0310", 400, "Die Adresse ist fehlerhaft", "Amtliche Gemeindeschlüssel (AGS) ist ungültig"},
		{"/gibt/es/nicht", 404, "Seite nicht gefunden", "Diese Seite gibt es nicht."},
	}
	for _, c := range cases {
		p := d.get(t, c.path)
		if p.status != c.status {
			t.Errorf("%s: status %d, want %d", c.path, p.status, c.status)
		}
		if h := text(first(t, p.doc, "h1")); h != c.heading {
			t.Errorf("%s: heading %q, want %q", c.path, h, c.heading)
		}
		if m := text(first(t, p.doc, "p", "class", "lead")); !strings.Contains(m, c.message) {
			t.Errorf("%s: message %q, want %q", c.path, m, c.message)
		}
		if !slices.Contains(hrefs(first(t, p.doc, "main")), "/") {
			t.Errorf("%s: no way back to the start page", c.path)
		}
		if lang, _ := attr(first(t, p.doc, "html"), "lang"); lang != "de" {
			t.Errorf("%s: lang %q", c.path, lang)
		}
	}
}

func (d demoSite) language(t *testing.T) {
	c := browser(t)
	p := get(t, c, d.url+"/?lang=en")
	if lang, _ := attr(first(t, p.doc, "html"), "lang"); lang != "en" || !strings.Contains(text(first(t, p.doc, "h1")), "families") {
		t.Fatalf("?lang=en: lang %q, h1 %q", lang, text(first(t, p.doc, "h1")))
	}
	if !strings.Contains(p.header.Get("Set-Cookie"), "lang=en") {
		t.Errorf("Set-Cookie %q", p.header.Get("Set-Cookie"))
	}
	// The cookie is remembered, even against the browser's Accept-Language.
	p = get(t, c, d.url+"/kommunen/03101000", "Accept-Language", "de-DE,de;q=0.9")
	if lang, _ := attr(first(t, p.doc, "html"), "lang"); lang != "en" || text(first(t, p.doc, "h2", "id", "sozialraeume-titel")) != "Districts (9)" {
		t.Errorf("with the cookie: lang %q, heading %q", lang, text(first(t, p.doc, "h2", "id", "sozialraeume-titel")))
	}
	if p = get(t, c, d.url+"/angebote/kein-uuid"); text(first(t, p.doc, "h1")) != "The address is not valid" {
		t.Errorf("English error page: %q", text(first(t, p.doc, "h1")))
	}
	if p = get(t, c, d.url+"/?lang=de"); !strings.Contains(text(first(t, p.doc, "h1")), "Familien") {
		t.Errorf("back to German: %q", text(first(t, p.doc, "h1")))
	}
	p = d.get(t, "/", "Accept-Language", "en-GB,en;q=0.8")
	if lang, _ := attr(first(t, p.doc, "html"), "lang"); lang != "en" || p.header.Get("Content-Language") != "en" {
		t.Errorf("Accept-Language en: lang %q, Content-Language %q", lang, p.header.Get("Content-Language"))
	}
	p = d.get(t, "/", "Accept-Language", "fr-FR,fr;q=0.9")
	if lang, _ := attr(first(t, p.doc, "html"), "lang"); lang != "de" {
		t.Errorf("Accept-Language fr: lang %q, want the German default", lang)
	}
	switcher := first(t, p.doc, "nav", "class", "langs")
	if got := text(switcher); got != "Deutsch English Türkçe العربية Українська Русский" {
		t.Errorf("language switcher %q", got)
	}
}

func (d demoSite) styleSheet(t *testing.T) {
	p := d.get(t, "/")
	href, _ := attr(first(t, p.doc, "link", "rel", "stylesheet"), "href")
	if !strings.HasPrefix(href, "/static/") || !strings.HasSuffix(href, "/kette.css") {
		t.Fatalf("style sheet %q", href)
	}
	resp, err := http.Get(d.url + href)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Fatalf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	for shade := range 4 {
		if !strings.Contains(string(b), fmt.Sprintf(".shade-%d path", shade)) {
			t.Errorf("the style sheet does not fill .shade-%d", shade)
		}
	}
	if missing := d.get(t, "/static/x/nichts.css"); missing.status != http.StatusNotFound {
		t.Errorf("unknown static file: status %d", missing.status)
	}
}

// total counts the public offers matching f.
func (d demoSite) total(t *testing.T, f store.OfferFilter) int {
	t.Helper()
	f.Limit = 1
	_, n, err := d.s.ListOffers(ctx, public, f)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (d demoSite) firstArea(t *testing.T) region.Area {
	t.Helper()
	areas, err := d.s.ListAreas(ctx, public, d.kommune.ID)
	if err != nil || len(areas) == 0 {
		t.Fatalf("areas: %d, %v", len(areas), err)
	}
	return areas[0]
}

// offerWithLocation is the first public offer of Braunschweig that has a location.
func (d demoSite) offerWithLocation(t *testing.T) (catalog.Offer, catalog.Organization, []catalog.Location) {
	t.Helper()
	list, _, err := d.s.ListOffers(ctx, public, store.OfferFilter{KommuneID: d.kommune.ID, Limit: pageSize})
	if err != nil {
		t.Fatal(err)
	}
	for _, sum := range list {
		o, err := d.s.GetOffer(ctx, public, sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		locs, err := d.s.ListLocations(ctx, public, store.LocationFilter{OfferID: o.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(locs) > 0 {
			org, err := d.s.GetOrganization(ctx, public, o.OrganizationID)
			if err != nil {
				t.Fatal(err)
			}
			return o, org, locs
		}
	}
	t.Fatal("no offer with a location in the demo")
	return catalog.Offer{}, catalog.Organization{}, nil
}

// offerLinks are the offers listed in the section #angebote, in order.
func offerLinks(p page) []string {
	var out []string
	for _, sec := range all(p.doc, "section", "id", "angebote") {
		for _, h := range hrefs(sec) {
			if strings.HasPrefix(h, "/angebote/") {
				out = append(out, h)
			}
		}
	}
	return out
}

// countLine is the line above an offer list: "141 Angebote · Seite 1 von 3".
func countLine(t *testing.T, p page) string {
	t.Helper()
	return text(first(t, p.doc, "p", "class", "count"))
}

// german writes a number the German way: 50.345.
func german(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}

// digits keeps what a tel: link keeps: digits and a leading plus.
func digits(phone string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(phone) {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func textOf(ns []*html.Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, text(n))
	}
	return out
}
