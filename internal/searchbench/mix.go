package searchbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/store"
)

var errEnough = errors.New("enough")

// queryMix is the fixed query mix: text only (a broad word in most offers, a selective compound, a rare
// word), filters only, distance only, combined, typos and compound heads, ten hits a page as a phone shows
// them. The points are the locations of the first offers in id order, so the mix is the same for the same
// data and always lands where offers are.
func queryMix(ctx context.Context, s *store.Store) ([]*benchQuery, error) {
	var points [][2]float64
	err := s.StreamSearchDocs(ctx, store.SearchSelection{}, 64, func(docs []store.SearchDoc) error {
		for _, d := range docs {
			if len(d.Locations) > 0 && len(points) < 4 {
				points = append(points, [2]float64{d.Locations[0].Latitude, d.Locations[0].Longitude})
			}
		}
		return errEnough
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	if len(points) == 0 {
		return nil, errs.Wrap(errors.New("no offer has a location"), "query mix")
	}
	for len(points) < 4 {
		points = append(points, points[0])
	}
	at := func(i int, km float64, v url.Values) url.Values {
		v.Set("lat", strconv.FormatFloat(points[i][0], 'f', 5, 64))
		v.Set("lon", strconv.FormatFloat(points[i][1], 'f', 5, 64))
		v.Set("radius_km", strconv.FormatFloat(km, 'f', -1, 64))
		return v
	}
	q := func(kv ...string) url.Values {
		v := url.Values{"per_page": {"10"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	mix := []*benchQuery{
		{name: "broad", kind: "text", params: q("q", "Kinder")},
		{name: "selective", kind: "text", params: q("q", "Schuldnerberatung")},
		{name: "two words", kind: "text", params: q("q", "Eltern Kurs")},
		{name: "phase+free+age", kind: "facets", params: q("phase", "age_0_3", "free", "1", "age_months", "24")},
		{name: "field+language", kind: "facets", params: q("field", "health", "lang", "tr")},
		{name: "10 km", kind: "geo", params: at(0, 10, q())},
		{name: "25 km", kind: "geo", params: at(1, 25, q())},
		{name: "text+phase+25 km", kind: "combined", params: at(2, 25, q("q", "Beratung", "phase", "age_0_3"))},
		{name: "text+age+10 km", kind: "combined", params: at(3, 10, q("q", "Kurs", "age_months", "36", "free", "1"))},
		{name: "Hebame", kind: "typo", params: q("q", "Hebame")},
		{name: "Erziehungsberatug", kind: "typo", params: q("q", "Erziehungsberatug")},
		{name: "Beratung", kind: "compound", params: q("q", "Beratung")},
		{name: "Hebamme", kind: "compound", params: q("q", "Hebamme")},
	}
	return mix, nil
}

func say(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, format+"\n", args...)
}
