package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/kette-org/kette/internal/errs"
)

// pageParam is the query parameter of the page number.
const pageParam = "seite"

// pager is the navigation of a paginated list: "Seite 2 von 7" with links to the pages before and after.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string
}

// readPage reads ?seite= (1-based); anything but a positive number is a field error.
func readPage(r *http.Request) (int, error) {
	raw := r.URL.Query().Get(pageParam)
	if raw == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		var v errs.Validation
		v.Add("page", "validation.page", map[string]any{"Value": raw})
		return 0, v.Err()
	}
	return n, nil
}

// newPager builds the navigation for page of total items; links keep the other query parameters and jump to
// the list's anchor. A page after the last one is not found.
func newPager(r *http.Request, page, size, total int, anchor string) (pager, error) {
	pages := max(1, (total+size-1)/size)
	if page > pages {
		return pager{}, errs.E(errs.NotFound, "error.not_found")
	}
	p := pager{Page: page, Pages: pages, Total: total}
	link := func(n int) string {
		q := r.URL.Query()
		q.Del("lang")
		if n == 1 {
			q.Del(pageParam)
		} else {
			q.Set(pageParam, strconv.Itoa(n))
		}
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode(), Fragment: anchor}
		return u.String()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < pages {
		p.Next = link(page + 1)
	}
	return p, nil
}
